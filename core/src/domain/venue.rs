//! A venue: one restaurant or bar, with its own staff, menu, stock and floor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    pub id: Uuid,
    pub name: String,
    /// IANA time zone name; "expired" and "today" are judged in it.
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}
