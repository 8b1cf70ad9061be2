//! The dining tables part of the store: the floor, each table's status (set by hand, and by its
//! orders through `release_table` and `put_table_status`), and the all-or-nothing layout change.

use crate::AppError;
use crate::domain::table::{Position, Table, TableStatus};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::Page;
use super::sql::{Apply, corrupt};

#[derive(Clone, Debug, Default)]
pub struct TableFilter {
    pub area: Option<String>,
    pub status: Option<TableStatus>,
}

/// A validated table layout change.
#[derive(Clone, Debug)]
pub struct LayoutChange {
    pub id: Uuid,
    pub position: Position,
    /// `None`: keep; `Some(None)`: clear.
    pub area: Option<Option<String>>,
    /// `None`: keep.
    pub name: Option<String>,
    pub seats: Option<i32>,
}

/// A validated change of the floor plan: tables moved (renamed...), added and removed, over the
/// plan's version `expected_version` when given.
#[derive(Clone, Debug, Default)]
pub struct LayoutPlan {
    pub expected_version: Option<i64>,
    pub changes: Vec<LayoutChange>,
    pub create: Vec<Table>,
    pub delete: Vec<Uuid>,
}

#[async_trait]
pub trait TableStore: Send + Sync + 'static {
    /// 409 on a duplicate name.
    async fn create_table(&self, table: &Table) -> Result<Table, AppError>;
    async fn list_tables(&self, venue_id: Uuid, filter: &TableFilter, page: Page) -> Result<Vec<Table>, AppError>;
    async fn get_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError>;
    async fn update_table(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Table>) -> Result<Option<Table>, AppError>;
    /// 409 while the table has open orders.
    async fn delete_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError>;
    /// 409 for `free` / `out_of_service` while orders are open.
    async fn set_table_status(&self, venue_id: Uuid, id: Uuid, status: TableStatus) -> Result<Option<Table>, AppError>;
    /// All or nothing: an unknown table is a 404, a plan whose version is not
    /// `expected_version` a 409, and nothing changes. The changed and created tables, and the
    /// plan's new version.
    async fn update_layout(&self, venue_id: Uuid, plan: &LayoutPlan) -> Result<(Vec<Table>, i64), AppError>;
    /// Every table of the venue and the plan's version.
    async fn layout(&self, venue_id: Uuid) -> Result<(Vec<Table>, i64), AppError>;
}

pub(crate) const TABLE_COLUMNS: &str = "t.id, t.venue_id, t.name, t.seats, t.area, \
     @jsoncol(t.position_json) AS position_json, t.status, (SELECT COUNT(*) FROM orders oo WHERE oo.table_id = t.id \
     AND oo.status NOT IN ('completed', 'cancelled')) AS open_orders, t.created_at, t.updated_at";
pub(crate) const TABLE_INSERT: &str = "INSERT INTO dining_tables (id, venue_id, name, seats, area, position_json, \
     status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, @json($6), $7, $8, $9)";

#[derive(FromRow)]
pub(crate) struct TableRow {
    id: Uuid,
    venue_id: Uuid,
    name: String,
    seats: i32,
    area: Option<String>,
    position_json: Option<String>,
    status: String,
    open_orders: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TableRow> for Table {
    type Error = AppError;
    fn try_from(r: TableRow) -> Result<Self, AppError> {
        Ok(Table {
            id: r.id,
            venue_id: r.venue_id,
            name: r.name,
            seats: r.seats,
            area: r.area,
            position_json: r
                .position_json
                .map(|p| serde_json::from_str(&p))
                .transpose()
                .map_err(|_| corrupt("table position"))?,
            status: TableStatus::parse(&r.status).ok_or_else(|| corrupt("table status"))?,
            open_orders: r.open_orders,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}
