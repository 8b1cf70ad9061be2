//! Inventory use cases: validation, the permission table, the venue's local date, then one
//! store call each.

use super::{Services, authorize};
use crate::AppError;
use crate::domain::inventory::{
    AdjustRequest, Category, CategoryPatch, FefoPreview, FefoRequest, Lot, LotPatch, Movement, MovementType,
    NewCategory, NewLot, NewMovement, NewProduct, NewSupplier, Product, ProductPatch, ReferenceType, Supplier,
    SupplierPatch,
};
use crate::domain::stock::{StockSummary, summarize};
use crate::domain::text::{Lines, check as check_text, check_json};
use crate::domain::{Action, Money, Qty, User, plan_fefo};
use crate::store::Page;
use crate::store::inventory::{LotFilter, MovementFilter, ProductFilter};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One movement of a lot's trace; order movements also name the order and its table.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceEntry {
    #[serde(flatten)]
    pub movement: Movement,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub order_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub order_number: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub table_name: Option<String>,
}

/// `GET .../lots/{id}/trace`: where a lot came from and everything that happened to it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotTrace {
    pub lot: Lot,
    pub product_name: String,
    pub movements: Vec<TraceEntry>,
}

/// Largest `?days=` of the stock summary.
pub const MAX_SUMMARY_DAYS: u32 = 365;

/// A name, code or label: one line, trimmed, 1 to `max` characters, no control characters.
pub(super) fn required_text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    text(field, value, max, Lines::One)
}

/// Like `required_text`, but absent or blank is `None`.
pub(super) fn optional_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, AppError> {
    value.filter(|v| !v.trim().is_empty()).map(|v| required_text(field, &v, max)).transpose()
}

/// Free text (a note, a reason): its line breaks and tabs are kept, other control characters not.
pub(super) fn required_note(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    text(field, value, max, Lines::Many)
}

