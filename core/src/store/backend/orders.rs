//! The orders part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::event::{OrderChange, StockAlertKind, VenueEvent};
use crate::domain::inventory::Unit;
use crate::domain::order::{
    CostedAllocation, ItemAllocation, LineShare, Order, OrderItem, OrderStatus, line_total, order_total,
    share_among_lines, status_after_line_marks,
};
use crate::domain::stock::{Shortfall, low_stock_after};
use crate::domain::table::TableStatus;
use crate::domain::{LotStock, Money, Qty, plan_fefo};
use crate::store::inventory::parse_unit;
use crate::store::orders::{
    EditKind, ITEM_COLUMNS, ITEM_FROM, ItemDraft, ItemRow, KitchenStats, ORDER_COLUMNS, ORDER_FROM, OrderDraft,
    OrderEdit, OrderFilter, OrderRef, OrderRow, OrderStore, StatusChange, assemble, recall_update, status_update,
};
use crate::store::sql::{Unique, placeholders, render, sql};
use crate::store::{Page, now_micros};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use const_format::formatcp;
use uuid::Uuid;

/// A product as ordering and serving need it.
struct ProductInfo {
    name: String,
    unit: Unit,
    price: Money,
    cost: Option<Money>,
    track_stock: bool,
    min_stock: Option<Qty>,
    active: bool,
    station: Option<String>,
}

/// A lot as serving reads it (locked): its stock for the planner and its cost per unit.
type LotLine = (Uuid, String, i64, Option<i64>, Option<NaiveDate>, DateTime<Utc>, DateTime<Utc>);

impl This {
    /// The update of a forward move to `to`, and the time stamp it sets (once).
    fn status_stamp(
        order: &mut Order,
        to: OrderStatus,
    ) -> Result<(&'static str, &mut Option<DateTime<Utc>>), AppError> {
        Ok(match to {
            OrderStatus::Confirmed => (sql!(PG, status_update!("confirmed_at")), &mut order.confirmed_at),
            OrderStatus::Preparing => (sql!(PG, status_update!("kitchen_started_at")), &mut order.kitchen_started_at),
            OrderStatus::Ready => (sql!(PG, status_update!("ready_at")), &mut order.ready_at),
            OrderStatus::Served => (sql!(PG, status_update!("served_at")), &mut order.served_at),
            OrderStatus::Completed => (sql!(PG, status_update!("completed_at")), &mut order.completed_at),
            OrderStatus::Cancelled => (sql!(PG, status_update!("cancelled_at")), &mut order.cancelled_at),
            OrderStatus::Draft => return Err(AppError::internal("a status check let an order go back to draft")),
        })
    }

