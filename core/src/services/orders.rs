//! Tables and orders use cases: validation, the permission table and the state machine, then
//! one store call (one transaction) each.

use super::{Services, authorize};
use crate::AppError;
use crate::domain::order::{
    AddItems, ItemDone, KitchenOrder, NewItem, NewOrder, Order, OrderPatch, OrderStatus, StatusRequest, VoidRequest,
    transition, void_action,
};
use crate::domain::stock::{Promise, available_to_promise};
use crate::domain::table::{Layout, LayoutRequest, NewTable, Table, TablePatch, TableStatus};
use crate::domain::{Action, Qty, User, allowed};
use crate::observe::Operation;
use crate::store::Page;
use crate::store::now_micros;
use crate::store::orders::{EditKind, ItemDraft, KitchenStats, OrderDraft, OrderEdit, OrderFilter, StatusChange};
use crate::store::tables::{LayoutChange, LayoutPlan, TableFilter};
use uuid::Uuid;

/// Most lines one request may add to an order.
pub const MAX_ITEMS_PER_REQUEST: usize = 200;
/// Longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

use super::inventory::{filter_text, json_object, not_found, optional_note, optional_text, required_text as text};

/// Most JSON one order line's `modifiers` may hold.
pub const MAX_MODIFIERS_BYTES: usize = 4096;

fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, AppError> {
    optional_text(field, value.map(str::to_owned), max)
}

fn note(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, AppError> {
    optional_note(field, value.map(str::to_owned), max)
}

fn idempotency(key: Option<String>) -> Result<Option<String>, AppError> {
    match key.map(|k| k.trim().to_owned()) {
        Some(k) if k.is_empty() || k.len() > MAX_IDEMPOTENCY_KEY_LEN => {
            Err(AppError::bad_request(format!("Idempotency-Key: must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters")))
        }
        other => Ok(other),
    }
}

fn seats(field: &str, value: i32) -> Result<i32, AppError> {
    if !(1..=100).contains(&value) {
        return Err(AppError::bad_request(format!("{field}: must be between 1 and 100")));
    }
    Ok(value)
}

fn items(field: &str, items: &[NewItem]) -> Result<Vec<ItemDraft>, AppError> {
    if items.len() > MAX_ITEMS_PER_REQUEST {
        return Err(AppError::bad_request(format!("{field}: at most {MAX_ITEMS_PER_REQUEST} items per request")));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if item.quantity <= Qty::ZERO {
                return Err(AppError::bad_request(format!("{field}[{i}].quantity: must be greater than 0")));
            }
            if item.quantity > Qty::whole(10_000) {
                return Err(AppError::bad_request(format!("{field}[{i}].quantity: must be at most 10000")));
            }
            if let Some(m) = &item.modifiers {
                json_object(&format!("{field}[{i}].modifiers"), m, MAX_MODIFIERS_BYTES)?;
            }
            Ok(ItemDraft {
                id: Uuid::new_v4(),
                product_id: item.product_id,
                quantity: item.quantity,
                notes: note(&format!("{field}[{i}].notes"), item.notes.as_deref(), 500)?,
                modifiers: item.modifiers.clone(),
            })
        })
        .collect()
}

impl Services {
    // Tables

    pub async fn create_table(&self, actor: &User, venue_id: Uuid, req: NewTable) -> Result<Table, AppError> {
        let work = self.create_table_untimed(actor, venue_id, req);
        self.timed(Operation::TableCreation, venue_id, |_| None, work).await
    }

    async fn create_table_untimed(&self, actor: &User, venue_id: Uuid, req: NewTable) -> Result<Table, AppError> {
        authorize(actor, venue_id, Action::TablesWrite)?;
        if let Some(p) = &req.position_json {
            p.validate("position_json").map_err(AppError::bad_request)?;
        }
        let now = now_micros();
        let table = Table {
            id: Uuid::new_v4(),
            venue_id,
            name: text("name", &req.name, 50)?,
            seats: seats("seats", req.seats)?,
            area: optional("area", req.area.as_deref(), 50)?,
            position_json: req.position_json,
            status: TableStatus::Free,
            open_orders: 0,
            created_at: now,
            updated_at: now,
        };
        let table = self.store.create_table(&table).await?;
        self.hub.venue_changed(venue_id);
        Ok(table)
    }

