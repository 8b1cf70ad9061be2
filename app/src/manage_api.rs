//! Server functions of the manager's screens (overview, menu, stock, staff, alerts). Each is a
//! thin wrapper over the use case the REST API calls; what they add is only the screens' own
//! shape: a form's text fields read as numbers in either decimal separator, several lists in one
//! answer.

use crate::error::UiError;
use beerflow_core::domain::inventory::{Category, FefoPreview, Lot, Product, Supplier, Unit};
use beerflow_core::domain::stock::StockSummary;
use beerflow_core::domain::table::TableStatus;
use beerflow_core::domain::{Qty, Role, User};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The menu as the manager edits it: every category, supplier and product, active or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub categories: Vec<Category>,
    pub suppliers: Vec<Supplier>,
    pub products: Vec<Product>,
}

#[server]
pub async fn load_catalog() -> Result<Catalog, UiError> {
    use beerflow_core::store::{Page, inventory::ProductFilter};
    let (services, user) = crate::api::ssr::context().await?;
    let page = Page { limit: 1000, offset: 0 };
    let (v, s) = (user.venue_id, &services);
    Ok(Catalog {
        categories: s.list_categories(&user, v, None, page).await?,
        suppliers: s.list_suppliers(&user, v, None, page).await?,
        products: s.list_products(&user, v, ProductFilter::default(), page).await?,
    })
}

/// A category as its form sends it (`id: None`: a new one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryForm {
    pub id: Option<Uuid>,
    pub name: String,
    pub sort_order: String,
    pub station: String,
    pub active: bool,
}

#[server(input = Json)]
pub async fn save_category(form: CategoryForm) -> Result<Category, UiError> {
    use beerflow_core::domain::inventory::{CategoryPatch, NewCategory};
    let (services, user) = crate::api::ssr::context().await?;
    let sort_order = ssr::whole("sort_order", &form.sort_order)?;
    let station = Some(form.station).filter(|s| !s.trim().is_empty());
    Ok(match form.id {
        None => {
            services.create_category(&user, user.venue_id, NewCategory { name: form.name, sort_order, station }).await?
        }
        Some(id) => {
            let patch = CategoryPatch {
                name: Some(form.name),
                sort_order: Some(sort_order),
                station,
                active: Some(form.active),
            };
            services.update_category(&user, user.venue_id, id, patch).await?
        }
    })
}

/// A supplier as its form sends it (`id: None`: a new one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupplierForm {
    pub id: Option<Uuid>,
    pub name: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
}

#[server(input = Json)]
pub async fn save_supplier(form: SupplierForm) -> Result<Supplier, UiError> {
    use beerflow_core::domain::inventory::{NewSupplier, SupplierPatch};
    let (services, user) = crate::api::ssr::context().await?;
    let blank = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    Ok(match form.id {
        None => {
            let req = NewSupplier {
                name: form.name,
                contact_name: blank(form.contact_name),
                email: blank(form.email),
                phone: blank(form.phone),
                notes: None,
            };
            services.create_supplier(&user, user.venue_id, req).await?
        }
        Some(id) => {
            let patch = SupplierPatch {
                name: Some(form.name),
                contact_name: Some(blank(form.contact_name)),
                email: Some(blank(form.email)),
                phone: Some(blank(form.phone)),
                notes: None,
                active: Some(form.active),
            };
            services.update_supplier(&user, user.venue_id, id, patch).await?
        }
    })
}

/// What `set_active` switches on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    Category,
    Supplier,
    Product,
}

/// Deactivates (history stays; a product leaves the menu) or reactivates an entry of the menu.
#[server]
pub async fn set_active(kind: CatalogKind, id: Uuid, active: bool) -> Result<(), UiError> {
    use beerflow_core::domain::inventory::{CategoryPatch, ProductPatch, SupplierPatch};
    let (services, user) = crate::api::ssr::context().await?;
    let v = user.venue_id;
    match kind {
        CatalogKind::Category => {
            services
                .update_category(&user, v, id, CategoryPatch { active: Some(active), ..Default::default() })
                .await?;
        }
        CatalogKind::Supplier => {
            services
                .update_supplier(&user, v, id, SupplierPatch { active: Some(active), ..Default::default() })
                .await?;
        }
        CatalogKind::Product => {
            services.update_product(&user, v, id, ProductPatch { active: Some(active), ..Default::default() }).await?;
        }
    }
    Ok(())
}