    /// Writes the order's move to `to` (its stamp set once; a recall clears the stamp of the
    /// state it leaves), with the order's cost of goods and cancel reason as they are now.
    async fn put_status(
        conn: &mut Conn,
        order: &mut Order,
        to: OrderStatus,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (query, stamp) = match (order.status, to) {
            (OrderStatus::Preparing, OrderStatus::Confirmed) => {
                order.kitchen_started_at = None;
                (sql!(PG, recall_update!("confirmed_at", "kitchen_started_at")), &mut order.confirmed_at)
            }
            (OrderStatus::Ready, OrderStatus::Preparing) => {
                order.ready_at = None;
                (sql!(PG, recall_update!("kitchen_started_at", "ready_at")), &mut order.kitchen_started_at)
            }
            _ => Self::status_stamp(order, to)?,
        };
        stamp.get_or_insert(now);
        order.status = to;
        order.updated_at = now;
        sqlx::query(query)
            .bind(to.as_str())
            .bind(now)
            .bind(order.cost_of_goods.map(|c| c.raw()))
            .bind(&order.cancel_reason)
            .bind(order.id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    fn status_changed(order: &Order, to: OrderStatus, actor: Uuid) -> VenueEvent {
        VenueEvent::OrderStatusChanged {
            order_id: order.id,
            order_number: order.order_number.clone(),
            table_id: order.table_id,
            table_name: order.table_name.clone(),
            from_status: order.status,
            status: to,
            changed_by: actor,
        }
    }

    fn order_updated(order: &Order, change: OrderChange) -> VenueEvent {
        VenueEvent::OrderUpdated {
            order_id: order.id,
            order_number: order.order_number.clone(),
            item_count: order.items.len(),
            total: order.total,
            change,
            table_id: order.table_id,
            table_name: order.table_name.clone(),
        }
    }

    /// The order's line `item_id` that is still on it (404 if it has no such line, 409 if voided).
    fn live_line(order: &mut Order, item_id: Uuid) -> Result<&mut OrderItem, AppError> {
        let number = order.order_number.clone();
        let item = order
            .items
            .iter_mut()
            .find(|i| i.id == item_id)
            .ok_or_else(|| AppError::not_found(format!("item_id: order {number} has no line {item_id}")))?;
        if item.is_voided() {
            return Err(AppError::conflict(format!(
                "item_id: the line `{}` of order {number} is voided",
                item.product_name
            ))
            .keyed("err-line-voided", [("product", item.product_name.clone()), ("order", number)]));
        }
        Ok(item)
    }

    /// Moves the order to the status its lines' marks call for, if any.
    async fn follow_line_marks(
        conn: &mut Conn,
        order: &mut Order,
        actor: Uuid,
        now: DateTime<Utc>,
        events: &mut Vec<VenueEvent>,
    ) -> Result<(), AppError> {
        if let Some(to) = status_after_line_marks(order.status, &order.items) {
            events.push(Self::status_changed(order, to, actor));
            Self::put_status(conn, order, to, now).await?;
        }
        Ok(())
    }

    async fn product_info(conn: &mut Conn, venue_id: Uuid, id: Uuid) -> Result<Option<ProductInfo>, AppError> {
        // name, unit, price, cost, track_stock, min_stock, active, station
        type Row = (String, String, i64, Option<i64>, bool, Option<i64>, bool, Option<String>);
        let row: Option<Row> = sqlx::query_as(sql!(
            PG,
            "SELECT p.name, p.unit, @m(p.price), @m(p.cost), p.track_stock, @q(p.min_stock), p.active, \
                 c.station FROM products p LEFT JOIN product_categories c ON c.id = p.category_id \
                 WHERE p.id = $1 AND p.venue_id = $2"
        ))
        .bind(id)
        .bind(venue_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((name, unit, price, cost, track_stock, min_stock, active, station)) = row else {
            return Ok(None);
        };
        Ok(Some(ProductInfo {
            name,
            unit: parse_unit(&unit)?,
            price: Money::from_raw(price),
            cost: cost.map(Money::from_raw),
            track_stock,
            min_stock: min_stock.map(Qty::from_raw),
            active,
            station,
        }))
    }

    /// Reads the products of new lines (404 / 409 naming the line) into the items to write.
    async fn resolve_items(
        conn: &mut Conn,
        venue_id: Uuid,
        items: &[ItemDraft],
        now: DateTime<Utc>,
    ) -> Result<Vec<OrderItem>, AppError> {
        let mut resolved = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some(p) = Self::product_info(conn, venue_id, item.product_id).await? else {
                return Err(AppError::not_found(format!(
                    "items[{i}].product_id: product {} not found",
                    item.product_id
                )));
            };
            if !p.active {
                return Err(AppError::conflict(format!("items[{i}].product_id: `{}` is no longer on sale", p.name))
                    .keyed("err-off-sale", [("product", p.name.clone())]));
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
                created_at: now,
                done_at: None,
                voided_at: None,
                void_reason: None,
            });
        }
        Ok(resolved)
    }

    /// Writes lines after the order's first `position` lines.
    async fn write_items(
        conn: &mut Conn,
        venue_id: Uuid,
        order_id: Uuid,
        position: usize,
        items: &[OrderItem],
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        for (i, item) in items.iter().enumerate() {
            let modifiers = item.modifiers.as_ref().map(|m| serde_json::Value::Object(m.clone()).to_string());
            sqlx::query(sql!(
                PG,
                "INSERT INTO order_items (id, order_id, venue_id, position, product_id, product_name, \
                 @qc(quantity), @mc(unit_price), notes, modifiers, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, @qv($7), @mv($8), $9, @json($10), $11)"
            ))
            .bind(item.id)
            .bind(order_id)
            .bind(venue_id)
            .bind((position + i + 1) as i32)
            .bind(item.product_id)
            .bind(&item.product_name)
            .bind(item.quantity.raw())
            .bind(item.unit_price.raw())
            .bind(&item.notes)
            .bind(modifiers)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// The order of an idempotency key, if that key was used by that user.
    async fn order_by_key(&self, d: &OrderDraft) -> Result<Option<Order>, AppError> {
        let Some(key) = &d.idempotency_key else { return Ok(None) };
        let existing: Option<Uuid> = sqlx::query_scalar(sql!(
            PG,
            "SELECT id FROM orders WHERE venue_id = $1 AND created_by = $2 AND idempotency_key = $3"
        ))
        .bind(d.venue_id)
        .bind(d.created_by)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        match existing {
            Some(id) => self.get_order(d.venue_id, id).await,
            None => Ok(None),
        }
    }

    async fn order_row(conn: &mut Conn, venue_id: Uuid, id: Uuid, lock: bool) -> Result<Option<OrderRow>, AppError> {
        let query = if lock {
            // PostgreSQL cannot lock the nullable side of an outer join: lock the order only.
            sql!(
                PG,
                formatcp!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.id = $1 AND o.venue_id = $2@lockof(o)")
            )
        } else {
            sql!(PG, formatcp!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.id = $1 AND o.venue_id = $2"))
        };
        Ok(sqlx::query_as(query).bind(id).bind(venue_id).fetch_optional(&mut *conn).await?)
    }

    async fn items_of(conn: &mut Conn, order_ids: &[Uuid]) -> Result<Vec<ItemRow>, AppError> {
        if order_ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = render(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.order_id IN ({}) ORDER BY i.order_id, i.position",
                placeholders(1, order_ids.len())
            ),
            PG,
        );
        let mut q = sqlx::query_as(&query);
        for id in order_ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&mut *conn).await?)
    }

    /// The order with its items; `lock` locks the order row for the rest of the transaction.
    async fn load_order(conn: &mut Conn, venue_id: Uuid, id: Uuid, lock: bool) -> Result<Option<Order>, AppError> {
        let Some(row) = Self::order_row(conn, venue_id, id, lock).await? else { return Ok(None) };
        let items = Self::items_of(conn, &[id]).await?;
        Ok(assemble(vec![row], items)?.pop())
    }

    async fn orders_with_items(conn: &mut Conn, rows: Vec<OrderRow>) -> Result<Vec<Order>, AppError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id()).collect();
        let mut items = Vec::new();
        for chunk in ids.chunks(500) {
            items.extend(Self::items_of(conn, chunk).await?);
        }
        assemble(rows, items)
    }

    /// Takes the order's stock by FEFO: locks each product's lots, plans, and either writes
    /// every movement and allocation or returns the shortfalls having written nothing.
    async fn serve_stock(
        conn: &mut Conn,
        order: &mut Order,
        actor: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
        events: &mut Vec<VenueEvent>,
    ) -> Result<Money, AppError> {
        let venue_id = order.venue_id;
        // Voided lines are not served: they take nothing.
        let mut products: Vec<Uuid> = order.items.iter().filter(|i| !i.is_voided()).map(|i| i.product_id).collect();
        products.sort();
        products.dedup();
        let mut shortfalls = Vec::new();
        let mut plans: Vec<(Uuid, ProductInfo, Vec<CostedAllocation>)> = Vec::new();
        for product_id in products {
            let info = Self::product_info(conn, venue_id, product_id).await?.ok_or_else(|| {
                AppError::internal(format!("order {} has a line of product {product_id}, which is gone", order.id))
            })?;
            if !info.track_stock {
                plans.push((product_id, info, Vec::new()));
                continue;
            }
            let requested: Qty =
                order.items.iter().filter(|i| i.product_id == product_id && !i.is_voided()).map(|i| i.quantity).sum();
            let lots: Vec<LotLine> = sqlx::query_as(sql!(
                PG,
                "SELECT id, lot_code, @q(qty_current), @m(cost_per_unit), expiry_date, received_at, created_at \
                 FROM lots WHERE product_id = $1 AND venue_id = $2 AND @qc(qty_current) > 0 ORDER BY id@lock"
            ))
            .bind(product_id)
            .bind(venue_id)
            .fetch_all(&mut *conn)
            .await?;
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
                shortfalls.push(Shortfall {
                    product_id,
                    product_name: info.name.clone(),
                    requested,
                    available: plan.available,
                    unit: info.unit,
                });
                continue;
            }
            if let Some(left) = low_stock_after(plan.available, requested, info.min_stock) {
                events.push(VenueEvent::StockAlert {
                    product_id,
                    product_name: info.name.clone(),
                    kind: StockAlertKind::Low,
                    qty_on_hand: left,
                    lot_id: None,
                    lot_code: None,
                    expiry_date: None,
                    lot_qty: None,
                    unit: Some(info.unit),
                });
            }
            let costed = plan
                .allocations
                .iter()
                .map(|a| CostedAllocation {
                    allocation: ItemAllocation::from(a),
                    cost_per_unit: lots.iter().find(|l| l.0 == a.lot_id).and_then(|l| l.3).map(Money::from_raw),
                })
                .collect();
            plans.push((product_id, info, costed));
        }
        if !shortfalls.is_empty() {
            return Err(AppError::InsufficientStock(shortfalls));
        }
        let mut cost_of_goods = Money::ZERO;
        for (product_id, info, plan) in &plans {
            for c in plan {
                let a = &c.allocation;
                sqlx::query(sql!(
                    PG,
                    "UPDATE lots SET @qc(qty_current) = @qc(qty_current) - @qv($1), updated_at = $2 WHERE id = $3"
                ))
                .bind(a.quantity.raw())
                .bind(now)
                .bind(a.lot_id)
                .execute(&mut *conn)
                .await?;
                sqlx::query(sql!(
                    PG,
                    "INSERT INTO stock_movements (id, venue_id, lot_id, product_id, @qc(quantity), movement_type, \
                     reference_type, reference_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, @qv($5), 'OUT', 'order', $6, $7, $8)"
                ))
                .bind(Uuid::new_v4())
                .bind(venue_id)
                .bind(a.lot_id)
                .bind(product_id)
                .bind((-a.quantity).raw())
                .bind(order.id)
                .bind(actor)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            let lines: Vec<&mut OrderItem> =
                order.items.iter_mut().filter(|i| i.product_id == *product_id && !i.is_voided()).collect();
            let quantities: Vec<Qty> = lines.iter().map(|i| i.quantity).collect();
            let shares: Vec<LineShare> = if info.track_stock {
                share_among_lines(&quantities, plan, info.cost)
            } else {
                let cost = |q: &Qty| line_total(*q, info.cost.unwrap_or(Money::ZERO));
                quantities.iter().map(|q| LineShare { allocations: Vec::new(), cost: cost(q) }).collect()
            };
            for (item, share) in lines.into_iter().zip(shares) {
                cost_of_goods += share.cost;
                let first_lot = share.allocations.first().map(|a| a.lot_id);
                sqlx::query(sql!(
                    PG,
                    "UPDATE order_items SET allocated_lot_id = $1, allocations = @json($2), @mc(cost) = @mv($3) \
                     WHERE id = $4"
                ))
                .bind(first_lot)
                .bind(crate::store::sql::json_text(&share.allocations)?)
                .bind(share.cost.raw())
                .bind(item.id)
                .execute(&mut *conn)
                .await?;
                item.allocated_lot_id = first_lot;
                item.allocations = share.allocations;
            }
        }
        Ok(cost_of_goods)
    }
}

