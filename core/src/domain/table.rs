//! Dining tables and the floor plan.

use super::inventory::double_option;
use super::wire;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TableStatus {
    Free,
    Occupied,
    Reserved,
    Cleaning,
    OutOfService,
}

impl TableStatus {
    pub const ALL: [TableStatus; 5] = [
        TableStatus::Free,
        TableStatus::Occupied,
        TableStatus::Reserved,
        TableStatus::Cleaning,
        TableStatus::OutOfService,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::Free => "free",
            TableStatus::Occupied => "occupied",
            TableStatus::Reserved => "reserved",
            TableStatus::Cleaning => "cleaning",
            TableStatus::OutOfService => "out_of_service",
        }
    }

    pub fn parse(s: &str) -> Option<TableStatus> {
        TableStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Statuses that may not be set by hand while the table has open orders.
    pub fn needs_no_open_orders(self) -> bool {
        match self {
            TableStatus::Free | TableStatus::OutOfService => true,
            TableStatus::Occupied | TableStatus::Reserved | TableStatus::Cleaning => false,
        }
    }
}

/// Where a table is drawn on the floor plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<f64>,
}

impl Position {
    /// Finite coordinates, positive sizes, a short shape name.
    pub fn validate(&self, field: &str) -> Result<(), String> {
        for (name, v) in [("x", Some(self.x)), ("y", Some(self.y)), ("rotation", self.rotation)] {
            if v.is_some_and(|v| !v.is_finite() || v.abs() > 1.0e6) {
                return Err(format!("{field}.{name}: must be a finite number"));
            }
        }
        for (name, v) in [("width", self.width), ("height", self.height)] {
            if v.is_some_and(|v| !v.is_finite() || v <= 0.0 || v > 1.0e6) {
                return Err(format!("{field}.{name}: must be a positive number"));
            }
        }
        if let Some(shape) = &self.shape {
            super::text::check(&format!("{field}.shape"), shape, super::text::Lines::One)?;
            if shape.trim().is_empty() || shape.chars().count() > 20 {
                return Err(format!("{field}.shape: must be 1 to 20 characters"));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Table {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub seats: i32,
    pub area: Option<String>,
    pub position_json: Option<Position>,
    pub status: TableStatus,
    /// Orders on the table that are neither completed nor cancelled.
    pub open_orders: i64,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
}

/// `POST /venues/{v}/tables`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTable {
    pub name: String,
    pub seats: i32,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default, deserialize_with = "wire::optional_object")]
    pub position_json: Option<Position>,
}

/// `PATCH /venues/{v}/tables/{id}`: absent fields stay, `null` clears area and position.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TablePatch {
    pub name: Option<String>,
    pub seats: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Option<Option<String>>,
    #[serde(default, deserialize_with = "wire::double_optional_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Position>))]
    pub position_json: Option<Option<Position>>,
}

/// `PATCH /venues/{v}/tables/{id}/status`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TableStatusRequest {
    pub status: TableStatus,
}

/// One table of `PATCH /venues/{v}/tables/layout`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LayoutEntry {
    pub id: Uuid,
    #[serde(deserialize_with = "wire::object")]
    pub position_json: Position,
    #[serde(default, deserialize_with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Option<Option<String>>,
    /// Extension (the floor-plan editor): a new name, saved with the rest of the layout.
    #[serde(default)]
    pub name: Option<String>,
    /// Extension: a new number of seats.
    #[serde(default)]
    pub seats: Option<i32>,
}

/// `PATCH /venues/{v}/tables/layout`: the tables moved (and, as extensions, renamed, added and
/// removed) in one change, all or nothing.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LayoutRequest {
    #[serde(deserialize_with = "wire::objects")]
    pub tables: Vec<LayoutEntry>,
    /// Extension: the `layout_version` the change was made over (`GET .../tables/layout`); when
    /// the floor plan has changed since, the change is refused (409) and nothing is written.
    #[serde(default)]
    pub layout_version: Option<i64>,
    /// Extension: tables added with the change.
    #[serde(default, deserialize_with = "wire::objects")]
    pub create: Vec<NewTable>,
    /// Extension: tables removed with the change (409 for one with open orders).
    #[serde(default)]
    pub delete: Vec<Uuid>,
}

/// `GET /venues/{v}/tables/layout` (extension): every table of the venue and the floor plan's
/// version, which every change of the tables other than their status raises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Layout {
    pub layout_version: i64,
    pub tables: Vec<Table>,
}