/// A product as its form sends it (`id: None`: a new one); amounts as typed (`12,50` or `12.50`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductForm {
    pub id: Option<Uuid>,
    pub name: String,
    pub sku: String,
    pub unit: Unit,
    pub price: String,
    pub cost: String,
    pub category_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub track_stock: bool,
    pub min_stock: String,
    pub active: bool,
}

#[server(input = Json)]
pub async fn save_product(form: ProductForm) -> Result<Product, UiError> {
    use beerflow_core::domain::inventory::{NewProduct, ProductPatch};
    let (services, user) = crate::api::ssr::context().await?;
    let price = ssr::money("price", &form.price)?.ok_or_else(|| ssr::required("price"))?;
    let cost = ssr::money("cost", &form.cost)?;
    let min_stock = ssr::qty("min_stock", &form.min_stock)?;
    let sku = Some(form.sku).filter(|s| !s.trim().is_empty());
    Ok(match form.id {
        None => {
            let req = NewProduct {
                name: form.name,
                unit: form.unit,
                price,
                sku,
                cost,
                category_id: form.category_id,
                supplier_id: form.supplier_id,
                track_stock: Some(form.track_stock),
                min_stock,
                attributes: None,
            };
            services.create_product(&user, user.venue_id, req).await?
        }
        Some(id) => {
            let patch = ProductPatch {
                name: Some(form.name),
                unit: Some(form.unit),
                price: Some(price),
                sku: Some(sku),
                cost: Some(cost),
                category_id: Some(form.category_id),
                supplier_id: Some(form.supplier_id),
                track_stock: Some(form.track_stock),
                min_stock: Some(min_stock),
                attributes: None,
                active: Some(form.active),
            };
            services.update_product(&user, user.venue_id, id, patch).await?
        }
    })
}

/// The stock screen's board: the summary (on hand, expiring within the window, expired) and
/// every lot with stock left. Reloaded as the venue's stock moves; the receiving form's choices
/// come from `load_catalog`, once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StockBoard {
    pub summary: StockSummary,
    pub lots: Vec<Lot>,
}

#[server]
pub async fn load_stock() -> Result<StockBoard, UiError> {
    use beerflow_core::store::{Page, inventory::LotFilter};
    let (services, user) = crate::api::ssr::context().await?;
    let v = user.venue_id;
    let lots = LotFilter { available: Some(true), ..Default::default() };
    Ok(StockBoard {
        summary: services.stock_summary(&user, v, None).await?,
        lots: services.list_lots(&user, v, lots, Page { limit: 5000, offset: 0 }).await?,
    })
}

/// A delivered lot as the receiving form sends it; quantities and money as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LotForm {
    pub product_id: Option<Uuid>,
    pub lot_code: String,
    pub quantity: String,
    pub unit: Unit,
    pub cost_per_unit: String,
    pub expiry_date: Option<chrono::NaiveDate>,
    pub storage_location: String,
    pub supplier_id: Option<Uuid>,
}

/// Receives a lot (`POST .../lots`'s use case: the lot and its `IN` movement).
#[server(input = Json)]
pub async fn receive(form: LotForm) -> Result<Lot, UiError> {
    use beerflow_core::domain::inventory::NewLot;
    let (services, user) = crate::api::ssr::context().await?;
    let req = NewLot {
        product_id: form.product_id.ok_or_else(|| ssr::required("product_id"))?,
        lot_code: form.lot_code,
        qty_init: ssr::qty("qty_init", &form.quantity)?.ok_or_else(|| ssr::required("qty_init"))?,
        unit: form.unit,
        cost_per_unit: ssr::money("cost_per_unit", &form.cost_per_unit)?,
        expiry_date: form.expiry_date,
        storage_location: Some(form.storage_location).filter(|s| !s.trim().is_empty()),
        supplier_id: form.supplier_id,
        received_at: None,
        notes: None,
    };
    Ok(services.receive_lot(&user, user.venue_id, req).await?)
}