#[async_trait]
impl OrderStore for This {
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
                return Err(AppError::conflict(format!("table_id: table `{}` is out of service", table.name))
                    .keyed("err-table-out-of-service", [("table", table.name.clone())]));
            }
            Self::put_table_status(&mut tx, &table, TableStatus::Occupied, d.now, &mut table_events).await?;
            table_name = Some(table.name);
        }
        let items = Self::resolve_items(&mut tx, d.venue_id, &d.items, d.now).await?;
        let total = items.iter().fold(Money::ZERO, |sum, i| sum + line_total(i.quantity, i.unit_price));
        // Numbers come from the venue's counter, never from the orders that exist: a deleted
        // order's number is never handed out again.
        let number = Self::bump_counter(&mut tx, d.venue_id, "order_number", 1).await?;
        let inserted = sqlx::query(sql!(
            PG,
            "INSERT INTO orders (id, venue_id, number, order_number, table_id, status, covers, notes, \
             idempotency_key, created_by, created_at, updated_at, @mc(total)) \
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $10, @mv($11))"
        ))
        .bind(d.id)
        .bind(d.venue_id)
        .bind(number)
        .bind(number.to_string())
        .bind(d.table_id)
        .bind(d.covers)
        .bind(&d.notes)
        .bind(&d.idempotency_key)
        .bind(d.created_by)
        .bind(d.now)
        .bind(total.raw())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if d.idempotency_key.is_some() && Unique::ORDER_IDEMPOTENCY_KEY.violated_by(&e) => {
                // A concurrent retry with the same key won the race: answer with its order.
                drop(tx);
                let order = self.order_by_key(d).await?;
                return order
                    .map(|o| (o, false))
                    .ok_or_else(|| AppError::internal("the idempotency key's order vanished after a conflict"));
            }
            Err(e) => return Err(e.into()),
        }
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

    async fn add_items(
        &self,
        venue_id: Uuid,
        id: Uuid,
        items: &[ItemDraft],
        key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<(Order, bool)>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(mut order) = Self::load_order(&mut tx, venue_id, id, true).await? else { return Ok(None) };
        if let Some(key) = key {
            // The order row is locked: a retry of this addition waits here, then finds it.
            let known: Option<Uuid> =
                sqlx::query_scalar(sql!(PG, "SELECT id FROM order_items WHERE order_id = $1 AND add_key = $2 LIMIT 1"))
                    .bind(id)
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if known.is_some() {
                return Ok(Some((order, false)));
            }
        }
        if !order.status.accepts_items() {
            return Err(AppError::conflict(format!(
                "order {} is {}: items can be added only while it is draft, confirmed or preparing",
                order.order_number, order.status
            ))
            .keyed(
                "err-no-more-items",
                [("order", order.order_number.clone()), ("status", order.status.as_str().to_owned())],
            ));
        }
        let new = Self::resolve_items(&mut tx, venue_id, items, now).await?;
        Self::write_items(&mut tx, venue_id, id, order.items.len(), &new, now).await?;
        if let Some(key) = key {
            sqlx::query(sql!(PG, "UPDATE order_items SET add_key = $1 WHERE order_id = $2 AND created_at = $3"))
                .bind(key)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let added = new.iter().fold(Money::ZERO, |sum, i| sum + line_total(i.quantity, i.unit_price));
        sqlx::query(sql!(PG, "UPDATE orders SET @mc(total) = @mc(total) + @mv($1), updated_at = $2 WHERE id = $3"))
            .bind(added.raw())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        order.items.extend(new);
        order.total += added;
        order.updated_at = now;
        let event = Self::order_updated(&order, OrderChange::ItemsAdded);
        Self::append_events(&mut tx, venue_id, &[event], now).await?;
        tx.commit().await?;
        Ok(Some((order, true)))
    }

    async fn order_of_key(&self, venue_id: Uuid, user: Uuid, key: &str) -> Result<Option<Order>, AppError> {
        let id: Option<Uuid> = sqlx::query_scalar(sql!(
            PG,
            "SELECT id FROM orders WHERE venue_id = $1 AND created_by = $2 AND idempotency_key = $3              UNION ALL SELECT order_id FROM order_items WHERE venue_id = $1 AND add_key = $3 LIMIT 1"
        ))
        .bind(venue_id)
        .bind(user)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.get_order(venue_id, id).await,
            None => Ok(None),
        }
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
        let query = render(
            &format!(
                "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.venue_id = $1{statuses}{without_table} \
                 AND ($2 IS NULL OR o.table_id = $2) AND ($3 IS NULL OR o.created_at >= $3) \
                 ORDER BY o.created_at DESC, o.id DESC LIMIT $4 OFFSET $5"
            ),
            PG,
        );
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<OrderRow> = sqlx::query_as(&query)
            .bind(venue_id)
            .bind(f.table_id)
            .bind(f.since)
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(&mut *conn)
            .await?;
        Self::orders_with_items(&mut conn, rows).await
    }

    async fn delete_order(&self, venue_id: Uuid, id: Uuid) -> Result<Option<()>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(row) = Self::order_row(&mut tx, venue_id, id, true).await? else { return Ok(None) };
        let order = row.into_order(Vec::new())?;
        if !order.status.deletable() {
            return Err(AppError::conflict(format!(
                "order {} is {}: only draft or cancelled orders can be deleted (cancel it first)",
                order.order_number, order.status
            ))
            .keyed(
                "err-not-deletable",
                [("order", order.order_number.clone()), ("status", order.status.as_str().to_owned())],
            ));
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

    async fn change_status(
        &self,
        venue_id: Uuid,
        id: Uuid,
        change: &StatusChange<'_>,
    ) -> Result<Option<Order>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(mut order) = Self::load_order(&mut tx, venue_id, id, true).await? else { return Ok(None) };
        (change.check)(&order)?;
        let now = now_micros();
        let mut events = vec![Self::status_changed(&order, change.to, change.actor.id)];
        if change.to == OrderStatus::Served {
            let today = change.today.ok_or_else(|| AppError::internal("a serve without the venue's date"))?;
            let cost = Self::serve_stock(&mut tx, &mut order, change.actor.id, today, now, &mut events).await?;
            order.cost_of_goods = Some(cost);
        }
        if change.to == OrderStatus::Cancelled && change.reason.is_some() {
            order.cancel_reason = change.reason.clone();
        }
        // Each move stamps its own time, once: a set timestamp is never overwritten; a recall
        // clears the stamp of the state it leaves.
        Self::put_status(&mut tx, &mut order, change.to, now).await?;
        match change.to {
            OrderStatus::Completed => {
                Self::release_table(&mut tx, venue_id, order.table_id, true, now, &mut events).await?
            }
            OrderStatus::Cancelled => {
                Self::release_table(&mut tx, venue_id, order.table_id, false, now, &mut events).await?
            }
            _ => {}
        }
        Self::append_events(&mut tx, venue_id, &events, now).await?;
        tx.commit().await?;
        Ok(Some(order))
    }

    async fn edit_order(&self, venue_id: Uuid, id: Uuid, edit: &OrderEdit<'_>) -> Result<Option<Order>, AppError> {
        let mut tx = self.begin_write().await?;
        let Some(mut order) = Self::load_order(&mut tx, venue_id, id, true).await? else { return Ok(None) };
        (edit.check)(&order)?;
        let now = now_micros();
        let actor = edit.actor.id;
        let mut events = Vec::new();
        let change = match &edit.kind {
            EditKind::ItemDone { item_id, done } => {
                let item = Self::live_line(&mut order, *item_id)?;
                item.done_at = if *done { item.done_at.or(Some(now)) } else { None };
                sqlx::query(sql!(PG, "UPDATE order_items SET done_at = $1 WHERE id = $2"))
                    .bind(item.done_at)
                    .bind(item.id)
                    .execute(&mut *tx)
                    .await?;
                Self::follow_line_marks(&mut tx, &mut order, actor, now, &mut events).await?;
                if *done { OrderChange::ItemDone } else { OrderChange::ItemUndone }
            }
            EditKind::VoidItem { item_id, reason } => {
                let item = Self::live_line(&mut order, *item_id)?;
                item.voided_at = Some(now);
                item.void_reason = Some(reason.clone());
                let item_id = item.id;
                if order.items.iter().all(OrderItem::is_voided) {
                    return Err(AppError::conflict(format!(
                        "item_id: this is the last line of order {}: cancel the order instead",
                        order.order_number
                    ))
                    .keyed("err-last-line", [("order", order.order_number.clone())]));
                }
                sqlx::query(sql!(
                    PG,
                    "UPDATE order_items SET voided_at = $1, void_reason = $2, voided_by = $3 WHERE id = $4"
                ))
                .bind(now)
                .bind(reason)
                .bind(actor)
                .bind(item_id)
                .execute(&mut *tx)
                .await?;
                order.total = order_total(&order.items);
                // The line left was the last the kitchen had to finish.
                if order.status == OrderStatus::Preparing {
                    Self::follow_line_marks(&mut tx, &mut order, actor, now, &mut events).await?;
                }
                OrderChange::ItemVoided
            }
            EditKind::Details { table_id, covers, notes } => {
                let mut change = OrderChange::Details;
                if let Some(to) = *table_id
                    && to != order.table_id
                {
                    // Lock both tables in id order (the store's lock order).
                    let mut ids: Vec<Uuid> = [order.table_id, to].into_iter().flatten().collect();
                    ids.sort();
                    for t in &ids {
                        Self::table_locked(&mut tx, venue_id, *t).await?;
                    }
                    let from = order.table_id;
                    order.table_name = match to {
                        Some(t) => {
                            let Some(table) = Self::table_locked(&mut tx, venue_id, t).await? else {
                                return Err(AppError::not_found(format!("table_id: table {t} not found")));
                            };
                            if table.status == TableStatus::OutOfService {
                                return Err(AppError::conflict(format!(
                                    "table_id: table `{}` is out of service",
                                    table.name
                                ))
                                .keyed("err-table-out-of-service", [("table", table.name.clone())]));
                            }
                            Self::put_table_status(&mut tx, &table, TableStatus::Occupied, now, &mut events).await?;
                            Some(table.name)
                        }
                        None => None,
                    };
                    order.table_id = to;
                    sqlx::query(sql!(PG, "UPDATE orders SET table_id = $1 WHERE id = $2"))
                        .bind(to)
                        .bind(order.id)
                        .execute(&mut *tx)
                        .await?;
                    // The table it left: cleaned if the order was eaten there, free if nobody ate.
                    let eaten = order.served_at.is_some();
                    Self::release_table(&mut tx, venue_id, from, eaten, now, &mut events).await?;
                    change = OrderChange::Moved;
                }
                if let Some(c) = covers {
                    order.covers = *c;
                }
                if let Some(n) = notes {
                    order.notes = n.clone();
                }
                change
            }
        };
        order.updated_at = now;
        sqlx::query(sql!(
            PG,
            "UPDATE orders SET @mc(total) = @mv($1), covers = $2, notes = $3, updated_at = $4 WHERE id = $5"
        ))
        .bind(order.total.raw())
        .bind(order.covers)
        .bind(&order.notes)
        .bind(now)
        .bind(order.id)
        .execute(&mut *tx)
        .await?;
        events.insert(0, Self::order_updated(&order, change));
        Self::append_events(&mut tx, venue_id, &events, now).await?;
        tx.commit().await?;
        Ok(Some(order))
    }

    async fn kitchen_orders(&self, venue_id: Uuid) -> Result<Vec<Order>, AppError> {
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<OrderRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.venue_id = $1 \
                 AND o.status IN ('confirmed', 'preparing', 'ready') ORDER BY o.confirmed_at, o.id LIMIT 1000"
            )
        ))
        .bind(venue_id)
        .fetch_all(&mut *conn)
        .await?;
        Self::orders_with_items(&mut conn, rows).await
    }

    async fn order_refs(&self, venue_id: Uuid, ids: &[Uuid]) -> Result<Vec<OrderRef>, AppError> {
        let mut refs = Vec::new();
        for chunk in ids.chunks(500) {
            let query = render(
                &format!(
                    "SELECT o.id, o.order_number, t.name FROM {ORDER_FROM} WHERE o.venue_id = $1 AND o.id IN ({})",
                    placeholders(2, chunk.len())
                ),
                PG,
            );
            let mut q = sqlx::query_as::<_, (Uuid, String, Option<String>)>(&query).bind(venue_id);
            for id in chunk {
                q = q.bind(*id);
            }
            let rows = q.fetch_all(&self.pool).await?;
            refs.extend(rows.into_iter().map(|(order_id, order_number, table_name)| OrderRef {
                order_id,
                order_number,
                table_name,
            }));
        }
        Ok(refs)
    }

    async fn venue_kitchen_stats(
        &self,
        venue_id: Uuid,
        late_before: DateTime<Utc>,
        ready_since: DateTime<Utc>,
    ) -> Result<KitchenStats, AppError> {
        let (active, late): (i64, i64) = sqlx::query_as(sql!(
            PG,
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status <> 'ready' AND confirmed_at < $2 THEN 1 ELSE 0 END), 0) \
             FROM orders WHERE venue_id = $1 AND status IN ('confirmed', 'preparing', 'ready')"
        ))
        .bind(venue_id)
        .bind(late_before)
        .fetch_one(&self.pool)
        .await?;
        let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(sql!(
            PG,
            "SELECT kitchen_started_at, ready_at FROM orders WHERE venue_id = $1 AND ready_at IS NOT NULL \
             AND ready_at >= $2 AND kitchen_started_at IS NOT NULL"
        ))
        .bind(venue_id)
        .bind(ready_since)
        .fetch_all(&self.pool)
        .await?;
        Ok(KitchenStats {
            active_kitchen_orders: active,
            stuck_orders: late,
            average_preparation_minutes: average_minutes(&times),
        })
    }

    async fn kitchen_stats(
        &self,
        stuck_before: DateTime<Utc>,
        ready_since: DateTime<Utc>,
    ) -> Result<KitchenStats, AppError> {
        let active: i64 = sqlx::query_scalar(sql!(
            PG,
            "SELECT COUNT(*) FROM orders WHERE status IN ('confirmed', 'preparing', 'ready')"
        ))
        .fetch_one(&self.pool)
        .await?;
        // The full IN list matches the partial index's predicate word for word, which
        // SQLite needs before it uses the index; `<> 'ready'` then narrows it.
        let stuck: i64 = sqlx::query_scalar(sql!(
            PG,
            "SELECT COUNT(*) FROM orders WHERE status IN ('confirmed', 'preparing', 'ready') \
             AND status <> 'ready' AND confirmed_at < $1"
        ))
        .bind(stuck_before)
        .fetch_one(&self.pool)
        .await?;
        let times: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(sql!(
            PG,
            "SELECT kitchen_started_at, ready_at FROM orders WHERE ready_at IS NOT NULL AND ready_at >= $1 \
             AND kitchen_started_at IS NOT NULL"
        ))
        .bind(ready_since)
        .fetch_all(&self.pool)
        .await?;
        let average_preparation_minutes = average_minutes(&times);
        Ok(KitchenStats { active_kitchen_orders: active, stuck_orders: stuck, average_preparation_minutes })
    }
}

/// The average of (start, end) spans in minutes, to a tenth; `None` without any.
fn average_minutes(times: &[(DateTime<Utc>, DateTime<Utc>)]) -> Option<f64> {
    (!times.is_empty()).then(|| {
        let total: f64 = times.iter().map(|(start, ready)| (*ready - *start).num_milliseconds() as f64).sum();
        (total / times.len() as f64 / 60_000.0 * 10.0).round() / 10.0
    })
}
