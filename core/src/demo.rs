//! The demo venue of `spec/API.md`, created by `beerflow serve --demo` and never otherwise.

use crate::AppError;
use crate::auth::hash_password;
use crate::domain::Role;
use crate::domain::inventory::{Category, Lot, MovementType, NewMovement, Product, Supplier, Unit};
use crate::domain::table::{Position, Table, TableStatus};
use crate::domain::{Money, Qty};
use crate::store::{DemoData, NewUser, NewVenue};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub const DEMO_VENUE_ID: Uuid = Uuid::from_u128(1);
pub const DEMO_PASSWORD: &str = "admin123!";
pub const DEMO_TIMEZONE: chrono_tz::Tz = chrono_tz::Europe::Rome;

/// (email, name, role) of the demo staff.
pub const DEMO_USERS: [(&str, &str, Role); 5] = [
    ("admin@beerflow.demo", "Alex Admin", Role::Admin),
    ("manager@beerflow.demo", "Morgan Manager", Role::Manager),
    ("waiter1@beerflow.demo", "Wendy Waiter", Role::Waiter),
    ("waiter2@beerflow.demo", "Walter Waiter", Role::Waiter),
    ("chef@beerflow.demo", "Charlie Chef", Role::Kitchen),
];

/// The demo data as of `now`; lot expiry dates are relative to `today` (the venue's local date)
/// so that some lots expire soon and one has expired when the demo is first loaded.
pub fn demo_data(today: NaiveDate, now: DateTime<Utc>) -> Result<DemoData, AppError> {
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
    let id = |n: u128| Uuid::from_u128(n);
    let (kitchen, bar, drinks) = (id(0x200), id(0x201), id(0x202));
    let (brewery, farm) = (id(0x300), id(0x301));
    let category = |id, name: &str, sort_order, station: &str| Category {
        id,
        venue_id: DEMO_VENUE_ID,
        name: name.to_owned(),
        sort_order,
        station: station.to_owned(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    let categories = vec![
        category(kitchen, "Kitchen", 1, "kitchen"),
        category(bar, "Beers on tap", 2, "bar"),
        category(drinks, "Soft drinks", 3, "bar"),
    ];
    let supplier = |id, name: &str| Supplier {
        id,
        venue_id: DEMO_VENUE_ID,
        name: name.to_owned(),
        contact_name: None,
        email: None,
        phone: None,
        notes: None,
        active: true,
        created_at: now,
        updated_at: now,
    };
    let suppliers = vec![supplier(brewery, "Birrificio del Borgo"), supplier(farm, "Fattoria Verde")];
    let money = |cents: i64| Money::from_raw(cents);
    let product =
        |n, category_id, supplier_id, name: &str, sku: &str, unit, price, cost: Option<i64>, min: Option<i64>| {
            Product {
                id: id(n),
                venue_id: DEMO_VENUE_ID,
                category_id: Some(category_id),
                supplier_id,
                name: name.to_owned(),
                sku: Some(sku.to_owned()),
                unit,
                price: money(price),
                cost: cost.map(money),
                track_stock: true,
                min_stock: min.map(Qty::whole),
                attributes: Default::default(),
                active: true,
                created_at: now,
                updated_at: now,
            }
        };
    let mut products = vec![
        product(0x400, kitchen, Some(farm), "Burger", "KIT-BURGER", Unit::Pz, 1200, Some(450), Some(10)),
        product(0x401, kitchen, Some(farm), "Fries", "KIT-FRIES", Unit::Pz, 450, Some(90), Some(20)),
        product(0x402, kitchen, Some(farm), "Caesar salad", "KIT-CAESAR", Unit::Pz, 900, Some(300), Some(5)),
        product(0x403, bar, Some(brewery), "IPA 0.4 l", "BAR-IPA", Unit::L, 600, Some(180), Some(20)),
        product(0x404, bar, Some(brewery), "Lager 0.4 l", "BAR-LAGER", Unit::L, 500, Some(120), Some(20)),
        product(0x405, drinks, None, "Cola", "SOFT-COLA", Unit::Pz, 350, Some(80), Some(24)),
    ];
    // Tap water is served but not stocked.
    products.push(Product {
        track_stock: false,
        min_stock: None,
        cost: None,
        ..product(0x406, drinks, None, "Tap water", "SOFT-WATER", Unit::L, 0, None, None)
    });
    let day = |offset: i64| Some(today + chrono::Duration::days(offset));
    let lot = |n, product_id: Uuid, supplier_id, lot_code: &str, units: i64, unit, cost, expiry, location: &str| {
        let lot = Lot {
            id: id(n),
            venue_id: DEMO_VENUE_ID,
            product_id,
            supplier_id,
            lot_code: lot_code.to_owned(),
            qty_init: Qty::whole(units),
            qty_current: Qty::whole(units),
            unit,
            cost_per_unit: Some(money(cost)),
            expiry_date: expiry,
            storage_location: Some(location.to_owned()),
            notes: None,
            received_at: now,
            created_at: now,
            updated_at: now,
        };
        // The receipt's IN movement: written only with the lot, so the ledger sums to the lot.
        let receipt = NewMovement {
            id: Uuid::new_v4(),
            quantity: lot.qty_init,
            movement_type: MovementType::In,
            reference_id: Some(lot.id),
            reason: Some("demo data".into()),
            created_by: None,
        };
        (lot, receipt)
    };
    let lots = vec![
        lot(0x500, id(0x400), Some(farm), "BURG-0001", 40, Unit::Pz, 450, day(2), "Walk-in fridge"),
        lot(0x501, id(0x400), Some(farm), "BURG-0002", 60, Unit::Pz, 460, day(9), "Walk-in fridge"),
        lot(0x502, id(0x401), Some(farm), "FRIES-0001", 80, Unit::Pz, 90, day(60), "Freezer"),
        lot(0x503, id(0x402), Some(farm), "CAES-0001", 6, Unit::Pz, 300, day(-1), "Walk-in fridge"),
        lot(0x504, id(0x402), Some(farm), "CAES-0002", 12, Unit::Pz, 310, day(1), "Walk-in fridge"),
        lot(0x505, id(0x403), Some(brewery), "IPA-K12", 30, Unit::L, 180, day(45), "Cellar, keg 12"),
        lot(0x506, id(0x404), Some(brewery), "LAG-K07", 30, Unit::L, 120, day(3), "Cellar, keg 7"),
        lot(0x507, id(0x404), Some(brewery), "LAG-K08", 30, Unit::L, 120, None, "Cellar, keg 8"),
        lot(0x508, id(0x405), None, "COLA-2411", 48, Unit::Pz, 80, day(180), "Bar fridge"),
    ];
    Ok(DemoData {
        venue: NewVenue {
            id: DEMO_VENUE_ID,
            name: "BeerFlow Demo Pub".into(),
            timezone: DEMO_TIMEZONE.name().into(),
            currency: "EUR".into(),
            language: "it".into(),
            locale: "it-IT".into(),
        },
        users,
        categories,
        suppliers,
        products,
        lots,
        tables: demo_tables(now),
    })
}

/// The demo floor: a dining room, a bar counter and a terrace.
fn demo_tables(now: DateTime<Utc>) -> Vec<Table> {
    let floor: [(&str, i32, &str, f64, f64, &str); 10] = [
        ("T1", 2, "Sala", 40.0, 40.0, "square"),
        ("T2", 2, "Sala", 160.0, 40.0, "square"),
        ("T3", 4, "Sala", 280.0, 40.0, "rect"),
        ("T4", 4, "Sala", 40.0, 180.0, "rect"),
        ("T5", 6, "Sala", 200.0, 180.0, "rect"),
        ("T6", 8, "Sala", 380.0, 180.0, "round"),
        ("B1", 1, "Bancone", 40.0, 340.0, "round"),
        ("B2", 1, "Bancone", 160.0, 340.0, "round"),
        ("E1", 4, "Dehors", 520.0, 40.0, "round"),
        ("E2", 4, "Dehors", 520.0, 180.0, "round"),
    ];
    floor
        .iter()
        .enumerate()
        .map(|(i, (name, seats, area, x, y, shape))| Table {
            id: Uuid::from_u128(0x700 + i as u128),
            venue_id: DEMO_VENUE_ID,
            name: (*name).to_owned(),
            seats: *seats,
            area: Some((*area).to_owned()),
            position_json: Some(Position {
                x: *x,
                y: *y,
                width: Some(if *seats > 4 { 140.0 } else { 90.0 }),
                height: Some(90.0),
                shape: Some((*shape).to_owned()),
                rotation: None,
            }),
            status: TableStatus::Free,
            open_orders: 0,
            created_at: now,
            updated_at: now,
        })
        .collect()
}
