//! The orders half of the store: dining tables, orders and their items, serving with FEFO stock
//! deduction, and the venue event log. Like the inventory half, the Rust code is written once
//! (`impl_order_store!`) and the SQL once, with markers rendered per backend.
//!
//! Lock order, the same in every transaction so that concurrent writers never deadlock:
//! order row -> lots (by id) -> dining tables (by id) -> counters (order number, then event seq).
//! Events are appended last: a transaction holding the event counter waits for nothing else.

use crate::AppError;
use crate::domain::event::EventRecord;
use crate::domain::order::{ItemAllocation, Order, OrderItem, OrderStatus};
use crate::domain::table::{Position, Table, TableStatus};
use crate::domain::{Money, Qty, User};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::Page;
use super::inventory::Apply;

#[derive(Clone, Debug, Default)]
pub struct TableFilter {
    pub area: Option<String>,
    pub status: Option<TableStatus>,
}

#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Any of these statuses; empty means all.
    pub statuses: Vec<OrderStatus>,
    pub table_id: Option<Uuid>,
    /// Only orders without a table (takeaway).
    pub without_table: bool,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
}

/// A validated line to add to an order; the product's name and price are read in the
/// transaction that writes it.
#[derive(Clone, Debug)]
pub struct ItemDraft {
    pub id: Uuid,
    pub product_id: Uuid,
    pub quantity: Qty,
    pub notes: Option<String>,
    pub modifiers: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A validated new order.
#[derive(Clone, Debug)]
pub struct OrderDraft {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub table_id: Option<Uuid>,
    pub covers: Option<i32>,
    pub notes: Option<String>,
    pub items: Vec<ItemDraft>,
    pub created_by: Uuid,
    pub idempotency_key: Option<String>,
    pub now: DateTime<Utc>,
}

/// A validated table layout change.
#[derive(Clone, Debug)]
pub struct LayoutChange {
    pub id: Uuid,
    pub position: Position,
    /// `None`: keep; `Some(None)`: clear.
    pub area: Option<Option<String>>,
}

/// A status move asked for by `actor`; `check` decides, on the locked order, whether it may
/// happen (state machine, permission table, business rules).
pub struct StatusChange<'a> {
    pub to: OrderStatus,
    pub reason: Option<String>,
    pub actor: &'a User,
    /// The venue's local date, for judging expired lots; needed (only) when serving.
    pub today: Option<NaiveDate>,
    pub check: &'a (dyn Fn(&Order) -> Result<(), AppError> + Send + Sync),
}

/// `details.kitchen` of `/health`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct KitchenStats {
    /// Orders confirmed, preparing or ready.
    pub active_kitchen_orders: i64,
    /// Confirmed or preparing since before the threshold.
    pub stuck_orders: i64,
    /// From preparing to ready, over the recent window; `null` without data.
    pub average_preparation_minutes: Option<f64>,
}

/// An order movement of a lot, for traceability.
#[derive(Clone, Debug)]
pub struct OrderRef {
    pub order_id: Uuid,
    pub order_number: String,
    pub table_name: Option<String>,
}

