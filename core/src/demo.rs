//! The demo venue of `spec/API.md`, created by `beerflow serve --demo` and never otherwise.

use crate::AppError;
use crate::auth::hash_password;
use crate::domain::Role;
use crate::store::{DemoData, NewUser, NewVenue};
use uuid::Uuid;

pub const DEMO_VENUE_ID: Uuid = Uuid::from_u128(1);
pub const DEMO_PASSWORD: &str = "admin123!";

/// (email, name, role) of the demo staff.
pub const DEMO_USERS: [(&str, &str, Role); 5] = [
    ("admin@beerflow.demo", "Alex Admin", Role::Admin),
    ("manager@beerflow.demo", "Morgan Manager", Role::Manager),
    ("waiter1@beerflow.demo", "Wendy Waiter", Role::Waiter),
    ("waiter2@beerflow.demo", "Walter Waiter", Role::Waiter),
    ("chef@beerflow.demo", "Charlie Chef", Role::Kitchen),
];

pub fn demo_data() -> Result<DemoData, AppError> {
    let users = DEMO_USERS
        .iter()
        .enumerate()
        .map(|(i, (email, name, role))| {
            Ok(NewUser {
                id: Uuid::from_u128(0x100 + i as u128),
                venue_id: DEMO_VENUE_ID,
                email: (*email).to_owned(),
                name: (*name).to_owned(),
                role: *role,
                password_hash: hash_password(DEMO_PASSWORD)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(DemoData {
        venue: NewVenue { id: DEMO_VENUE_ID, name: "BeerFlow Demo Pub".into(), timezone: "Europe/Rome".into() },
        users,
    })
}
