//! A venue: one restaurant or bar, with its own staff, menu, stock and floor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Venue {
    pub id: Uuid,
    pub name: String,
    /// IANA time zone name; "expired" and "today" are judged in it, and screens show times in it.
    pub timezone: String,
    /// ISO 4217 code of the currency prices are in (`EUR`).
    pub currency: String,
    /// The language of the venue's screens for users who have not chosen one (`it`, `en`).
    pub language: String,
    /// BCP 47 locale whose conventions format numbers and times (`it-IT`, `en-US`).
    pub locale: String,
    /// The kitchen display turns a ticket amber after this many minutes...
    pub kds_warn_minutes: i32,
    /// ...and red after this many.
    pub kds_late_minutes: i32,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
}

/// `PATCH /venues/{v}`: the venue's settings (absent fields stay).
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VenuePatch {
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub kds_warn_minutes: Option<i32>,
    #[serde(default)]
    pub kds_late_minutes: Option<i32>,
}

/// How late a kitchen ticket is, by the venue's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketAge {
    OnTime,
    Warn,
    Late,
}

impl TicketAge {
    pub fn of(elapsed_seconds: i64, warn_minutes: i32, late_minutes: i32) -> TicketAge {
        if elapsed_seconds >= i64::from(late_minutes) * 60 {
            TicketAge::Late
        } else if elapsed_seconds >= i64::from(warn_minutes) * 60 {
            TicketAge::Warn
        } else {
            TicketAge::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_age_by_the_venue_thresholds() {
        let cases = [
            (0, 10, 20, TicketAge::OnTime),
            (599, 10, 20, TicketAge::OnTime),
            (600, 10, 20, TicketAge::Warn),
            (1199, 10, 20, TicketAge::Warn),
            (1200, 10, 20, TicketAge::Late),
            (119, 1, 2, TicketAge::Warn),
            (120, 1, 2, TicketAge::Late),
            (-5, 1, 2, TicketAge::OnTime),
        ];
        for (seconds, warn, late, expected) in cases {
            assert_eq!(TicketAge::of(seconds, warn, late), expected, "{seconds} s with {warn}/{late} min");
        }
    }
}