#[async_trait]
pub trait OrderStore: Send + Sync + 'static {
    /// 409 on a duplicate name.
    async fn create_table(&self, table: &Table) -> Result<Table, AppError>;
    async fn list_tables(&self, venue_id: Uuid, filter: &TableFilter, page: Page) -> Result<Vec<Table>, AppError>;
    async fn get_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError>;
    async fn update_table(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Table>) -> Result<Option<Table>, AppError>;
    /// 409 while the table has open orders.
    async fn delete_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError>;
    /// 409 for `free` / `out_of_service` while orders are open.
    async fn set_table_status(&self, venue_id: Uuid, id: Uuid, status: TableStatus) -> Result<Option<Table>, AppError>;
    /// All or nothing: an unknown table is a 404 and nothing changes.
    async fn update_layout(&self, venue_id: Uuid, changes: &[LayoutChange]) -> Result<Vec<Table>, AppError>;
    /// Inserts the tables that are missing (demo data).
    async fn seed_tables(&self, tables: &[Table]) -> Result<(), AppError>;

    /// The order and whether it was created now (`false`: an earlier request with the same
    /// idempotency key by the same user created it).
    async fn create_order(&self, draft: &OrderDraft) -> Result<(Order, bool), AppError>;
    /// 409 unless the order is draft, confirmed or preparing.
    async fn add_items(
        &self,
        venue_id: Uuid,
        id: Uuid,
        items: &[ItemDraft],
        now: DateTime<Utc>,
    ) -> Result<Option<Order>, AppError>;
    async fn get_order(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Order>, AppError>;
    async fn list_orders(&self, venue_id: Uuid, filter: &OrderFilter, page: Page) -> Result<Vec<Order>, AppError>;
    /// 409 unless draft or cancelled.
    async fn delete_order(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError>;
    /// Moves the order; serving deducts stock by FEFO in the same transaction.
    async fn change_status(
        &self,
        venue_id: Uuid,
        id: Uuid,
        change: &StatusChange<'_>,
    ) -> Result<Option<Order>, AppError>;
    /// Confirmed, preparing and ready orders, oldest first.
    async fn kitchen_orders(&self, venue_id: Uuid) -> Result<Vec<Order>, AppError>;
    /// Order number and table of the given orders, for a lot's trace.
    async fn order_refs(&self, venue_id: Uuid, ids: &[Uuid]) -> Result<Vec<OrderRef>, AppError>;

    /// Kitchen load across venues, for `/health`.
    async fn kitchen_stats(
        &self,
        stuck_before: DateTime<Utc>,
        ready_since: DateTime<Utc>,
    ) -> Result<KitchenStats, AppError>;

    /// Events after `after_seq`, in order, at most `limit`.
    async fn list_events(&self, venue_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<EventRecord>, AppError>;
    /// Deletes events older than `before` that are not among their venue's last `keep`;
    /// returns how many went.
    async fn prune_events(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, AppError>;
    /// The oldest event number still in the venue's log (0 when it is empty).
    async fn oldest_seq(&self, venue_id: Uuid) -> Result<i64, AppError>;
    /// The venue's latest event number (0 before the first event).
    async fn latest_seq(&self, venue_id: Uuid) -> Result<i64, AppError>;
}

/// The PostgreSQL `NOTIFY` channel on which every commit that appended venue events announces
/// the venue (the payload), so that every server instance reads the log.
pub const EVENTS_CHANNEL: &str = "beerflow_events";

pub(crate) const TABLE_COLUMNS: &str = "t.id, t.venue_id, t.name, t.seats, t.area, @jsoncol(t.position_json) AS position_json, \
     t.status, (SELECT COUNT(*) FROM orders oo WHERE oo.table_id = t.id AND oo.status NOT IN ('completed', 'cancelled')) \
     AS open_orders, t.created_at, t.updated_at";
pub(crate) const ORDER_COLUMNS: &str = "o.id, o.venue_id, o.order_number, o.table_id, t.name AS table_name, o.status, \
     o.covers, o.notes, @m(o.total) AS total_cents, @m(o.cost_of_goods) AS cost_of_goods_cents, o.cancel_reason, \
     o.created_by, o.created_at, o.updated_at, o.confirmed_at, o.kitchen_started_at, o.ready_at, o.served_at, \
     o.completed_at, o.cancelled_at";
pub(crate) const ORDER_FROM: &str = "orders o LEFT JOIN dining_tables t ON t.id = o.table_id";
pub(crate) const ITEM_COLUMNS: &str = "i.id, i.order_id, i.product_id, i.product_name, @q(i.quantity) AS quantity_milli, \
     @m(i.unit_price) AS unit_price_cents, i.notes, @jsoncol(i.modifiers) AS modifiers, c.station, i.allocated_lot_id, \
     @jsoncol(i.allocations) AS allocations";
pub(crate) const ITEM_FROM: &str = "order_items i JOIN products p ON p.id = i.product_id \
     LEFT JOIN product_categories c ON c.id = p.category_id";

fn corrupt(what: &str) -> AppError {
    tracing::error!("corrupt {what} in database");
    AppError::Internal
}

/// The status change's UPDATE, stamping `column` only if it is still empty.
pub(crate) fn status_update(column: &str) -> String {
    format!(
        "UPDATE orders SET status = $1, updated_at = $2, {column} = COALESCE({column}, $2), \
         @mc(cost_of_goods) = @mv($3), cancel_reason = $4 WHERE id = $5"
    )
}

/// `$first, $first+1, ...`: the placeholders of an `IN (...)` list.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Now, at the microsecond precision both databases keep.
pub(crate) fn now_micros() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

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

#[derive(FromRow)]
pub(crate) struct OrderRow {
    id: Uuid,
    venue_id: Uuid,
    order_number: String,
    table_id: Option<Uuid>,
    table_name: Option<String>,
    status: String,
    covers: Option<i32>,
    notes: Option<String>,
    total_cents: i64,
    cost_of_goods_cents: Option<i64>,
    cancel_reason: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    kitchen_started_at: Option<DateTime<Utc>>,
    ready_at: Option<DateTime<Utc>>,
    served_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
}

impl OrderRow {
    pub(crate) fn into_order(self, items: Vec<OrderItem>) -> Result<Order, AppError> {
        Ok(Order {
            id: self.id,
            venue_id: self.venue_id,
            order_number: self.order_number,
            table_id: self.table_id,
            table_name: self.table_name,
            status: OrderStatus::parse(&self.status).ok_or_else(|| corrupt("order status"))?,
            covers: self.covers,
            notes: self.notes,
            items,
            total: Money::from_raw(self.total_cents),
            cost_of_goods: self.cost_of_goods_cents.map(Money::from_raw),
            cancel_reason: self.cancel_reason,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            confirmed_at: self.confirmed_at,
            kitchen_started_at: self.kitchen_started_at,
            ready_at: self.ready_at,
            served_at: self.served_at,
            completed_at: self.completed_at,
            cancelled_at: self.cancelled_at,
        })
    }

    pub(crate) fn id(&self) -> Uuid {
        self.id
    }
}

#[derive(FromRow)]
pub(crate) struct ItemRow {
    id: Uuid,
    order_id: Uuid,
    product_id: Uuid,
    product_name: String,
    quantity_milli: i64,
    unit_price_cents: i64,
    notes: Option<String>,
    modifiers: Option<String>,
    station: Option<String>,
    allocated_lot_id: Option<Uuid>,
    allocations: String,
}

impl ItemRow {
    pub(crate) fn order_id(&self) -> Uuid {
        self.order_id
    }
}

impl TryFrom<ItemRow> for OrderItem {
    type Error = AppError;
    fn try_from(r: ItemRow) -> Result<Self, AppError> {
        Ok(OrderItem {
            id: r.id,
            product_id: r.product_id,
            product_name: r.product_name,
            quantity: Qty::from_raw(r.quantity_milli),
            unit_price: Money::from_raw(r.unit_price_cents),
            notes: r.notes,
            modifiers: r
                .modifiers
                .map(|m| serde_json::from_str(&m))
                .transpose()
                .map_err(|_| corrupt("item modifiers"))?,
            station: r.station,
            allocated_lot_id: r.allocated_lot_id,
            allocations: serde_json::from_str::<Vec<ItemAllocation>>(&r.allocations)
                .map_err(|_| corrupt("item allocations"))?,
        })
    }
}

/// Groups item rows (already in order) under their orders, keeping the orders' order.
pub(crate) fn assemble(orders: Vec<OrderRow>, items: Vec<ItemRow>) -> Result<Vec<Order>, AppError> {
    let mut by_order: std::collections::HashMap<Uuid, Vec<OrderItem>> = std::collections::HashMap::new();
    for item in items {
        by_order.entry(item.order_id()).or_default().push(item.try_into()?);
    }
    orders
        .into_iter()
        .map(|o| {
            let items = by_order.remove(&o.id()).unwrap_or_default();
            o.into_order(items)
        })
        .collect()
}

/// The order store for one backend; see `impl_inventory_store!`.
macro_rules! impl_order_store {
    ($store:ty, $conn:ty, $pg:expr) => {
        use $crate::store::orders::{
            assemble, now_micros, placeholders, status_update, ItemDraft, KitchenStats, ItemRow, LayoutChange, OrderDraft, OrderFilter,
            OrderRef, OrderRow, OrderStore, StatusChange, TableFilter, TableRow, ITEM_COLUMNS, ITEM_FROM,
            ORDER_COLUMNS, ORDER_FROM, TABLE_COLUMNS,
        };
        use $crate::store::inventory::{conflict_or, render, sql, Apply};
        use $crate::store::Page;
        use $crate::AppError;
        use $crate::domain::event::{EventRecord, StockAlertKind, VenueEvent};
        use $crate::domain::order::{line_total, ItemAllocation, Order, OrderItem, OrderStatus};
        use $crate::domain::table::{Table, TableStatus};
        use $crate::domain::{plan_fefo, LotStock, Money, Qty};
        use async_trait::async_trait;
        use chrono::{DateTime, NaiveDate, Utc};
        use uuid::Uuid;

        const PG: bool = $pg;

        /// A product as serving and ordering need it.
        struct ProductInfo {
            name: String,
            unit: String,
            price: Money,
            cost: Option<Money>,
            track_stock: bool,
            min_stock: Option<Qty>,
            active: bool,
            station: Option<String>,
        }

        impl $store {
            /// Locks the table, then reads it in a new statement: under READ COMMITTED that
            /// statement sees whatever the previous lock holder committed (its open orders too).
            async fn table_locked(conn: &mut $conn, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError> {
                let found: Option<Uuid> = sqlx::query_scalar(sql!(PG,
                    "SELECT id FROM dining_tables WHERE id = $1 AND venue_id = $2 AND deleted_at IS NULL@lock"))
                    .bind(id).bind(venue_id).fetch_optional(&mut *conn).await?;
                match found {
                    Some(id) => Self::table_by_id(conn, id).await.map(Some),
                    None => Ok(None),
                }
            }

            async fn table_by_id(conn: &mut $conn, id: Uuid) -> Result<Table, AppError> {
                let row: TableRow = sqlx::query_as(sql!(PG, &format!(
                    "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.id = $1")))
                    .bind(id).fetch_one(&mut *conn).await?;
                row.try_into()
            }

            /// Sets a table's status, recording the event when it changes.
            async fn put_table_status(
                conn: &mut $conn,
                table: &Table,
                status: TableStatus,
                now: DateTime<Utc>,
                events: &mut Vec<VenueEvent>,
            ) -> Result<(), AppError> {
                if table.status == status {
                    return Ok(());
                }
                sqlx::query(sql!(PG, "UPDATE dining_tables SET status = $1, updated_at = $2 WHERE id = $3"))
                    .bind(status.as_str()).bind(now).bind(table.id).execute(&mut *conn).await?;
                events.push(VenueEvent::TableStatusChanged {
                    table_id: table.id,
                    table_name: table.name.clone(),
                    from_status: table.status,
                    status,
                });
                Ok(())
            }

            /// After an order on `table_id` closed: the table is cleaned once its last open order
            /// is completed, and is free again when its last open order was cancelled or deleted.
            async fn release_table(
                conn: &mut $conn,
                venue_id: Uuid,
                table_id: Option<Uuid>,
                completed: bool,
                now: DateTime<Utc>,
                events: &mut Vec<VenueEvent>,
            ) -> Result<(), AppError> {
                let Some(table_id) = table_id else { return Ok(()) };
                let Some(table) = Self::table_locked(conn, venue_id, table_id).await? else { return Ok(()) };
                if table.open_orders > 0 {
                    return Ok(());
                }
                if completed {
                    Self::put_table_status(conn, &table, TableStatus::Cleaning, now, events).await
                } else if table.status == TableStatus::Occupied {
                    Self::put_table_status(conn, &table, TableStatus::Free, now, events).await
                } else {
                    Ok(())
                }
            }

            /// Adds `n` to a per-venue counter and returns the new value.
            async fn bump_counter(conn: &mut $conn, venue_id: Uuid, name: &str, n: i64) -> Result<i64, AppError> {
                Ok(sqlx::query_scalar(sql!(PG,
                    "INSERT INTO venue_counters (venue_id, name, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (venue_id, name) DO UPDATE SET value = venue_counters.value + $3 RETURNING value"))
                    .bind(venue_id).bind(name).bind(n).fetch_one(&mut *conn).await?)
            }

            /// Appends events to the venue's log, numbered without gaps. Always the last write of
            /// a transaction (see the lock order above).
            async fn append_events(
                conn: &mut $conn,
                venue_id: Uuid,
                events: &[VenueEvent],
                now: DateTime<Utc>,
            ) -> Result<(), AppError> {
                if events.is_empty() {
                    return Ok(());
                }
                if !PG {
                    // SQLite: one writer at a time, so the next number is the log's maximum + 1,
                    // in the same statement (one round trip per event).
                    for event in events {
                        let (name, data) = event.into_parts();
                        sqlx::query(sql!(PG,
                            "INSERT INTO venue_events (venue_id, seq, event, data, created_at) \
                             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM venue_events WHERE venue_id = $1"))
                            .bind(venue_id).bind(name).bind(data.to_string()).bind(now)
                            .execute(&mut *conn).await?;
                    }
                    return Ok(());
                }
                // PostgreSQL: writers run concurrently; the venue's counter row, locked until
                // commit, hands out the numbers.
                let last = Self::bump_counter(conn, venue_id, "event_seq", events.len() as i64).await?;
                let first = last - events.len() as i64 + 1;
                for (i, event) in events.iter().enumerate() {
                    let (name, data) = event.into_parts();
                    sqlx::query(sql!(PG,
                        "INSERT INTO venue_events (venue_id, seq, event, data, created_at) VALUES ($1, $2, $3, @json($4), $5)"))
                        .bind(venue_id).bind(first + i as i64).bind(name).bind(data.to_string()).bind(now)
                        .execute(&mut *conn).await?;
                }
                // Delivered to every listening instance when (and only if) this commits.
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind($crate::store::orders::EVENTS_CHANNEL).bind(venue_id.to_string())
                    .execute(&mut *conn).await?;
                Ok(())
            }

            async fn product_info(conn: &mut $conn, venue_id: Uuid, id: Uuid) -> Result<Option<ProductInfo>, AppError> {
                let row: Option<(String, String, i64, Option<i64>, bool, Option<i64>, bool, Option<String>)> =
                    sqlx::query_as(sql!(PG,
                    "SELECT p.name, p.unit, @m(p.price), @m(p.cost), p.track_stock, @q(p.min_stock), p.active, c.station \
                     FROM products p LEFT JOIN product_categories c ON c.id = p.category_id WHERE p.id = $1 AND p.venue_id = $2"))
                    .bind(id).bind(venue_id).fetch_optional(&mut *conn).await?;
                Ok(row.map(|(name, unit, price, cost, track_stock, min_stock, active, station)| ProductInfo {
                    station,
                    name,
                    unit,
                    price: Money::from_raw(price),
                    cost: cost.map(Money::from_raw),
                    track_stock,
                    min_stock: min_stock.map(Qty::from_raw),
                    active,
                }))
            }

            /// Reads the products of new lines (404 / 409 naming the line) into the items to write.
            async fn resolve_items(conn: &mut $conn, venue_id: Uuid, items: &[ItemDraft]) -> Result<Vec<OrderItem>, AppError> {
                let mut resolved = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let Some(p) = Self::product_info(conn, venue_id, item.product_id).await? else {
                        return Err(AppError::not_found(format!(
                            "items[{i}].product_id: product {} not found", item.product_id)));
                    };
                    if !p.active {
                        return Err(AppError::conflict(format!(
                            "items[{i}].product_id: `{}` is no longer on sale", p.name)));
                    }
                    resolved.push(OrderItem {
                        id: item.id,
                        product_id: item.product_id,
                        product_name: p.name,
                        quantity: item.quantity,
                        unit_price: p.price,
                        notes: item.notes.clone(),
                        modifiers: item.modifiers.clone(),
                        station: p.station,
                        allocated_lot_id: None,
                        allocations: Vec::new(),
                    });
                }
                Ok(resolved)
            }

            /// Writes lines after the order's first `position` lines.
            async fn write_items(
                conn: &mut $conn,
                venue_id: Uuid,
                order_id: Uuid,
                position: usize,
                items: &[OrderItem],
                now: DateTime<Utc>,
            ) -> Result<(), AppError> {
                for (i, item) in items.iter().enumerate() {
                    let modifiers = item.modifiers.as_ref().map(|m| serde_json::Value::Object(m.clone()).to_string());
                    sqlx::query(sql!(PG,
                        "INSERT INTO order_items (id, order_id, venue_id, position, product_id, product_name, @qc(quantity), \
                         @mc(unit_price), notes, modifiers, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, @qv($7), @mv($8), $9, @json($10), $11)"))
                        .bind(item.id).bind(order_id).bind(venue_id).bind((position + i + 1) as i32)
                        .bind(item.product_id).bind(&item.product_name).bind(item.quantity.raw()).bind(item.unit_price.raw())
                        .bind(&item.notes).bind(modifiers).bind(now)
                        .execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// The order of an idempotency key, if that key was used by that user.
            async fn order_by_key(&self, d: &OrderDraft) -> Result<Option<Order>, AppError> {
                let Some(key) = &d.idempotency_key else { return Ok(None) };
                let existing: Option<Uuid> = sqlx::query_scalar(sql!(PG,
                    "SELECT id FROM orders WHERE venue_id = $1 AND created_by = $2 AND idempotency_key = $3"))
                    .bind(d.venue_id).bind(d.created_by).bind(key).fetch_optional(&self.pool).await?;
                match existing {
                    Some(id) => self.get_order(d.venue_id, id).await,
                    None => Ok(None),
                }
            }

            async fn order_row(conn: &mut $conn, venue_id: Uuid, id: Uuid, lock: bool) -> Result<Option<OrderRow>, AppError> {
                let query = if lock {
                    // PostgreSQL cannot lock the nullable side of an outer join: lock the order only.
                    sql!(PG, &format!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.id = $1 AND o.venue_id = $2@lockof(o)"))
                } else {
                    sql!(PG, &format!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.id = $1 AND o.venue_id = $2"))
                };
                Ok(sqlx::query_as(query).bind(id).bind(venue_id).fetch_optional(&mut *conn).await?)
            }

            async fn items_of(conn: &mut $conn, order_ids: &[Uuid]) -> Result<Vec<ItemRow>, AppError> {
                if order_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let query = render(&format!(
                    "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.order_id IN ({}) ORDER BY i.order_id, i.position",
                    placeholders(1, order_ids.len())), PG);
                let mut q = sqlx::query_as(&query);
                for id in order_ids {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&mut *conn).await?)
            }

            /// The order with its items; `lock` locks the order row for the rest of the transaction.
            async fn load_order(conn: &mut $conn, venue_id: Uuid, id: Uuid, lock: bool) -> Result<Option<Order>, AppError> {
                let Some(row) = Self::order_row(conn, venue_id, id, lock).await? else { return Ok(None) };
                let items = Self::items_of(conn, &[id]).await?;
                Ok(assemble(vec![row], items)?.pop())
            }

            async fn orders_with_items(conn: &mut $conn, rows: Vec<OrderRow>) -> Result<Vec<Order>, AppError> {
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id()).collect();
                let mut items = Vec::new();
                for chunk in ids.chunks(500) {
                    items.extend(Self::items_of(conn, chunk).await?);
                }
                assemble(rows, items)
            }

            /// Takes the order's stock by FEFO: locks the lots, plans, and either writes every
            /// movement or returns the `insufficient` error having written nothing.
            async fn serve_stock(
                conn: &mut $conn,
                order: &mut Order,
                actor: Uuid,
                today: NaiveDate,
                now: DateTime<Utc>,
                events: &mut Vec<VenueEvent>,
            ) -> Result<Money, AppError> {
                let venue_id = order.venue_id;
                let mut products: Vec<Uuid> = order.items.iter().map(|i| i.product_id).collect();
                products.sort();
                products.dedup();
                let mut shortfalls = Vec::new();
                // Per product: (info, the plan's allocations with each lot's cost).
                let mut plans: Vec<(Uuid, ProductInfo, Vec<(ItemAllocation, Option<Money>)>)> = Vec::new();
                for product_id in products {
                    let info = Self::product_info(conn, venue_id, product_id).await?.ok_or(AppError::Internal)?;
                    if !info.track_stock {
                        plans.push((product_id, info, Vec::new()));
                        continue;
                    }
                    let requested: Qty =
                        order.items.iter().filter(|i| i.product_id == product_id).map(|i| i.quantity).sum();
                    let lots: Vec<(Uuid, String, i64, Option<i64>, Option<NaiveDate>, DateTime<Utc>, DateTime<Utc>)> =
                        sqlx::query_as(sql!(PG,
                            "SELECT id, lot_code, @q(qty_current), @m(cost_per_unit), expiry_date, received_at, created_at \
                             FROM lots WHERE product_id = $1 AND venue_id = $2 AND @qc(qty_current) > 0 ORDER BY id@lock"))
                        .bind(product_id).bind(venue_id).fetch_all(&mut *conn).await?;
                    let stock: Vec<LotStock> = lots
                        .iter()
                        .map(|(id, code, qty, _, expiry, received, created)| LotStock {
                            lot_id: *id,
                            lot_code: code.clone(),
                            qty_current: Qty::from_raw(*qty),
                            expiry_date: *expiry,
                            received_at: *received,
                            created_at: *created,
                        })
                        .collect();
                    let plan = plan_fefo(&stock, requested, today);
                    if !plan.sufficient {
                        shortfalls.push(format!(
                            "`{}` requested {} {}, available {} {}",
                            info.name, requested, info.unit, plan.available, info.unit));
                        continue;
                    }
                    if let Some(min) = info.min_stock {
                        let after = plan.available - requested;
                        if plan.available >= min && after < min {
                            events.push(VenueEvent::StockAlert {
                                product_id,
                                product_name: info.name.clone(),
                                kind: StockAlertKind::Low,
                                qty_on_hand: after,
                            });
                        }
                    }
                    let allocations = plan
                        .allocations
                        .iter()
                        .map(|a| {
                            let cost = lots.iter().find(|l| l.0 == a.lot_id).and_then(|l| l.3).map(Money::from_raw);
                            (ItemAllocation::from(a), cost)
                        })
                        .collect();
                    plans.push((product_id, info, allocations));
                }
                if !shortfalls.is_empty() {
                    return Err(AppError::bad_request(format!("insufficient stock: {}", shortfalls.join("; "))));
                }
                let mut cost_of_goods = Money::ZERO;
                for (product_id, info, allocations) in &plans {
                    for (a, _) in allocations {
                        sqlx::query(sql!(PG,
                            "UPDATE lots SET @qc(qty_current) = @qc(qty_current) - @qv($1), updated_at = $2 WHERE id = $3"))
                            .bind(a.quantity.raw()).bind(now).bind(a.lot_id).execute(&mut *conn).await?;
                        sqlx::query(sql!(PG,
                            "INSERT INTO stock_movements (id, venue_id, lot_id, product_id, @qc(quantity), movement_type, \
                             reference_type, reference_id, created_by, created_at) \
                             VALUES ($1, $2, $3, $4, @qv($5), 'OUT', 'order', $6, $7, $8)"))
                            .bind(Uuid::new_v4()).bind(venue_id).bind(a.lot_id).bind(product_id)
                            .bind((-a.quantity).raw()).bind(order.id).bind(actor).bind(now)
                            .execute(&mut *conn).await?;
                    }
                    // Hand the product's allocations out to its items, in item order.
                    let mut queue: std::collections::VecDeque<(ItemAllocation, Option<Money>)> =
                        allocations.iter().cloned().collect();
                    for item in order.items.iter_mut().filter(|i| i.product_id == *product_id) {
                        let mut mine: Vec<ItemAllocation> = Vec::new();
                        let mut cost = Money::ZERO;
                        if info.track_stock {
                            let mut need = item.quantity;
                            while need.is_positive() {
                                let Some((front, lot_cost)) = queue.front_mut() else { break };
                                let lot_cost = *lot_cost;
                                let take = front.quantity.min(need);
                                mine.push(ItemAllocation { lot_id: front.lot_id, lot_code: front.lot_code.clone(), quantity: take });
                                cost += line_total(take, lot_cost.or(info.cost).unwrap_or(Money::ZERO));
                                front.quantity -= take;
                                need -= take;
                                if !front.quantity.is_positive() {
                                    queue.pop_front();
                                }
                            }
                        } else {
                            cost = line_total(item.quantity, info.cost.unwrap_or(Money::ZERO));
                        }
                        cost_of_goods += cost;
                        let json = serde_json::to_string(&mine).map_err(|_| AppError::Internal)?;
                        sqlx::query(sql!(PG,
                            "UPDATE order_items SET allocated_lot_id = $1, allocations = @json($2), @mc(cost) = @mv($3) WHERE id = $4"))
                            .bind(mine.first().map(|a| a.lot_id)).bind(json).bind(cost.raw()).bind(item.id)
                            .execute(&mut *conn).await?;
                        item.allocated_lot_id = mine.first().map(|a| a.lot_id);
                        item.allocations = mine;
                    }
                }
                Ok(cost_of_goods)
            }
        }

        #[async_trait]
        impl OrderStore for $store {
            async fn create_table(&self, t: &Table) -> Result<Table, AppError> {
                let mut tx = self.begin_write().await?;
                let position = t.position_json.as_ref().map(|p| serde_json::to_string(p)).transpose().map_err(|_| AppError::Internal)?;
                sqlx::query(sql!(PG,
                    "INSERT INTO dining_tables (id, venue_id, name, seats, area, position_json, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, @json($6), $7, $8, $9)"))
                    .bind(t.id).bind(t.venue_id).bind(&t.name).bind(t.seats).bind(&t.area).bind(position)
                    .bind(t.status.as_str()).bind(t.created_at).bind(t.updated_at)
                    .execute(&mut *tx).await
                    .map_err(|e| conflict_or(e, || format!("name: a table named `{}` already exists", t.name)))?;
                let table = Self::table_by_id(&mut tx, t.id).await?;
                tx.commit().await?;
                Ok(table)
            }

            async fn list_tables(&self, venue_id: Uuid, f: &TableFilter, page: Page) -> Result<Vec<Table>, AppError> {
                let rows: Vec<TableRow> = sqlx::query_as(sql!(PG, &format!(
                    "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.venue_id = $1 AND t.deleted_at IS NULL \
                     AND ($2 IS NULL OR t.area = $2) AND ($3 IS NULL OR t.status = $3) \
                     ORDER BY t.area IS NULL, t.area, t.name, t.id LIMIT $4 OFFSET $5")))
                    .bind(venue_id).bind(&f.area).bind(f.status.map(|s| s.as_str())).bind(page.limit).bind(page.offset)
                    .fetch_all(&self.pool).await?;
                rows.into_iter().map(Table::try_from).collect()
            }

            async fn get_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Table>, AppError> {
                let row: Option<TableRow> = sqlx::query_as(sql!(PG, &format!(
                    "SELECT {TABLE_COLUMNS} FROM dining_tables t WHERE t.id = $1 AND t.venue_id = $2 AND t.deleted_at IS NULL")))
                    .bind(id).bind(venue_id).fetch_optional(&self.pool).await?;
                row.map(Table::try_from).transpose()
            }

            async fn update_table(&self, venue_id: Uuid, id: Uuid, apply: Apply<'_, Table>) -> Result<Option<Table>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(current) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
                let t = apply(current)?;
                let position = t.position_json.as_ref().map(|p| serde_json::to_string(p)).transpose().map_err(|_| AppError::Internal)?;
                sqlx::query(sql!(PG,
                    "UPDATE dining_tables SET name = $1, seats = $2, area = $3, position_json = @json($4), updated_at = $5 WHERE id = $6"))
                    .bind(&t.name).bind(t.seats).bind(&t.area).bind(position).bind(now_micros()).bind(id)
                    .execute(&mut *tx).await
                    .map_err(|e| conflict_or(e, || format!("name: a table named `{}` already exists", t.name)))?;
                let table = Self::table_by_id(&mut tx, id).await?;
                tx.commit().await?;
                Ok(Some(table))
            }

            async fn delete_table(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
                if table.open_orders > 0 {
                    return Err(AppError::conflict(format!(
                        "table `{}` has {} open order(s); complete or cancel them before deleting it",
                        table.name, table.open_orders)));
                }
                sqlx::query(sql!(PG, "UPDATE dining_tables SET deleted_at = $1, updated_at = $1 WHERE id = $2"))
                    .bind(now_micros()).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(Some(()))
            }

            async fn set_table_status(&self, venue_id: Uuid, id: Uuid, status: TableStatus) -> Result<Option<Table>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(table) = Self::table_locked(&mut tx, venue_id, id).await? else { return Ok(None) };
                if status.needs_no_open_orders() && table.open_orders > 0 {
                    return Err(AppError::conflict(format!(
                        "status: table `{}` has {} open order(s); it cannot be `{}` until they are completed or cancelled",
                        table.name, table.open_orders, status.as_str())));
                }
                let now = now_micros();
                let mut events = Vec::new();
                Self::put_table_status(&mut tx, &table, status, now, &mut events).await?;
                Self::append_events(&mut tx, venue_id, &events, now).await?;
                let table = Self::table_by_id(&mut tx, id).await?;
                tx.commit().await?;
                Ok(Some(table))
            }

            async fn update_layout(&self, venue_id: Uuid, changes: &[LayoutChange]) -> Result<Vec<Table>, AppError> {
                let mut tx = self.begin_write().await?;
                let now = now_micros();
                let mut sorted: Vec<&LayoutChange> = changes.iter().collect();
                sorted.sort_by_key(|c| c.id);
                for c in sorted {
                    let Some(table) = Self::table_locked(&mut tx, venue_id, c.id).await? else {
                        return Err(AppError::not_found(format!("tables: table {} not found; nothing was changed", c.id)));
                    };
                    let area = match &c.area {
                        Some(area) => area.clone(),
                        None => table.area.clone(),
                    };
                    let position = serde_json::to_string(&c.position).map_err(|_| AppError::Internal)?;
                    sqlx::query(sql!(PG,
                        "UPDATE dining_tables SET position_json = @json($1), area = $2, updated_at = $3 WHERE id = $4"))
                        .bind(position).bind(area).bind(now).bind(c.id).execute(&mut *tx).await?;
                }
                let event = VenueEvent::TablesLayoutChanged { table_ids: changes.iter().map(|c| c.id).collect() };
                Self::append_events(&mut tx, venue_id, &[event], now).await?;
                let mut tables = Vec::with_capacity(changes.len());
                for c in changes {
                    tables.push(Self::table_by_id(&mut tx, c.id).await?);
                }
                tx.commit().await?;
                Ok(tables)
            }

            async fn seed_tables(&self, tables: &[Table]) -> Result<(), AppError> {
                let mut tx = self.begin_write().await?;
                for t in tables {
                    let position = t.position_json.as_ref().map(|p| serde_json::to_string(p)).transpose().map_err(|_| AppError::Internal)?;
                    sqlx::query(sql!(PG,
                        "INSERT INTO dining_tables (id, venue_id, name, seats, area, position_json, status, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, @json($6), $7, $8, $9) ON CONFLICT DO NOTHING"))
                        .bind(t.id).bind(t.venue_id).bind(&t.name).bind(t.seats).bind(&t.area).bind(position)
                        .bind(t.status.as_str()).bind(t.created_at).bind(t.updated_at)
                        .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_order(&self, d: &OrderDraft) -> Result<(Order, bool), AppError> {
                // A retry of a known key is answered before taking the write turn; a concurrent
                // retry racing this one meets the unique index below instead.
                if let Some(order) = self.order_by_key(d).await? {
                    return Ok((order, false));
                }
                let mut tx = self.begin_write().await?;
                let mut table_events = Vec::new();
                let mut table_name = None;
                if let Some(table_id) = d.table_id {
                    let Some(table) = Self::table_locked(&mut tx, d.venue_id, table_id).await? else {
                        return Err(AppError::not_found(format!("table_id: table {table_id} not found")));
                    };
                    if table.status == TableStatus::OutOfService {
                        return Err(AppError::conflict(format!("table_id: table `{}` is out of service", table.name)));
                    }
                    Self::put_table_status(&mut tx, &table, TableStatus::Occupied, d.now, &mut table_events).await?;
                    table_name = Some(table.name);
                }
                let items = Self::resolve_items(&mut tx, d.venue_id, &d.items).await?;
                let total = items.iter().fold(Money::ZERO, |sum, i| sum + line_total(i.quantity, i.unit_price));
                let inserted: Result<i64, sqlx::Error> = if PG {
                    let number = Self::bump_counter(&mut tx, d.venue_id, "order_number", 1).await?;
                    sqlx::query_scalar(sql!(PG,
                        "INSERT INTO orders (id, venue_id, number, order_number, table_id, status, covers, notes, \
                         idempotency_key, created_by, created_at, updated_at, @mc(total)) \
                         VALUES ($1, $2, $3, $11, $4, 'draft', $5, $6, $7, $8, $9, $9, @mv($10)) RETURNING number"))
                        .bind(d.id).bind(d.venue_id).bind(number).bind(d.table_id).bind(d.covers).bind(&d.notes)
                        .bind(&d.idempotency_key).bind(d.created_by).bind(d.now).bind(total.raw())
                        .bind(number.to_string())
                        .fetch_one(&mut *tx).await
                } else {
                    // SQLite: one writer at a time, so the next number is the venue's maximum + 1.
                    sqlx::query_scalar(sql!(PG,
                        "INSERT INTO orders (id, venue_id, number, order_number, table_id, status, covers, notes, \
                         idempotency_key, created_by, created_at, updated_at, @mc(total)) \
                         SELECT $1, $2, n, CAST(n AS TEXT), $3, 'draft', $4, $5, $6, $7, $8, $8, @mv($9) \
                         FROM (SELECT COALESCE(MAX(number), 0) + 1 AS n FROM orders WHERE venue_id = $2) RETURNING number"))
                        .bind(d.id).bind(d.venue_id).bind(d.table_id).bind(d.covers).bind(&d.notes)
                        .bind(&d.idempotency_key).bind(d.created_by).bind(d.now).bind(total.raw())
                        .fetch_one(&mut *tx).await
                };
                let number = match inserted {
                    Ok(number) => number,
                    Err(e) if d.idempotency_key.is_some()
                        && $crate::store::unique_violation(&e).is_some_and(|c| c.contains("idempotency")) => {
                        // A concurrent retry with the same key won the race: answer with its order.
                        drop(tx);
                        return self.order_by_key(d).await?.map(|o| (o, false)).ok_or(AppError::Internal);
                    }
                    Err(e) => return Err(e.into()),
                };
                Self::write_items(&mut tx, d.venue_id, d.id, 0, &items, d.now).await?;
                let order = Order {
                    id: d.id,
                    venue_id: d.venue_id,
                    order_number: number.to_string(),
                    table_id: d.table_id,
                    table_name,
                    status: OrderStatus::Draft,
                    covers: d.covers,
                    notes: d.notes.clone(),
                    items,
                    total,
                    cost_of_goods: None,
                    cancel_reason: None,
                    created_by: d.created_by,
                    created_at: d.now,
                    updated_at: d.now,
                    confirmed_at: None,
                    kitchen_started_at: None,
                    ready_at: None,
                    served_at: None,
                    completed_at: None,
                    cancelled_at: None,
                };
                let mut events = vec![VenueEvent::NewOrder {
                    order_id: order.id,
                    order_number: order.order_number.clone(),
                    table_id: order.table_id,
                    table_name: order.table_name.clone(),
                    status: order.status,
                    item_count: order.items.len(),
                    covers: order.covers,
                    created_by: order.created_by,
                }];
                events.extend(table_events);
                Self::append_events(&mut tx, d.venue_id, &events, d.now).await?;
                tx.commit().await?;
                Ok((order, true))
            }

            async fn add_items(&self, venue_id: Uuid, id: Uuid, items: &[ItemDraft], now: DateTime<Utc>) -> Result<Option<Order>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(mut order) = Self::load_order(&mut tx, venue_id, id, true).await? else { return Ok(None) };
                if !order.status.accepts_items() {
                    return Err(AppError::conflict(format!(
                        "order {} is {}: items can be added only while it is draft, confirmed or preparing",
                        order.order_number, order.status)));
                }
                let new = Self::resolve_items(&mut tx, venue_id, items).await?;
                Self::write_items(&mut tx, venue_id, id, order.items.len(), &new, now).await?;
                let added = new.iter().fold(Money::ZERO, |sum, i| sum + line_total(i.quantity, i.unit_price));
                sqlx::query(sql!(PG, "UPDATE orders SET @mc(total) = @mc(total) + @mv($1), updated_at = $2 WHERE id = $3"))
                    .bind(added.raw()).bind(now).bind(id).execute(&mut *tx).await?;
                order.items.extend(new);
                order.total += added;
                order.updated_at = now;
                let event = VenueEvent::OrderUpdated {
                    order_id: id,
                    order_number: order.order_number.clone(),
                    item_count: order.items.len(),
                    total: order.total,
                };
                Self::append_events(&mut tx, venue_id, &[event], now).await?;
                tx.commit().await?;
                Ok(Some(order))
            }

            async fn get_order(&self, venue_id: Uuid, id: Uuid) -> Result<Option<Order>, AppError> {
                let mut conn = self.pool.acquire().await?;
                Self::load_order(&mut conn, venue_id, id, false).await
            }

            async fn list_orders(&self, venue_id: Uuid, f: &OrderFilter, page: Page) -> Result<Vec<Order>, AppError> {
                // Statuses come from the enum, never from the client's text, so they are inlined.
                let statuses = if f.statuses.is_empty() {
                    String::new()
                } else {
                    let list: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
                    format!(" AND o.status IN ({})", list.join(", "))
                };
                let without_table = if f.without_table { " AND o.table_id IS NULL" } else { "" };
                let query = render(&format!(
                    "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.venue_id = $1{statuses}{without_table} \
                     AND ($2 IS NULL OR o.table_id = $2) AND ($3 IS NULL OR o.created_at >= $3) \
                     ORDER BY o.created_at DESC, o.id DESC LIMIT $4 OFFSET $5"), PG);
                let mut conn = self.pool.acquire().await?;
                let rows: Vec<OrderRow> = sqlx::query_as(&query)
                    .bind(venue_id).bind(f.table_id).bind(f.since).bind(page.limit).bind(page.offset)
                    .fetch_all(&mut *conn).await?;
                Self::orders_with_items(&mut conn, rows).await
            }

            async fn delete_order(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(row) = Self::order_row(&mut tx, venue_id, id, true).await? else { return Ok(None) };
                let order = row.into_order(Vec::new())?;
                if !order.status.deletable() {
                    return Err(AppError::conflict(format!(
                        "order {} is {}: only draft or cancelled orders can be deleted (cancel it first)",
                        order.order_number, order.status)));
                }
                sqlx::query(sql!(PG, "DELETE FROM order_items WHERE order_id = $1")).bind(id).execute(&mut *tx).await?;
                sqlx::query(sql!(PG, "DELETE FROM orders WHERE id = $1")).bind(id).execute(&mut *tx).await?;
                let now = now_micros();
                let mut events = Vec::new();
                if order.status == OrderStatus::Draft {
                    Self::release_table(&mut tx, venue_id, order.table_id, false, now, &mut events).await?;
                }
                Self::append_events(&mut tx, venue_id, &events, now).await?;
                tx.commit().await?;
                Ok(Some(()))
            }

            async fn change_status(&self, venue_id: Uuid, id: Uuid, change: &StatusChange<'_>) -> Result<Option<Order>, AppError> {
                let mut tx = self.begin_write().await?;
                let Some(mut order) = Self::load_order(&mut tx, venue_id, id, true).await? else { return Ok(None) };
                (change.check)(&order)?;
                let from = order.status;
                let now = now_micros();
                let mut events = vec![VenueEvent::OrderStatusChanged {
                    order_id: order.id,
                    order_number: order.order_number.clone(),
                    table_id: order.table_id,
                    table_name: order.table_name.clone(),
                    from_status: from,
                    status: change.to,
                    changed_by: change.actor.id,
                }];
                // Each move stamps its own time, once: a set timestamp is never overwritten.
                let (query, stamp) = match change.to {
                    OrderStatus::Confirmed => (sql!(PG, &status_update("confirmed_at")), &mut order.confirmed_at),
                    OrderStatus::Preparing => (sql!(PG, &status_update("kitchen_started_at")), &mut order.kitchen_started_at),
                    OrderStatus::Ready => (sql!(PG, &status_update("ready_at")), &mut order.ready_at),
                    OrderStatus::Served => (sql!(PG, &status_update("served_at")), &mut order.served_at),
                    OrderStatus::Completed => (sql!(PG, &status_update("completed_at")), &mut order.completed_at),
                    OrderStatus::Cancelled => (sql!(PG, &status_update("cancelled_at")), &mut order.cancelled_at),
                    OrderStatus::Draft => return Err(AppError::Internal),
                };
                stamp.get_or_insert(now);
                if change.to == OrderStatus::Served {
                    let today = change.today.ok_or(AppError::Internal)?;
                    let cost = Self::serve_stock(&mut tx, &mut order, change.actor.id, today, now, &mut events).await?;
                    order.cost_of_goods = Some(cost);
                }
                if change.to == OrderStatus::Cancelled && change.reason.is_some() {
                    order.cancel_reason = change.reason.clone();
                }
                order.status = change.to;
                order.updated_at = now;
                sqlx::query(query)
                    .bind(change.to.as_str()).bind(now).bind(order.cost_of_goods.map(|c| c.raw()))
                    .bind(&order.cancel_reason).bind(id)
                    .execute(&mut *tx).await?;
                match change.to {
                    OrderStatus::Completed => Self::release_table(&mut tx, venue_id, order.table_id, true, now, &mut events).await?,
                    OrderStatus::Cancelled => Self::release_table(&mut tx, venue_id, order.table_id, false, now, &mut events).await?,
                    _ => {}
                }
                Self::append_events(&mut tx, venue_id, &events, now).await?;
                tx.commit().await?;
                Ok(Some(order))
            }

            async fn kitchen_orders(&self, venue_id: Uuid) -> Result<Vec<Order>, AppError> {
                let mut conn = self.pool.acquire().await?;
                let rows: Vec<OrderRow> = sqlx::query_as(sql!(PG, &format!(
                    "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.venue_id = $1 \
                     AND o.status IN ('confirmed', 'preparing', 'ready') ORDER BY o.confirmed_at, o.id LIMIT 1000")))
                    .bind(venue_id).fetch_all(&mut *conn).await?;
                Self::orders_with_items(&mut conn, rows).await
            }

            async fn order_refs(&self, venue_id: Uuid, ids: &[Uuid]) -> Result<Vec<OrderRef>, AppError> {
                let mut refs = Vec::new();
                for chunk in ids.chunks(500) {
                    let query = render(&format!(
                        "SELECT o.id, o.order_number, t.name FROM {ORDER_FROM} WHERE o.venue_id = $1 AND o.id IN ({})",
                        placeholders(2, chunk.len())), PG);
                    let mut q = sqlx::query_as::<_, (Uuid, String, Option<String>)>(&query).bind(venue_id);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    let rows = q.fetch_all(&self.pool).await?;
                    refs.extend(rows.into_iter().map(|(order_id, order_number, table_name)| OrderRef { order_id, order_number, table_name }));
                }
                Ok(refs)
            }

            async fn kitchen_stats(&self, stuck_before: DateTime<Utc>, ready_since: DateTime<Utc>) -> Result<KitchenStats, AppError> {
                let active: i64 = sqlx::query_scalar(sql!(PG,
                    "SELECT COUNT(*) FROM orders WHERE status IN ('confirmed', 'preparing', 'ready')"))
                    .fetch_one(&self.pool).await?;
                // The full IN list matches the partial index's predicate word for word, which
                // SQLite needs before it uses the index; `<> 'ready'` then narrows it.
                let stuck: i64 = sqlx::query_scalar(sql!(PG,
                    "SELECT COUNT(*) FROM orders WHERE status IN ('confirmed', 'preparing', 'ready') \
                     AND status <> 'ready' AND confirmed_at < $1"))
                    .bind(stuck_before).fetch_one(&self.pool).await?;
                let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(sql!(PG,
                    "SELECT kitchen_started_at, ready_at FROM orders WHERE ready_at IS NOT NULL AND ready_at >= $1 \
                     AND kitchen_started_at IS NOT NULL"))
                    .bind(ready_since).fetch_all(&self.pool).await?;
                let average_preparation_minutes = (!times.is_empty()).then(|| {
                    let total: f64 = times.iter().map(|(start, ready)| (*ready - *start).num_milliseconds() as f64).sum();
                    (total / times.len() as f64 / 60_000.0 * 10.0).round() / 10.0
                });
                Ok(KitchenStats { active_kitchen_orders: active, stuck_orders: stuck, average_preparation_minutes })
            }

            async fn list_events(&self, venue_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<EventRecord>, AppError> {
                let rows: Vec<(i64, String, String, DateTime<Utc>)> = sqlx::query_as(sql!(PG,
                    "SELECT seq, event, @jsoncol(data), created_at FROM venue_events WHERE venue_id = $1 AND seq > $2 \
                     ORDER BY seq LIMIT $3"))
                    .bind(venue_id).bind(after_seq).bind(limit).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(seq, event, data, ts)| {
                        let data = serde_json::from_str(&data).map_err(|_| AppError::Internal)?;
                        Ok(EventRecord { event, data, seq, ts })
                    })
                    .collect()
            }

            async fn prune_events(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, AppError> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(sql!(PG,
                    "DELETE FROM venue_events WHERE created_at < $1 AND seq <= \
                     (SELECT MAX(l.seq) FROM venue_events l WHERE l.venue_id = venue_events.venue_id) - $2"))
                    .bind(before).bind(keep).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn oldest_seq(&self, venue_id: Uuid) -> Result<i64, AppError> {
                let seq: Option<i64> = sqlx::query_scalar(sql!(PG, "SELECT MIN(seq) FROM venue_events WHERE venue_id = $1"))
                    .bind(venue_id).fetch_one(&self.pool).await?;
                Ok(seq.unwrap_or(0))
            }

            async fn latest_seq(&self, venue_id: Uuid) -> Result<i64, AppError> {
                let seq: Option<i64> = sqlx::query_scalar(sql!(PG,
                    "SELECT MAX(seq) FROM venue_events WHERE venue_id = $1"))
                    .bind(venue_id).fetch_one(&self.pool).await?;
                Ok(seq.unwrap_or(0))
            }
        }
    };
}
pub(crate) use impl_order_store;