/// Like `required_note`, but absent or blank is `None`.
pub(super) fn optional_note(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, AppError> {
    value.filter(|v| !v.trim().is_empty()).map(|v| required_note(field, &v, max)).transpose()
}

fn text(field: &str, value: &str, max: usize, lines: Lines) -> Result<String, AppError> {
    let v = value.trim();
    check_text(field, v, lines).map_err(AppError::bad_request)?;
    if v.is_empty() || v.chars().count() > max {
        return Err(AppError::bad_request(format!("{field}: must be 1 to {max} characters"))
            .keyed("err-text-length", [("field", field.to_owned()), ("max", max.to_string())]));
    }
    Ok(v.to_owned())
}

/// Free-form JSON (a product's attributes, an order line's modifiers): no control character in
/// any key or string, and at most `max_bytes` of JSON.
pub(super) fn json_object(
    field: &str,
    value: &serde_json::Map<String, serde_json::Value>,
    max_bytes: usize,
) -> Result<(), AppError> {
    let value = serde_json::Value::Object(value.clone());
    check_json(field, &value).map_err(AppError::bad_request)?;
    if value.to_string().len() > max_bytes {
        return Err(AppError::bad_request(format!("{field}: must be at most {max_bytes} bytes of JSON")));
    }
    Ok(())
}

/// Most JSON a product's `attributes` may hold, as for an order line's modifiers.
pub const MAX_ATTRIBUTES_BYTES: usize = 4096;

fn attributes(
    value: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, AppError> {
    json_object("attributes", &value, MAX_ATTRIBUTES_BYTES)?;
    Ok(value)
}

/// A search or filter term from a query string: no control characters.
pub(super) fn filter_text(field: &str, value: Option<&str>) -> Result<(), AppError> {
    value.map_or(Ok(()), |v| check_text(field, v, Lines::One).map_err(AppError::bad_request))
}

fn negative(field: &str) -> AppError {
    AppError::bad_request(format!("{field}: must not be negative")).keyed("err-negative", [("field", field.to_owned())])
}

fn non_negative_money(field: &str, m: Money) -> Result<Money, AppError> {
    if m < Money::ZERO {
        return Err(negative(field));
    }
    Ok(m)
}

fn non_negative_qty(field: &str, q: Qty) -> Result<Qty, AppError> {
    if q < Qty::ZERO {
        return Err(negative(field));
    }
    Ok(q)
}

fn station(value: &str) -> Result<String, AppError> {
    required_text("station", value, 40).map(|s| s.to_lowercase())
}

/// The venue's time zone; UTC (with a warning) for one the server does not know.
pub(super) fn venue_tz(venue: &crate::domain::Venue) -> chrono_tz::Tz {
    venue.timezone.parse().unwrap_or_else(|_| {
        tracing::warn!(venue = %venue.id, timezone = %venue.timezone, "unknown time zone, using UTC");
        chrono_tz::UTC
    })
}

pub(super) fn not_found(what: &str, id: Uuid) -> AppError {
    AppError::not_found(format!("{what} {id} not found")).keyed("err-not-found", [("what", what.to_owned())])
}

impl Services {
    /// The venue's local date: "expired" and "today" are judged in the venue's time zone.
    pub async fn venue_today(&self, venue_id: Uuid) -> Result<NaiveDate, AppError> {
        self.venue_date(venue_id, Utc::now()).await
    }

    /// The venue's local date at `at`.
    pub async fn venue_date(&self, venue_id: Uuid, at: chrono::DateTime<Utc>) -> Result<NaiveDate, AppError> {
        let venue = self.store.get_venue(venue_id).await?.ok_or_else(|| not_found("venue", venue_id))?;
        Ok(at.with_timezone(&venue_tz(&venue)).date_naive())
    }

    // Categories

    pub async fn create_category(&self, actor: &User, venue_id: Uuid, req: NewCategory) -> Result<Category, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let now = Utc::now();
        let category = Category {
            id: Uuid::new_v4(),
            venue_id,
            name: required_text("name", &req.name, 100)?,
            sort_order: req.sort_order,
            station: station(req.station.as_deref().unwrap_or("kitchen"))?,
            active: true,
            created_at: now,
            updated_at: now,
        };
        self.store.create_category(&category).await
    }

    pub async fn list_categories(
        &self,
        actor: &User,
        venue_id: Uuid,
        active: Option<bool>,
        page: Page,
    ) -> Result<Vec<Category>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.list_categories(venue_id, active, page).await
    }

    pub async fn get_category(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Category, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.get_category(venue_id, id).await?.ok_or_else(|| not_found("category", id))
    }

    pub async fn update_category(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        patch: CategoryPatch,
    ) -> Result<Category, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let apply = move |mut c: Category| {
            if let Some(name) = &patch.name {
                c.name = required_text("name", name, 100)?;
            }
            if let Some(order) = patch.sort_order {
                c.sort_order = order;
            }
            if let Some(s) = &patch.station {
                c.station = station(s)?;
            }
            if let Some(active) = patch.active {
                c.active = active;
            }
            Ok(c)
        };
        self.store.update_category(venue_id, id, &apply).await?.ok_or_else(|| not_found("category", id))
    }

    /// Deactivates: products keep their category and history stays.
    pub async fn deactivate_category(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Category, AppError> {
        let patch = CategoryPatch { active: Some(false), ..Default::default() };
        self.update_category(actor, venue_id, id, patch).await
    }

    // Suppliers

    pub async fn create_supplier(&self, actor: &User, venue_id: Uuid, req: NewSupplier) -> Result<Supplier, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let now = Utc::now();
        let supplier = Supplier {
            id: Uuid::new_v4(),
            venue_id,
            name: required_text("name", &req.name, 100)?,
            contact_name: optional_text("contact_name", req.contact_name, 100)?,
            email: optional_text("email", req.email, 254)?,
            phone: optional_text("phone", req.phone, 40)?,
            notes: optional_note("notes", req.notes, 2000)?,
            active: true,
            created_at: now,
            updated_at: now,
        };
        self.store.create_supplier(&supplier).await
    }

    pub async fn list_suppliers(
        &self,
        actor: &User,
        venue_id: Uuid,
        active: Option<bool>,
        page: Page,
    ) -> Result<Vec<Supplier>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.list_suppliers(venue_id, active, page).await
    }

    pub async fn get_supplier(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Supplier, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.get_supplier(venue_id, id).await?.ok_or_else(|| not_found("supplier", id))
    }

    pub async fn update_supplier(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        patch: SupplierPatch,
    ) -> Result<Supplier, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let apply = move |mut s: Supplier| {
            if let Some(name) = &patch.name {
                s.name = required_text("name", name, 100)?;
            }
            if let Some(v) = &patch.contact_name {
                s.contact_name = optional_text("contact_name", v.clone(), 100)?;
            }
            if let Some(v) = &patch.email {
                s.email = optional_text("email", v.clone(), 254)?;
            }
            if let Some(v) = &patch.phone {
                s.phone = optional_text("phone", v.clone(), 40)?;
            }
            if let Some(v) = &patch.notes {
                s.notes = optional_note("notes", v.clone(), 2000)?;
            }
            if let Some(active) = patch.active {
                s.active = active;
            }
            Ok(s)
        };
        self.store.update_supplier(venue_id, id, &apply).await?.ok_or_else(|| not_found("supplier", id))
    }

    pub async fn deactivate_supplier(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Supplier, AppError> {
        let patch = SupplierPatch { active: Some(false), ..Default::default() };
        self.update_supplier(actor, venue_id, id, patch).await
    }

    // Products

    pub async fn create_product(&self, actor: &User, venue_id: Uuid, req: NewProduct) -> Result<Product, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let now = Utc::now();
        let product = Product {
            id: Uuid::new_v4(),
            venue_id,
            category_id: req.category_id,
            supplier_id: req.supplier_id,
            name: required_text("name", &req.name, 200)?,
            sku: optional_text("sku", req.sku, 64)?,
            unit: req.unit,
            price: non_negative_money("price", req.price)?,
            cost: req.cost.map(|c| non_negative_money("cost", c)).transpose()?,
            track_stock: req.track_stock.unwrap_or(true),
            min_stock: req.min_stock.map(|q| non_negative_qty("min_stock", q)).transpose()?,
            attributes: attributes(req.attributes.unwrap_or_default())?,
            active: true,
            created_at: now,
            updated_at: now,
        };
        self.store.create_product(&product).await
    }

    pub async fn list_products(
        &self,
        actor: &User,
        venue_id: Uuid,
        filter: ProductFilter,
        page: Page,
    ) -> Result<Vec<Product>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        filter_text("q", filter.q.as_deref())?;
        self.store.list_products(venue_id, &filter, page).await
    }

    pub async fn get_product(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Product, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.get_product(venue_id, id).await?.ok_or_else(|| not_found("product", id))
    }

    pub async fn update_product(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        patch: ProductPatch,
    ) -> Result<Product, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let apply = move |mut p: Product| {
            if let Some(name) = &patch.name {
                p.name = required_text("name", name, 200)?;
            }
            if let Some(unit) = patch.unit {
                p.unit = unit;
            }
            if let Some(price) = patch.price {
                p.price = non_negative_money("price", price)?;
            }
            if let Some(sku) = &patch.sku {
                p.sku = optional_text("sku", sku.clone(), 64)?;
            }
            if let Some(cost) = patch.cost {
                p.cost = cost.map(|c| non_negative_money("cost", c)).transpose()?;
            }
            if let Some(category_id) = patch.category_id {
                p.category_id = category_id;
            }
            if let Some(supplier_id) = patch.supplier_id {
                p.supplier_id = supplier_id;
            }
            if let Some(track) = patch.track_stock {
                p.track_stock = track;
            }
            if let Some(min) = patch.min_stock {
                p.min_stock = min.map(|q| non_negative_qty("min_stock", q)).transpose()?;
            }
            if let Some(given) = &patch.attributes {
                p.attributes = attributes(given.clone())?;
            }
            if let Some(active) = patch.active {
                p.active = active;
            }
            Ok(p)
        };
        self.store.update_product(venue_id, id, &apply).await?.ok_or_else(|| not_found("product", id))
    }

    /// Deactivates: the product leaves the menu, its lots and movements stay.
    pub async fn deactivate_product(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Product, AppError> {
        let patch = ProductPatch { active: Some(false), ..Default::default() };
        self.update_product(actor, venue_id, id, patch).await
    }

    // Lots

    /// Receives a lot: the lot and its `IN` movement, in one transaction.
    pub async fn receive_lot(&self, actor: &User, venue_id: Uuid, req: NewLot) -> Result<Lot, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        if !req.qty_init.is_positive() {
            return Err(AppError::bad_request("qty_init: must be greater than 0")
                .keyed("err-positive", [("field", "qty_init".to_owned())]));
        }
        let now = Utc::now();
        let lot = Lot {
            id: Uuid::new_v4(),
            venue_id,
            product_id: req.product_id,
            supplier_id: req.supplier_id,
            lot_code: required_text("lot_code", &req.lot_code, 64)?,
            qty_init: req.qty_init,
            qty_current: req.qty_init,
            unit: req.unit,
            cost_per_unit: req.cost_per_unit.map(|c| non_negative_money("cost_per_unit", c)).transpose()?,
            expiry_date: req.expiry_date,
            storage_location: optional_text("storage_location", req.storage_location, 100)?,
            notes: optional_note("notes", req.notes, 2000)?,
            received_at: req.received_at.unwrap_or(now),
            created_at: now,
            updated_at: now,
        };
        let movement = NewMovement {
            id: Uuid::new_v4(),
            quantity: lot.qty_init,
            movement_type: MovementType::In,
            reference_id: Some(lot.id),
            reason: Some("lot received".into()),
            created_by: Some(actor.id),
        };
        self.store.receive_lot(&lot, &movement).await
    }

    pub async fn list_lots(
        &self,
        actor: &User,
        venue_id: Uuid,
        filter: LotFilter,
        page: Page,
    ) -> Result<Vec<Lot>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.list_lots(venue_id, &filter, page).await
    }

    pub async fn get_lot(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Lot, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.get_lot(venue_id, id).await?.ok_or_else(|| not_found("lot", id))
    }

    /// Only the storage location, expiry date and notes change; quantities change by movements.
    pub async fn update_lot(&self, actor: &User, venue_id: Uuid, id: Uuid, patch: LotPatch) -> Result<Lot, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let apply = move |mut l: Lot| {
            if let Some(v) = &patch.storage_location {
                l.storage_location = optional_text("storage_location", v.clone(), 100)?;
            }
            if let Some(v) = patch.expiry_date {
                l.expiry_date = v;
            }
            if let Some(v) = &patch.notes {
                l.notes = optional_note("notes", v.clone(), 2000)?;
            }
            Ok(l)
        };
        self.store.update_lot(venue_id, id, &apply).await?.ok_or_else(|| not_found("lot", id))
    }

    /// A counted correction (`ADJUST`, either sign) or waste (`WASTE`, negative).
    pub async fn adjust_lot(
        &self,
        actor: &User,
        venue_id: Uuid,
        id: Uuid,
        req: AdjustRequest,
    ) -> Result<Lot, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        if req.quantity == Qty::ZERO {
            return Err(AppError::bad_request("quantity: must not be 0")
                .keyed("err-positive", [("field", "quantity".to_owned())]));
        }
        match req.movement_type {
            MovementType::Adjust => {}
            MovementType::Waste if req.quantity < Qty::ZERO => {}
            MovementType::Waste => {
                return Err(AppError::bad_request("quantity: waste removes stock, so it must be negative")
                    .keyed("err-waste-sign", []));
            }
            MovementType::In | MovementType::Out => {
                return Err(AppError::bad_request(
                    "movement_type: must be ADJUST or WASTE (IN comes from receiving a lot, OUT from serving)",
                ));
            }
        }
        let movement = NewMovement {
            id: Uuid::new_v4(),
            quantity: req.quantity,
            movement_type: req.movement_type,
            reference_id: None,
            reason: Some(required_note("reason", &req.reason, 500)?),
            created_by: Some(actor.id),
        };
        self.store.adjust_lot(venue_id, id, &movement).await?.ok_or_else(|| not_found("lot", id))
    }

    /// Records what is left of an expired lot as waste, in one step (expired: its expiry date
    /// is before the venue's local date, so FEFO never serves it). 409 for a lot that has not
    /// expired or has nothing left.
    pub async fn waste_expired_lot(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<Lot, AppError> {
        authorize(actor, venue_id, Action::InventoryWrite)?;
        let today = self.venue_today(venue_id).await?;
        let lot = self.store.get_lot(venue_id, id).await?.ok_or_else(|| not_found("lot", id))?;
        if lot.expiry_date.is_none_or(|d| d >= today) {
            return Err(AppError::conflict(format!("lot `{}` has not expired", lot.lot_code))
                .keyed("err-lot-not-expired", [("lot", lot.lot_code.clone())]));
        }
        if !lot.qty_current.is_positive() {
            return Err(AppError::conflict(format!("lot `{}` has nothing left", lot.lot_code))
                .keyed("err-lot-empty", [("lot", lot.lot_code.clone())]));
        }
        let req = AdjustRequest {
            quantity: -lot.qty_current,
            reason: format!("expired on {}", lot.expiry_date.map(|d| d.to_string()).unwrap_or_default()),
            movement_type: MovementType::Waste,
        };
        self.adjust_lot(actor, venue_id, id, req).await
    }

    pub async fn list_movements(
        &self,
        actor: &User,
        venue_id: Uuid,
        filter: MovementFilter,
        page: Page,
    ) -> Result<Vec<Movement>, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        self.store.list_movements(venue_id, &filter, page).await
    }

    /// What serving `quantity` would take from which lots; writes nothing.
    pub async fn fefo_preview(&self, actor: &User, venue_id: Uuid, req: FefoRequest) -> Result<FefoPreview, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        if !req.quantity.is_positive() {
            return Err(AppError::bad_request("quantity: must be greater than 0")
                .keyed("err-positive", [("field", "quantity".to_owned())]));
        }
        let today = self.venue_today(venue_id).await?;
        let (_, lots) = self
            .store
            .fefo_candidates(venue_id, req.product_id)
            .await?
            .ok_or_else(|| not_found("product", req.product_id))?;
        let plan = plan_fefo(&lots, req.quantity, today);
        Ok(FefoPreview {
            product_id: req.product_id,
            quantity: req.quantity,
            allocations: plan.allocations,
            sufficient: plan.sufficient,
            available: plan.available,
        })
    }

    pub async fn stock_summary(
        &self,
        actor: &User,
        venue_id: Uuid,
        days: Option<u32>,
    ) -> Result<StockSummary, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        let days = days.unwrap_or(3);
        if days > MAX_SUMMARY_DAYS {
            return Err(AppError::bad_request(format!("days: must be between 0 and {MAX_SUMMARY_DAYS}")));
        }
        let today = self.venue_today(venue_id).await?;
        let (products, lots) = self.store.stock_snapshot(venue_id).await?;
        Ok(summarize(&products, &lots, today, days, Utc::now()))
    }

    /// Every movement of a lot, oldest first, for a food-safety recall.
    pub async fn trace_lot(&self, actor: &User, venue_id: Uuid, id: Uuid) -> Result<LotTrace, AppError> {
        authorize(actor, venue_id, Action::InventoryRead)?;
        let history = self.store.lot_history(venue_id, id).await?.ok_or_else(|| not_found("lot", id))?;
        let order_ids: Vec<Uuid> = history
            .movements
            .iter()
            .filter(|m| m.reference_type == ReferenceType::Order)
            .filter_map(|m| m.reference_id)
            .collect();
        let refs = self.store.order_refs(venue_id, &order_ids).await?;
        let movements = history
            .movements
            .into_iter()
            .map(|movement| {
                let order = movement
                    .reference_id
                    .filter(|_| movement.reference_type == ReferenceType::Order)
                    .and_then(|id| refs.iter().find(|r| r.order_id == id));
                TraceEntry {
                    order_id: order.map(|r| r.order_id),
                    order_number: order.map(|r| r.order_number.clone()),
                    table_name: order.and_then(|r| r.table_name.clone()),
                    movement,
                }
            })
            .collect();
        Ok(LotTrace { lot: history.lot, product_name: history.product_name, movements })
    }
}
