//! The orders part of the store: orders and their items, and serving with FEFO stock deduction
//! (the plan and its split among the lines are pure rules of the domain; this part reads, locks
//! and writes).
//!
//! Lock order, the same in every transaction so that concurrent writers never deadlock:
//! order row -> lots (by id) -> dining tables (by id) -> counters (order number, then event seq).
//! Events are appended last: a transaction holding the event counter waits for nothing else.

use crate::AppError;
use crate::domain::order::{ItemAllocation, Order, OrderItem, OrderStatus};
use crate::domain::{Money, Qty, User};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;
use uuid::Uuid;

use super::Page;
use super::sql::corrupt;
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

/// A correction of an open order, asked for by `actor`; `check` decides on the locked order
/// whether it may happen (permission table, business rules).
pub struct OrderEdit<'a> {
    pub actor: &'a User,
    pub check: &'a (dyn Fn(&Order) -> Result<(), AppError> + Send + Sync),
    pub kind: EditKind,
}

#[derive(Clone, Debug)]
pub enum EditKind {
    /// The kitchen marks a line done, or not done again; the order's status follows
    /// (`domain::order::status_after_line_marks`).
    ItemDone { item_id: Uuid, done: bool },
    /// A line leaves the order (total, stock at serve) but stays on it, struck through.
    VoidItem { item_id: Uuid, reason: String },
    /// Another table (`Some(None)`: takeaway), covers, notes.
    Details { table_id: Option<Option<Uuid>>, covers: Option<Option<i32>>, notes: Option<Option<String>> },
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
    /// The order and whether it was created now (`false`: an earlier request with the same
    /// idempotency key by the same user created it).
    async fn create_order(&self, draft: &OrderDraft) -> Result<(Order, bool), AppError>;
    /// 409 unless the order is draft, confirmed or preparing. With `key`, lines already added
    /// with that key leave the order as it is (`false`: nothing new was written).
    async fn add_items(
        &self,
        venue_id: Uuid,
        id: Uuid,
        items: &[ItemDraft],
        key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<(Order, bool)>, AppError>;
    /// The order that the user's idempotency key created, or that it added lines to.
    async fn order_of_key(&self, venue_id: Uuid, user: Uuid, key: &str) -> Result<Option<Order>, AppError>;
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
    /// Corrects an open order in one transaction (events included).
    async fn edit_order(&self, venue_id: Uuid, id: Uuid, edit: &OrderEdit<'_>) -> Result<Option<Order>, AppError>;
    /// Confirmed, preparing and ready orders, oldest first.
    async fn kitchen_orders(&self, venue_id: Uuid) -> Result<Vec<Order>, AppError>;
    /// Order number and table of the given orders, for a lot's trace.
    async fn order_refs(&self, venue_id: Uuid, ids: &[Uuid]) -> Result<Vec<OrderRef>, AppError>;

    /// One venue's kitchen load, as `kitchen_stats` counts it: open tickets, those confirmed
    /// before `late_before` and not ready, the average preparation of tickets ready since
    /// `ready_since`.
    async fn venue_kitchen_stats(
        &self,
        venue_id: Uuid,
        late_before: DateTime<Utc>,
        ready_since: DateTime<Utc>,
    ) -> Result<KitchenStats, AppError>;

    /// Kitchen load across venues, for `/health`.
    async fn kitchen_stats(
        &self,
        stuck_before: DateTime<Utc>,
        ready_since: DateTime<Utc>,
    ) -> Result<KitchenStats, AppError>;
}

pub(crate) const ORDER_COLUMNS: &str = "o.id, o.venue_id, o.order_number, o.table_id, t.name AS table_name, o.status, \
     o.covers, o.notes, @m(o.total) AS total_cents, @m(o.cost_of_goods) AS cost_of_goods_cents, o.cancel_reason, \
     o.created_by, o.created_at, o.updated_at, o.confirmed_at, o.kitchen_started_at, o.ready_at, o.served_at, \
     o.completed_at, o.cancelled_at";
pub(crate) const ORDER_FROM: &str = "orders o LEFT JOIN dining_tables t ON t.id = o.table_id";
pub(crate) const ITEM_COLUMNS: &str = "i.id, i.order_id, i.product_id, i.product_name, \
     @q(i.quantity) AS quantity_milli, @m(i.unit_price) AS unit_price_cents, i.notes, \
     @jsoncol(i.modifiers) AS modifiers, c.station, i.allocated_lot_id, @jsoncol(i.allocations) AS allocations, \
     i.created_at, i.done_at, i.voided_at, i.void_reason";
pub(crate) const ITEM_FROM: &str = "order_items i JOIN products p ON p.id = i.product_id \
     LEFT JOIN product_categories c ON c.id = p.category_id";

/// The status change's UPDATE for a move to the status stamped in `$column`: the stamp is set
/// only while it is empty.
macro_rules! status_update {
    ($column:literal) => {
        concat!(
            "UPDATE orders SET status = $1, updated_at = $2, ",
            $column,
            " = COALESCE(",
            $column,
            ", $2), @mc(cost_of_goods) = @mv($3), cancel_reason = $4 WHERE id = $5"
        )
    };
}
pub(crate) use status_update;

/// A recall: the status goes back a step, stamping the state it returns to if it never was
/// (`$to`), and clearing the time stamp of the state it leaves (`$left`).
macro_rules! recall_update {
    ($to:literal, $left:literal) => {
        concat!(
            "UPDATE orders SET status = $1, updated_at = $2, ",
            $to,
            " = COALESCE(",
            $to,
            ", $2), ",
            $left,
            " = NULL, @mc(cost_of_goods) = @mv($3), cancel_reason = $4 WHERE id = $5"
        )
    };
}
pub(crate) use recall_update;

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
    created_at: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    void_reason: Option<String>,
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
            created_at: r.created_at,
            done_at: r.done_at,
            voided_at: r.voided_at,
            void_reason: r.void_reason,
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