/// Waste (`waste`: the quantity is taken off) or a counted correction (signed) of a lot, with a
/// reason (`POST .../lots/{id}/adjust`'s use case).
#[server]
pub async fn adjust(lot_id: Uuid, quantity: String, reason: String, waste: bool) -> Result<Lot, UiError> {
    use beerflow_core::domain::inventory::{AdjustRequest, MovementType};
    let (services, user) = crate::api::ssr::context().await?;
    let mut qty = ssr::signed_qty("quantity", &quantity)?.ok_or_else(|| ssr::required("quantity"))?;
    let movement_type = if waste { MovementType::Waste } else { MovementType::Adjust };
    if waste && qty > Qty::ZERO {
        // The form asks how much was thrown away.
        qty = -qty;
    }
    Ok(services
        .adjust_lot(&user, user.venue_id, lot_id, AdjustRequest { quantity: qty, reason, movement_type })
        .await?)
}

/// Records what is left of an expired lot as waste, in one step.
#[server]
pub async fn waste_expired(lot_id: Uuid) -> Result<Lot, UiError> {
    let (services, user) = crate::api::ssr::context().await?;
    Ok(services.waste_expired_lot(&user, user.venue_id, lot_id).await?)
}

/// What serving `portions` of a product would take from which lots (nothing is written).
#[server]
pub async fn fefo_next(product_id: Uuid, portions: String) -> Result<FefoPreview, UiError> {
    use beerflow_core::domain::inventory::FefoRequest;
    let (services, user) = crate::api::ssr::context().await?;
    let quantity = ssr::qty("quantity", &portions)?.ok_or_else(|| ssr::required("quantity"))?;
    Ok(services.fefo_preview(&user, user.venue_id, FefoRequest { product_id, quantity }).await?)
}

/// A new staff account (admins).
#[server]
pub async fn create_staff(name: String, email: String, role: Role, password: String) -> Result<User, UiError> {
    use beerflow_core::domain::NewUserRequest;
    let (services, user) = crate::api::ssr::context().await?;
    Ok(services.create_user(&user, user.venue_id, NewUserRequest { email, name, role, password }).await?)
}

/// Deactivates a staff account (admins): it cannot sign in any more, its sessions end.
#[server]
pub async fn deactivate_staff(user_id: Uuid) -> Result<User, UiError> {
    let (services, user) = crate::api::ssr::context().await?;
    Ok(services.deactivate_user(&user, user.venue_id, user_id).await?)
}

/// Sets a new password for a staff account (admins).
#[server]
pub async fn reset_staff_password(user_id: Uuid, password: String) -> Result<User, UiError> {
    let (services, user) = crate::api::ssr::context().await?;
    Ok(services.reset_password(&user, user.venue_id, user_id, &password).await?)
}

/// A `stock_alert` or `kitchen_alert` of the venue, as the screens list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub seq: i64,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "beerflow_core::domain::timestamp::utc"))]
    pub at: chrono::DateTime<chrono::Utc>,
    /// `stock_alert` or `kitchen_alert`.
    pub event: String,
    /// A stock alert's product, kind (`low`, `expiring`, `expired`) and what is left.
    pub product_name: Option<String>,
    pub kind: Option<String>,
    pub qty_on_hand: Option<Qty>,
    /// A kitchen alert's message and priority (`low`, `normal`, `high`).
    pub message: Option<String>,
    pub priority: Option<String>,
    /// A stock alert's lot (`expiring`, `expired`): its code, expiry date and what is left in it.
    pub lot_code: Option<String>,
    pub expiry_date: Option<chrono::NaiveDate>,
    pub lot_qty: Option<Qty>,
    /// A stock alert's unit (`pz`, `kg`, ...), for its quantities.
    pub unit: Option<String>,
    /// A kitchen alert's reason (`ticket_late`, `slow_operation`) and its particulars.
    pub code: Option<String>,
    pub order_number: Option<String>,
    pub table_name: Option<String>,
    pub minutes: Option<i64>,
    pub operation: Option<String>,
    pub duration_ms: Option<u64>,
}