    pub async fn list_tables(
        &self,
        actor: &User,
        venue_id: Uuid,
        filter: TableFilter,
        page: Page,
    ) -> Result<Vec<Table>, AppError> {
        authorize(actor, venue_id, Action::TablesRead)?;
        filter_text("area", filter.area.as_deref())?;
        self.store.list_tables(venue_id, &filter, page).await
    }

    pub async fn get_table(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Table, AppError> {
        authorize(actor, venue_id, Action::TablesRead)?;
        self.store.get_table(venue_id, id).await?.ok_or_else(|| not_found("table", id))
    }

    pub async fn update_table(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        patch: TablePatch,
    ) -> Result<Table, AppError> {
        authorize(actor, venue_id, Action::TablesWrite)?;
        if let Some(Some(p)) = &patch.position_json {
            p.validate("position_json").map_err(AppError::bad_request)?;
        }
        let apply = move |mut t: Table| {
            if let Some(name) = &patch.name {
                t.name = text("name", name, 50)?;
            }
            if let Some(s) = patch.seats {
                t.seats = seats("seats", s)?;
            }
            if let Some(area) = &patch.area {
                t.area = optional("area", area.as_deref(), 50)?;
            }
            if let Some(p) = &patch.position_json {
                t.position_json = p.clone();
            }
            Ok(t)
        };
        let table = self.store.update_table(venue_id, id, &apply).await?.ok_or_else(|| not_found("table", id))?;
        self.hub.venue_changed(venue_id);
        Ok(table)
    }

    pub async fn delete_table(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<(), AppError> {
        authorize(actor, venue_id, Action::TablesWrite)?;
        self.store.delete_table(venue_id, id).await?.ok_or_else(|| not_found("table", id))?;
        self.hub.venue_changed(venue_id);
        Ok(())
    }

    pub async fn set_table_status(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        status: TableStatus,
    ) -> Result<Table, AppError> {
        let work = self.set_table_status_untimed(actor, venue_id, id, status);
        self.timed(Operation::TableStatusUpdate, venue_id, |_| None, work).await
    }

    async fn set_table_status_untimed(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        status: TableStatus,
    ) -> Result<Table, AppError> {
        authorize(actor, venue_id, Action::TablesSetStatus)?;
        let table = self.store.set_table_status(venue_id, id, status).await?.ok_or_else(|| not_found("table", id))?;
        self.hub.venue_changed(venue_id);
        Ok(table)
    }

    /// Changes the floor plan in one go: tables moved, renamed, added and removed, all or
    /// nothing; over `layout_version` when given (409 when the plan changed since). The changed
    /// and added tables, and the plan's new version.
    pub async fn update_layout(
        &self,
        actor: &User,
        venue_id: Uuid,
        req: LayoutRequest,
    ) -> Result<(Vec<Table>, i64), AppError> {
        authorize(actor, venue_id, Action::TablesWrite)?;
        if req.tables.is_empty() && req.create.is_empty() && req.delete.is_empty() {
            return Err(AppError::bad_request("tables: must list at least one table"));
        }
        if req.tables.len() + req.create.len() + req.delete.len() > 1000 {
            return Err(AppError::bad_request("tables: at most 1000 tables per layout change"));
        }
        if req.layout_version.is_some_and(|v| v < 0) {
            return Err(AppError::bad_request("layout_version: must be 0 or more"));
        }
        let mut seen = std::collections::HashSet::new();
        let mut changes = Vec::with_capacity(req.tables.len());
        for (i, entry) in req.tables.into_iter().enumerate() {
            if !seen.insert(entry.id) {
                return Err(AppError::bad_request(format!("tables[{i}].id: table {} is listed twice", entry.id)));
            }
            let field = |name: &str| format!("tables[{i}].{name}");
            entry.position_json.validate(&field("position_json")).map_err(AppError::bad_request)?;
            let area = match entry.area {
                Some(area) => Some(optional(&field("area"), area.as_deref(), 50)?),
                None => None,
            };
            let name = entry.name.as_deref().map(|n| text(&field("name"), n, 50)).transpose()?;
            let seats = entry.seats.map(|s| seats(&field("seats"), s)).transpose()?;
            changes.push(LayoutChange { id: entry.id, position: entry.position_json, area, name, seats });
        }
        for (i, id) in req.delete.iter().enumerate() {
            if !seen.insert(*id) {
                return Err(AppError::bad_request(format!(
                    "delete[{i}]: table {id} is listed twice, or both changed and deleted"
                )));
            }
        }
        let now = now_micros();
        let mut create = Vec::with_capacity(req.create.len());
        let mut names = std::collections::HashSet::new();
        for (i, new) in req.create.into_iter().enumerate() {
            let field = |name: &str| format!("create[{i}].{name}");
            if let Some(p) = &new.position_json {
                p.validate(&field("position_json")).map_err(AppError::bad_request)?;
            }
            let name = text(&field("name"), &new.name, 50)?;
            if !names.insert(name.to_lowercase()) {
                return Err(AppError::conflict(format!("{}: a table named `{name}` is added twice", field("name")))
                    .keyed("err-table-added-twice", [("table", name.clone())]));
            }
            create.push(Table {
                id: Uuid::new_v4(),
                venue_id,
                name,
                seats: seats(&field("seats"), new.seats)?,
                area: optional(&field("area"), new.area.as_deref(), 50)?,
                position_json: new.position_json,
                status: TableStatus::Free,
                open_orders: 0,
                created_at: now,
                updated_at: now,
            });
        }
        let plan = LayoutPlan { expected_version: req.layout_version, changes, create, delete: req.delete };
        let result = self.store.update_layout(venue_id, &plan).await?;
        self.hub.venue_changed(venue_id);
        Ok(result)
    }

    /// Every table of the venue and the floor plan's version (what the editor starts from).
    pub async fn layout(&self, actor: &User, venue_id: Uuid) -> Result<Layout, AppError> {
        authorize(actor, venue_id, Action::TablesRead)?;
        let (tables, layout_version) = self.store.layout(venue_id).await?;
        Ok(Layout { layout_version, tables })
    }

    // Orders

    /// Creates an order (201), or with a known `Idempotency-Key` returns the order that key
    /// created before (`false`: nothing new was written).
    pub async fn create_order(
        &self,
        actor: &User,
        venue_id: Uuid,
        req: NewOrder,
        idempotency_key: Option<String>,
    ) -> Result<(Order, bool), AppError> {
        let work = self.create_order_untimed(actor, venue_id, req, idempotency_key);
        self.timed(Operation::OrderCreation, venue_id, |(o, _): &(Order, bool)| Some(o.order_number.clone()), work)
            .await
    }

    async fn create_order_untimed(
        &self,
        actor: &User,
        venue_id: Uuid,
        req: NewOrder,
        idempotency_key: Option<String>,
    ) -> Result<(Order, bool), AppError> {
        authorize(actor, venue_id, Action::OrdersTake)?;
        let idempotency_key = idempotency(idempotency_key)?;
        if let Some(c) = req.covers
            && !(1..=500).contains(&c)
        {
            return Err(
                AppError::bad_request("covers: must be between 1 and 500").keyed("err-covers", [("max", "500".into())])
            );
        }
        let draft = OrderDraft {
            id: Uuid::new_v4(),
            venue_id,
            table_id: req.table_id,
            covers: req.covers,
            notes: note("notes", req.notes.as_deref(), 1000)?,
            items: items("items", &req.items)?,
            created_by: actor.id,
            idempotency_key,
            now: now_micros(),
        };
        let (order, created) = self.store.create_order(&draft).await?;
        if created {
            self.hub.venue_changed(venue_id);
        }
        Ok((order, created))
    }

    /// Adds lines to an open order; with an `Idempotency-Key`, a retry of the same addition
    /// returns the order without adding them twice.
    pub async fn add_items(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        req: AddItems,
        idempotency_key: Option<String>,
    ) -> Result<Order, AppError> {
        let work = self.add_items_untimed(actor, venue_id, id, req, idempotency_key);
        self.timed(Operation::OrderAddItems, venue_id, |o: &Order| Some(o.order_number.clone()), work).await
    }

    async fn add_items_untimed(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        req: AddItems,
        idempotency_key: Option<String>,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersTake)?;
        let key = idempotency(idempotency_key)?;
        if req.items.is_empty() {
            return Err(AppError::bad_request("items: must list at least one item").keyed("err-no-lines", []));
        }
        let drafts = items("items", &req.items)?;
        let (order, added) = self
            .store
            .add_items(venue_id, id, &drafts, key.as_deref(), now_micros())
            .await?
            .ok_or_else(|| not_found("order", id))?;
        if added {
            self.hub.venue_changed(venue_id);
        }
        Ok(order)
    }

    /// The waiter's Send, in one use case: lines for a table whose latest open order is still in
    /// the kitchen's hands (confirmed or preparing) are added to it; otherwise a new order is
    /// created and confirmed. `key` is the tap's idempotency key: the same tap retried (bad
    /// Wi-Fi, a queue sent again after a reload) finds what it did instead of doing it twice.
    pub async fn send_lines(
        &self,
        actor: &User,
        venue_id: Uuid,
        table_id: Option<Uuid>,
        lines: Vec<NewItem>,
        covers: Option<i32>,
        key: String,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersTake)?;
        if lines.is_empty() {
            return Err(
                AppError::bad_request("lines: the order is empty: add at least one dish").keyed("err-no-lines", [])
            );
        }
        let key = idempotency(Some(key))?.unwrap_or_default();
        let confirm = |order: Order| async move {
            if order.status != OrderStatus::Draft {
                return Ok(order);
            }
            let req = StatusRequest { status: OrderStatus::Confirmed, reason: None };
            self.change_order_status(actor, venue_id, order.id, req).await
        };
        if let Some(order) = self.store.order_of_key(venue_id, actor.id, &key).await? {
            return confirm(order).await;
        }
        if let Some(table_id) = table_id {
            let filter = OrderFilter {
                statuses: vec![OrderStatus::Confirmed, OrderStatus::Preparing],
                table_id: Some(table_id),
                ..Default::default()
            };
            let open = self.store.list_orders(venue_id, &filter, Page { limit: 1, offset: 0 }).await?;
            if let Some(latest) = open.first() {
                let req = AddItems { items: lines.clone() };
                match self.add_items(actor, venue_id, latest.id, req, Some(key.clone())).await {
                    Ok(order) => return Ok(order),
                    // It left the kitchen's hands meanwhile (ready, cancelled): a new order.
                    Err(AppError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let req = NewOrder { table_id, covers, notes: None, items: lines };
        let (order, _) = self.create_order(actor, venue_id, req, Some(key)).await?;
        confirm(order).await
    }

    pub async fn get_order(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        self.store.get_order(venue_id, id).await?.ok_or_else(|| not_found("order", id))
    }

    pub async fn list_orders(
        &self,
        actor: &User,
        venue_id: Uuid,
        filter: OrderFilter,
        page: Page,
    ) -> Result<Vec<Order>, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        self.store.list_orders(venue_id, &filter, page).await
    }

    pub async fn delete_order(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<(), AppError> {
        authorize(actor, venue_id, Action::OrdersTake)?;
        self.store.delete_order(venue_id, id).await?.ok_or_else(|| not_found("order", id))?;
        self.hub.venue_changed(venue_id);
        Ok(())
    }

    /// Moves an order along the state machine; the permission table decides who may make the
    /// move. Serving deducts stock in the same transaction.
    pub async fn change_order_status(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        req: StatusRequest,
    ) -> Result<Order, AppError> {
        let work = self.change_order_status_untimed(actor, venue_id, id, req);
        self.timed(Operation::OrderStatusUpdate, venue_id, |o: &Order| Some(o.order_number.clone()), work).await
    }

    async fn change_order_status_untimed(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        req: StatusRequest,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        let reason = note("reason", req.reason.as_deref(), 500)?;
        let to = req.status;
        let today = if to == OrderStatus::Served { Some(self.venue_today(venue_id).await?) } else { None };
        let role = actor.role;
        let before = std::sync::Mutex::new(None);
        let check = |order: &Order| -> Result<(), AppError> {
            *before.lock().unwrap_or_else(|e| e.into_inner()) = Some(order.status);
            let Some(action) = transition(order.status, to) else {
                return Err(AppError::conflict(format!(
                    "status: order {} cannot go from {} to {}",
                    order.order_number, order.status, to
                ))
                .keyed(
                    "err-status-transition",
                    [
                        ("order", order.order_number.to_string()),
                        ("from", order.status.to_string()),
                        ("to", to.to_string()),
                    ],
                ));
            };
            if !allowed(role, action) {
                return Err(AppError::forbidden(format!(
                    "role {role} may not move an order from {} to {}",
                    order.status, to
                ))
                .keyed(
                    "err-role-transition",
                    [("role", role.to_string()), ("from", order.status.to_string()), ("to", to.to_string())],
                ));
            }
            if to == OrderStatus::Confirmed && order.items.is_empty() {
                return Err(AppError::conflict(format!(
                    "status: order {} has no items; add items before confirming it",
                    order.order_number
                ))
                .keyed("err-order-empty", [("order", order.order_number.to_string())]));
            }
            Ok(())
        };
        let change = StatusChange { to, reason, actor, today, check: &check };
        let order = self.store.change_status(venue_id, id, &change).await?.ok_or_else(|| not_found("order", id))?;
        self.hub.venue_changed(venue_id);
        self.count_transition(before.into_inner().unwrap_or_else(|e| e.into_inner()), &order);
        Ok(order)
    }

    /// The kitchen marks a line done (or not done again); the order follows: started with its
    /// first done line, ready when every line still on it is done (one touch stays one touch).
    pub async fn set_item_done(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        item_id: Uuid,
        req: ItemDone,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersPrepare)?;
        let check = |order: &Order| -> Result<(), AppError> {
            if !OrderStatus::KITCHEN.contains(&order.status) {
                return Err(AppError::conflict(format!(
                    "status: order {} is {}: only tickets in the kitchen (confirmed, preparing, ready) have lines to mark",
                    order.order_number, order.status
                ))
                .keyed("err-not-in-kitchen", [("order", order.order_number.to_string()), ("status", order.status.to_string())]));
            }
            Ok(())
        };
        let edit = OrderEdit { actor, check: &check, kind: EditKind::ItemDone { item_id, done: req.done } };
        self.edit(venue_id, id, &edit).await
    }

    /// Voids a line with a reason: it stays on the ticket, struck through, and leaves the total
    /// and what serving deducts. Who may void is who may cancel the order in its status.
    pub async fn void_item(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        item_id: Uuid,
        req: VoidRequest,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        let reason = note("reason", Some(&req.reason), 500)?
            .ok_or_else(|| AppError::bad_request("reason: say why the line is voided").keyed("err-void-reason", []))?;
        let role = actor.role;
        let check = move |order: &Order| -> Result<(), AppError> {
            let Some(action) = void_action(order.status) else {
                return Err(AppError::conflict(format!(
                    "status: order {} is {}: its lines can no longer be voided",
                    order.order_number, order.status
                ))
                .keyed(
                    "err-void-too-late",
                    [("order", order.order_number.to_string()), ("status", order.status.to_string())],
                ));
            };
            if !allowed(role, action) {
                return Err(AppError::forbidden(format!(
                    "role {role} may not void a line of an order that is {}: a manager can",
                    order.status
                ))
                .keyed("err-void-role", [("role", role.to_string()), ("status", order.status.to_string())]));
            }
            Ok(())
        };
        let edit = OrderEdit { actor, check: &check, kind: EditKind::VoidItem { item_id, reason } };
        self.edit(venue_id, id, &edit).await
    }

    /// Moves an open order to another table (or to takeaway), sets its covers or notes.
    pub async fn update_order(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        patch: OrderPatch,
    ) -> Result<Order, AppError> {
        authorize(actor, venue_id, Action::OrdersTake)?;
        if let Some(Some(c)) = patch.covers
            && !(1..=500).contains(&c)
        {
            return Err(
                AppError::bad_request("covers: must be between 1 and 500").keyed("err-covers", [("max", "500".into())])
            );
        }
        let notes = match patch.notes {
            Some(n) => Some(note("notes", n.as_deref(), 1000)?),
            None => None,
        };
        let check = |order: &Order| -> Result<(), AppError> {
            if !order.status.is_open() {
                return Err(AppError::conflict(format!(
                    "status: order {} is {}: only open orders can be changed",
                    order.order_number, order.status
                ))
                .keyed(
                    "err-order-closed",
                    [("order", order.order_number.to_string()), ("status", order.status.to_string())],
                ));
            }
            Ok(())
        };
        let kind = EditKind::Details { table_id: patch.table_id, covers: patch.covers, notes };
        self.edit(venue_id, id, &OrderEdit { actor, check: &check, kind }).await
    }

    async fn edit(&self, venue_id: Uuid, id: Uuid, edit: &OrderEdit<'_>) -> Result<Order, AppError> {
        // The status the order had, for the transitions' metric (a line bump can make it ready).
        let before = std::sync::Mutex::new(None);
        let check = |order: &Order| {
            *before.lock().unwrap_or_else(|e| e.into_inner()) = Some(order.status);
            (edit.check)(order)
        };
        let edit = OrderEdit { actor: edit.actor, check: &check, kind: edit.kind.clone() };
        let order = self.store.edit_order(venue_id, id, &edit).await?.ok_or_else(|| not_found("order", id))?;
        self.hub.venue_changed(venue_id);
        self.count_transition(before.into_inner().unwrap_or_else(|e| e.into_inner()), &order);
        Ok(order)
    }

    /// Counts an order's move from `from` to its status now, if it moved.
    fn count_transition(&self, from: Option<OrderStatus>, order: &Order) {
        if let Some(from) = from.filter(|f| *f != order.status) {
            self.observe.metrics.transition(from, order.status);
        }
    }

    /// One kitchen ticket (whatever its status, so that a screen sees a cancellation), with how
    /// long it has waited.
    pub async fn kitchen_ticket(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<KitchenOrder, AppError> {
        let order = self.get_order(actor, venue_id, id).await?;
        Ok(kitchen_order(order, chrono::Utc::now()))
    }

    /// How many portions of each stock-tracked dish can still be promised: usable stock minus
    /// what the venue's open kitchen orders will draw at serve.
    pub async fn available_to_promise(&self, actor: &User, venue_id: Uuid) -> Result<Vec<Promise>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        let today = self.venue_today(venue_id).await?;
        let (products, lots) = self.store.stock_snapshot(venue_id).await?;
        let open = self.store.kitchen_orders(venue_id).await?;
        let lines: Vec<(Uuid, Qty)> = open
            .iter()
            .flat_map(|o| o.items.iter())
            .filter(|i| !i.is_voided())
            .map(|i| (i.product_id, i.quantity))
            .collect();
        Ok(available_to_promise(&products, &lots, &lines, today))
    }

    /// The venue's kitchen now, as `/health` counts it for the server: open tickets, the ones
    /// past the venue's red threshold (confirmed or preparing), and the average preparation
    /// (started to ready) of the tickets ready since midnight on the venue's clock.
    pub async fn kitchen_now(&self, actor: &User, venue_id: Uuid) -> Result<KitchenStats, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        let venue = self.store.get_venue(venue_id).await?.ok_or_else(|| not_found("venue", venue_id))?;
        let now = chrono::Utc::now();
        let tz = super::inventory::venue_tz(&venue);
        let midnight = now
            .with_timezone(&tz)
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|m| m.and_local_timezone(tz).earliest())
            .map_or(now - chrono::Duration::hours(24), |m| m.with_timezone(&chrono::Utc));
        let late_before = now - chrono::Duration::minutes(venue.kds_late_minutes.into());
        self.store.venue_kitchen_stats(venue_id, late_before, midnight).await
    }

    /// Open kitchen tickets, oldest first, with how long each has waited (timed as `kds_query`).
    pub async fn kitchen_display(&self, actor: &User, venue_id: Uuid) -> Result<Vec<KitchenOrder>, AppError> {
        let work = self.kitchen_display_untimed(actor, venue_id);
        self.timed(Operation::KdsQuery, venue_id, |_| None, work).await
    }

    async fn kitchen_display_untimed(&self, actor: &User, venue_id: Uuid) -> Result<Vec<KitchenOrder>, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        let now = chrono::Utc::now();
        let orders = self.store.kitchen_orders(venue_id).await?;
        Ok(orders.into_iter().map(|order| kitchen_order(order, now)).collect())
    }
}

fn kitchen_order(order: Order, now: chrono::DateTime<chrono::Utc>) -> KitchenOrder {
    let since = order.confirmed_at.unwrap_or(order.created_at);
    let elapsed_seconds = (now - since).num_seconds().max(0);
    KitchenOrder { order, elapsed_seconds }
}