impl Alert {
    /// The alert of a venue event (`None` for other events), from its JSON as the log and the
    /// live feed carry it.
    pub fn from_event(
        seq: i64,
        event: &str,
        data: &serde_json::Value,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<Alert> {
        if event != "stock_alert" && event != "kitchen_alert" {
            return None;
        }
        let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let qty = |k: &str| data.get(k).and_then(|v| Qty::parse(&v.to_string()).ok());
        Some(Alert {
            seq,
            at,
            event: event.to_owned(),
            product_name: text("product_name"),
            kind: text("kind"),
            qty_on_hand: qty("qty_on_hand"),
            message: text("message"),
            priority: text("priority"),
            lot_code: text("lot_code"),
            expiry_date: text("expiry_date").and_then(|d| d.parse().ok()),
            lot_qty: qty("lot_qty"),
            unit: text("unit"),
            code: text("code"),
            order_number: text("order_number"),
            table_name: text("table_name"),
            minutes: data.get("minutes").and_then(|v| v.as_i64()),
            operation: text("operation"),
            duration_ms: data.get("duration_ms").and_then(|v| v.as_u64()),
        })
    }

    /// The alert in plain words, in the screen's language (a kitchen alert of a reason this
    /// build does not know: its message as the server wrote it).
    pub fn text(&self) -> String {
        use crate::i18n::{date, number, quantity, t, ta};
        let place = || self.table_name.clone().unwrap_or_else(|| t("takeaway"));
        // With its unit when the alert says it (`30 l`), else the number alone.
        let amount = |q: Option<Qty>| match (q, &self.unit) {
            (Some(q), Some(unit)) => quantity(q, unit),
            (Some(q), None) => number(q),
            (None, _) => String::new(),
        };
        match (self.event.as_str(), self.kind.as_deref(), self.code.as_deref()) {
            ("stock_alert", Some(kind @ ("expiring" | "expired")), _) if self.lot_code.is_some() => ta(
                &format!("alert-lot-{kind}"),
                &[
                    ("product", self.product_name.clone().unwrap_or_default()),
                    ("lot", self.lot_code.clone().unwrap_or_default()),
                    ("date", self.expiry_date.map(date).unwrap_or_default()),
                    ("qty", amount(self.lot_qty)),
                ],
            ),
            ("stock_alert", kind, _) => ta(
                &format!("alert-stock-{}", kind.unwrap_or("low")),
                &[("product", self.product_name.clone().unwrap_or_default()), ("qty", amount(self.qty_on_hand))],
            ),
            (_, _, Some("ticket_late")) => ta(
                "alert-ticket-late",
                &[
                    ("order", self.order_number.clone().unwrap_or_default()),
                    ("place", place()),
                    ("minutes", self.minutes.unwrap_or_default().to_string()),
                ],
            ),
            (_, _, Some("slow_operation")) => {
                let ms = self.duration_ms.unwrap_or_default();
                let took = if ms < 1000 {
                    format!("{ms} ms")
                } else {
                    format!("{} s", number(Qty::from_raw((ms as i64 / 100) * 100)))
                };
                ta("alert-slow", &[("took", took), ("operation", self.operation.clone().unwrap_or_default())])
            }
            _ => self.message.clone().unwrap_or_default(),
        }
    }
}

/// The venue's latest alerts, newest first.
#[server]
pub async fn recent_alerts(limit: i64) -> Result<Vec<Alert>, UiError> {
    let (services, user) = crate::api::ssr::context().await?;
    Ok(ssr::alerts(&services, &user, limit).await?)
}

/// The kitchen now, as `/health` counts it, for the venue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitchenNow {
    pub open_tickets: i64,
    pub late_tickets: i64,
    pub late_minutes: i32,
    pub average_preparation_minutes: Option<f64>,
}

/// The manager's overview: the room, the kitchen and the stock now, and the latest alerts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Tables by status, every status listed.
    pub tables: Vec<(TableStatus, i64)>,
    pub kitchen: KitchenNow,
    pub stock: StockSummary,
    pub alerts: Vec<Alert>,
}

#[server]
pub async fn load_overview() -> Result<Overview, UiError> {
    use beerflow_core::store::{Page, tables::TableFilter};
    let (services, user) = crate::api::ssr::context().await?;
    let v = user.venue_id;
    let tables = services.list_tables(&user, v, TableFilter::default(), Page { limit: 1000, offset: 0 }).await?;
    let counts = TableStatus::ALL.iter().map(|s| (*s, tables.iter().filter(|t| t.status == *s).count() as i64));
    let venue = services.get_venue(&user, v).await?;
    let k = services.kitchen_now(&user, v).await?;
    Ok(Overview {
        tables: counts.collect(),
        kitchen: KitchenNow {
            open_tickets: k.active_kitchen_orders,
            late_tickets: k.stuck_orders,
            late_minutes: venue.kds_late_minutes,
            average_preparation_minutes: k.average_preparation_minutes,
        },
        stock: services.stock_summary(&user, v, None).await?,
        alerts: ssr::alerts(&services, &user, 8).await?,
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use beerflow_core::AppError;
    use beerflow_core::domain::{Money, Qty, User};
    use beerflow_core::services::Services;

    /// The venue's latest `limit` alerts, newest first, as the screens list them.
    pub async fn alerts(services: &Services, user: &User, limit: i64) -> Result<Vec<super::Alert>, AppError> {
        let records = services.recent_alerts(user, user.venue_id, limit).await?;
        Ok(records.iter().filter_map(|r| super::Alert::from_event(r.seq, &r.event, &r.data, r.ts)).collect())
    }

    pub fn required(field: &str) -> AppError {
        AppError::bad_request(format!("{field}: is required")).keyed("err-required", [("field", field.to_owned())])
    }

    fn not_a_number(field: &str) -> AppError {
        AppError::bad_request(format!("{field}: must be a number like 12.50"))
            .keyed("err-number", [("field", field.to_owned())])
    }

    /// A number as typed in a form: trimmed, a comma taken as the decimal separator.
    fn typed(text: &str) -> Option<String> {
        let t = text.trim().replace(',', ".");
        (!t.is_empty()).then_some(t)
    }

    /// An amount of money, or `None` for a blank field.
    pub fn money(field: &str, text: &str) -> Result<Option<Money>, AppError> {
        typed(text).map(|t| Money::parse(&t).map_err(|_| not_a_number(field))).transpose()
    }

    /// A quantity (not negative: a minus is refused as the use case would), or `None` when blank.
    pub fn qty(field: &str, text: &str) -> Result<Option<Qty>, AppError> {
        match signed_qty(field, text)? {
            Some(q) if q < Qty::ZERO => Err(AppError::bad_request(format!("{field}: must not be negative"))
                .keyed("err-negative", [("field", field.to_owned())])),
            q => Ok(q),
        }
    }

    pub fn signed_qty(field: &str, text: &str) -> Result<Option<Qty>, AppError> {
        typed(text).map(|t| Qty::parse(&t).map_err(|_| not_a_number(field))).transpose()
    }

    /// A whole number; blank is 0.
    pub fn whole(field: &str, text: &str) -> Result<i32, AppError> {
        match text.trim() {
            "" => Ok(0),
            t => t.parse().map_err(|_| {
                AppError::bad_request(format!("{field}: must be a whole number"))
                    .keyed("err-whole", [("field", field.to_owned())])
            }),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn form_numbers_take_either_decimal_separator_and_name_the_field() {
        assert_eq!(ssr::money("price", " 12,50 ").unwrap().map(|m| m.raw()), Some(1250));
        assert_eq!(ssr::money("price", "12.5").unwrap().map(|m| m.raw()), Some(1250));
        assert_eq!(ssr::money("cost", "").unwrap(), None);
        let e = ssr::money("price", "12,5,0").unwrap_err();
        assert!(e.to_string().starts_with("price: "), "{e}");
        assert_eq!(ssr::qty("qty_init", "2,250").unwrap(), Some(Qty::from_raw(2_250)));
        assert!(ssr::qty("qty_init", "-1").unwrap_err().to_string().starts_with("qty_init: "));
        assert_eq!(ssr::signed_qty("quantity", "-1,5").unwrap(), Some(Qty::from_raw(-1_500)));
        assert_eq!(ssr::whole("sort_order", "").unwrap(), 0);
        assert!(ssr::whole("sort_order", "1.5").unwrap_err().to_string().starts_with("sort_order: "));
    }

    #[test]
    fn only_alert_events_are_alerts() {
        let at = chrono::Utc::now();
        let data =
            serde_json::json!({"product_id": Uuid::nil(), "product_name": "IPA", "kind": "low", "qty_on_hand": 2.5});
        let a = Alert::from_event(7, "stock_alert", &data, at).unwrap();
        assert_eq!((a.product_name.as_deref(), a.kind.as_deref()), (Some("IPA"), Some("low")));
        assert_eq!(a.qty_on_hand, Some(Qty::from_raw(2_500)));
        let k = Alert::from_event(8, "kitchen_alert", &serde_json::json!({"message": "slow", "priority": "high"}), at);
        assert_eq!(k.and_then(|k| k.priority), Some("high".to_owned()));
        assert_eq!(Alert::from_event(9, "order_created", &data, at), None);
    }
}
