//! Server functions of the UI. Each one is a thin wrapper: it finds the session's user and calls
//! the same use case the REST API calls. Errors are the use case's own (`UiError`), answered
//! with the REST API's status codes.

use crate::error::UiError;
use crate::i18n::PageLocale;
use beerflow_core::domain::order::{KitchenOrder, Order, OrderStatus};
use beerflow_core::domain::table::{Table, TableStatus};
use beerflow_core::domain::{Role, User};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the UI knows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The language the user chose (`None`: the venue's).
    pub language_choice: Option<String>,
    /// The language and the venue's format the user's screens are in.
    pub locale: PageLocale,
}

/// Where each role lands after login.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Manager => "/manager",
        Role::Waiter => "/waiter",
        Role::Kitchen => "/kitchen",
    }
}

/// The user of the browser session, if signed in and still active.
#[server]
pub async fn current_user() -> Result<Option<SessionUser>, UiError> {
    let services = ssr::services()?;
    match ssr::session_user(&ssr::session().await?, &services).await? {
        Some(user) => Ok(Some(ssr::session_view(&services, user).await?)),
        None => Ok(None),
    }
}

/// Switches the screens' language: kept with the signed-in user (the next screens and devices
/// speak it too), or, before signing in, in a cookie of this browser.
#[server]
pub async fn set_language(language: String) -> Result<String, UiError> {
    use beerflow_core::AppError;
    use beerflow_core::domain::language::{LANGUAGES, supported};
    let services = ssr::services()?;
    match ssr::session_user(&ssr::session().await?, &services).await? {
        Some(user) => {
            let user = services.set_my_language(&user, Some(&language)).await?;
            Ok(user.language.unwrap_or(language))
        }
        None => {
            let lang = supported(&language).ok_or_else(|| {
                AppError::bad_request(format!("language: `{language}` is not one of {}", LANGUAGES.join(", ")))
                    .keyed("err-language", [("language", language.clone()), ("languages", LANGUAGES.join(", "))])
            })?;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            let cookie = format!("{}={lang}; Path=/; Max-Age=31536000; SameSite=Lax", crate::i18n::LANG_COOKIE);
            if let Ok(value) = axum::http::HeaderValue::from_str(&cookie) {
                response.append_header(axum::http::header::SET_COOKIE, value);
            }
            Ok(lang.to_owned())
        }
    }
}

/// The venue's language, money and time, as a manager sets them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueConfig {
    pub language: String,
    pub currency: String,
    pub locale: String,
    pub timezone: String,
}

#[server]
pub async fn venue_settings() -> Result<VenueConfig, UiError> {
    let (services, user) = ssr::context().await?;
    let v = services.get_venue(&user, user.venue_id).await?;
    Ok(VenueConfig { language: v.language, currency: v.currency, locale: v.locale, timezone: v.timezone })
}

/// Sets the venue's language, currency, locale and time zone (managers and admins); answers
/// the user's screens' new locale.
#[server]
pub async fn save_venue_settings(
    language: String,
    currency: String,
    locale: String,
    timezone: String,
) -> Result<PageLocale, UiError> {
    use beerflow_core::domain::VenuePatch;
    let (services, user) = ssr::context().await?;
    let patch = VenuePatch {
        language: Some(language),
        currency: Some(currency),
        locale: Some(locale),
        timezone: Some(timezone),
        ..Default::default()
    };
    services.update_venue(&user, user.venue_id, patch).await?;
    Ok(ssr::session_view(&services, user).await?.locale)
}

/// Checks the credentials, starts a session (HttpOnly cookie) and goes to the role's home.
#[server]
pub async fn login(email: String, password: String) -> Result<(), UiError> {
    use beerflow_core::services::LoginRequest;
    let services = ssr::services()?;
    // Where the request came from (behind a trusted proxy: the client it names).
    let client = leptos_axum::extract::<axum::Extension<beerflow_core::auth::ClientAddr>>().await.ok().map(|c| c.0.0);
    let response = services.login(&LoginRequest { email, password }, client).await?;
    let session = ssr::session().await?;
    // A new id on login, so a session id planted before login is worthless.
    session.cycle_id().await.map_err(ssr::session_failed)?;
    session.insert(ssr::USER_KEY, response.user.id).await.map_err(ssr::session_failed)?;
    leptos_axum::redirect(home_path(response.user.role));
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), UiError> {
    ssr::session().await?.flush().await.map_err(ssr::session_failed)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The venue's staff, for admins and managers.
#[server]
pub async fn list_staff() -> Result<Vec<User>, UiError> {
    let (services, user) = ssr::context().await?;
    Ok(services.list_users(&user, user.venue_id, Default::default()).await?)
}

/// A dish on the order pad.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MenuProduct {
    pub id: Uuid,
    pub name: String,
    pub category: String,
    pub price: String,
    /// The price in cents, for the pad's totals.
    pub price_cents: i64,
    /// The unit the dish is counted in (`pz`, `l`, ...).
    pub unit: String,
    /// For stock-tracked dishes, the whole units that can still be promised (usable stock
    /// minus what open orders will draw at serve); `None` for dishes without stock tracking.
    pub available: Option<i64>,
    /// Nothing left to promise.
    pub sold_out: bool,
}

/// One line of the order pad.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PadLine {
    pub product_id: Uuid,
    pub quantity: u32,
    pub notes: Option<String>,
    /// What the guest is allergic to: the kitchen display highlights it.
    pub allergy: Option<String>,
}

/// What the kitchen display shows: the open tickets, oldest first, and the venue's age colours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KdsBoard {
    pub tickets: Vec<KitchenOrder>,
    pub warn_minutes: i32,
    pub late_minutes: i32,
}

#[server]
pub async fn kitchen_board() -> Result<KdsBoard, UiError> {
    let (services, user) = ssr::context().await?;
    let venue = services.get_venue(&user, user.venue_id).await?;
    let tickets = services.kitchen_display(&user, user.venue_id).await?;
    Ok(KdsBoard { tickets, warn_minutes: venue.kds_warn_minutes, late_minutes: venue.kds_late_minutes })
}

/// The venue's kitchen age thresholds (minutes to amber, minutes to red).
#[server]
pub async fn kitchen_settings() -> Result<(i32, i32), UiError> {
    let (services, user) = ssr::context().await?;
    let venue = services.get_venue(&user, user.venue_id).await?;
    Ok((venue.kds_warn_minutes, venue.kds_late_minutes))
}

/// Sets when kitchen tickets turn amber and red (managers and admins).
#[server]
pub async fn save_kitchen_settings(warn_minutes: i32, late_minutes: i32) -> Result<(i32, i32), UiError> {
    use beerflow_core::domain::VenuePatch;
    let (services, user) = ssr::context().await?;
    let patch =
        VenuePatch { kds_warn_minutes: Some(warn_minutes), kds_late_minutes: Some(late_minutes), ..Default::default() };
    let venue = services.update_venue(&user, user.venue_id, patch).await?;
    Ok((venue.kds_warn_minutes, venue.kds_late_minutes))
}

/// Moves an order to `status` (start, ready, served, completed...), by the rules of the API.
#[server]
pub async fn set_order_status(order_id: Uuid, status: OrderStatus) -> Result<Order, UiError> {
    use beerflow_core::domain::order::StatusRequest;
    let (services, user) = ssr::context().await?;
    Ok(services.change_order_status(&user, user.venue_id, order_id, StatusRequest { status, reason: None }).await?)
}

/// The venue's tables, by area and name (the store's order).
#[server]
pub async fn floor() -> Result<Vec<Table>, UiError> {
    use beerflow_core::store::{Page, tables::TableFilter};
    let (services, user) = ssr::context().await?;
    Ok(services.list_tables(&user, user.venue_id, TableFilter::default(), Page { limit: 1000, offset: 0 }).await?)
}

/// The floor plan as an editor starts from it: every table and the plan's version.
#[server]
pub async fn floor_layout() -> Result<beerflow_core::domain::table::Layout, UiError> {
    let (services, user) = ssr::context().await?;
    Ok(services.layout(&user, user.venue_id).await?)
}

/// A table as the floor-plan editor saves it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanTable {
    /// `None`: a table added in the editor.
    pub id: Option<Uuid>,
    pub name: String,
    pub seats: i32,
    pub area: Option<String>,
    pub position: beerflow_core::domain::table::Position,
}

/// One save of the floor-plan editor: the tables changed or added, the ones removed, over the
/// plan's version the editor loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSave {
    pub layout_version: i64,
    pub tables: Vec<PlanTable>,
    pub delete: Vec<Uuid>,
}

/// Saves the floor plan in one change (the REST API's `PATCH /tables/layout` use case); the
/// plan's new version.
#[server(input = Json)]
pub async fn save_floor_layout(save: PlanSave) -> Result<i64, UiError> {
    use beerflow_core::domain::table::{LayoutEntry, LayoutRequest, NewTable};
    let (services, user) = ssr::context().await?;
    let mut req = LayoutRequest {
        tables: Vec::new(),
        layout_version: Some(save.layout_version),
        create: Vec::new(),
        delete: save.delete,
    };
    for t in save.tables {
        match t.id {
            Some(id) => req.tables.push(LayoutEntry {
                id,
                position_json: t.position,
                area: Some(t.area),
                name: Some(t.name),
                seats: Some(t.seats),
            }),
            None => req.create.push(NewTable {
                name: t.name,
                seats: t.seats,
                area: t.area,
                position_json: Some(t.position),
            }),
        }
    }
    let (_, version) = services.update_layout(&user, user.venue_id, req).await?;
    Ok(version)
}

/// The active menu, by category, each stock-tracked dish with the portions that can still be
/// promised (sold out at zero).
#[server]
pub async fn menu() -> Result<Vec<MenuProduct>, UiError> {
    use beerflow_core::store::{Page, inventory::ProductFilter};
    use std::collections::HashMap;
    let (services, user) = ssr::context().await?;
    let page = Page { limit: 1000, offset: 0 };
    let categories = services.list_categories(&user, user.venue_id, Some(true), page).await?;
    let filter = ProductFilter { active: Some(true), ..Default::default() };
    let products = services.list_products(&user, user.venue_id, filter, page).await?;
    let promise = services.available_to_promise(&user, user.venue_id).await?;
    // Whole portions (a fraction of a portion cannot be served).
    let portions: HashMap<Uuid, i64> =
        promise.iter().map(|p| (p.product_id, p.available.raw().div_euclid(1000))).collect();
    let category: HashMap<Uuid, (i32, &str)> =
        categories.iter().map(|c| (c.id, (c.sort_order, c.name.as_str()))).collect();
    let mut menu: Vec<(i32, MenuProduct)> = products
        .iter()
        .map(|p| {
            let (order, name) = p.category_id.and_then(|id| category.get(&id).copied()).unwrap_or((i32::MAX, "Other"));
            let available = p.track_stock.then(|| portions.get(&p.id).copied().unwrap_or(0));
            let item = MenuProduct {
                id: p.id,
                name: p.name.clone(),
                unit: p.unit.as_str().to_owned(),
                category: name.to_owned(),
                price: format!("{:.2}", p.price.to_f64()),
                price_cents: p.price.raw(),
                available,
                sold_out: available.is_some_and(|n| n <= 0),
            };
            (order, item)
        })
        .collect();
    menu.sort_by(|(a, x), (b, y)| (a, &x.category, &x.name).cmp(&(b, &y.category, &y.name)));
    Ok(menu.into_iter().map(|(_, item)| item).collect())
}

/// The open orders of a table (or, without one, the open takeaway orders), newest first.
#[server]
pub async fn open_orders(table_id: Option<Uuid>) -> Result<Vec<Order>, UiError> {
    use OrderStatus::*;
    use beerflow_core::store::{Page, orders::OrderFilter};
    let (services, user) = ssr::context().await?;
    let statuses = vec![Draft, Confirmed, Preparing, Ready, Served];
    let filter = OrderFilter { statuses, table_id, without_table: table_id.is_none(), since: None };
    // The store lists newest first.
    Ok(services.list_orders(&user, user.venue_id, filter, Page { limit: 200, offset: 0 }).await?)
}

/// Sends the pad's lines in one tap: added to the table's order still in the kitchen's hands
/// (confirmed or preparing), else a new order, confirmed. `key` is the tap's idempotency key:
/// the same tap retried (bad Wi-Fi, a double tap, the offline queue after a reload) finds what
/// it did instead of doing it twice.
#[server(input = Json)]
pub async fn send_order(
    table_id: Option<Uuid>,
    lines: Vec<PadLine>,
    key: String,
    covers: Option<i32>,
) -> Result<Order, UiError> {
    use beerflow_core::domain::order::NewItem;
    use beerflow_core::domain::quantity::Qty;
    let (services, user) = ssr::context().await?;
    let items = lines
        .into_iter()
        .map(|l| {
            let allergy = l.allergy.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
            NewItem {
                product_id: l.product_id,
                quantity: Qty::whole(l.quantity as i64),
                notes: l.notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
                modifiers: allergy.map(|a| {
                    let mut m = serde_json::Map::new();
                    m.insert("allergy".into(), serde_json::Value::String(a));
                    m
                }),
            }
        })
        .collect();
    Ok(services.send_lines(&user, user.venue_id, table_id, items, covers, key).await?)
}

/// One ticket as the kitchen display shows it (whatever its status: a cancellation is shown).
#[server]
pub async fn kitchen_ticket(order_id: Uuid) -> Result<KitchenOrder, UiError> {
    let (services, user) = ssr::context().await?;
    Ok(services.kitchen_ticket(&user, user.venue_id, order_id).await?)
}

/// The kitchen marks one line done, or not done again.
#[server]
pub async fn set_line_done(order_id: Uuid, item_id: Uuid, done: bool) -> Result<Order, UiError> {
    use beerflow_core::domain::order::ItemDone;
    let (services, user) = ssr::context().await?;
    Ok(services.set_item_done(&user, user.venue_id, order_id, item_id, ItemDone { done }).await?)
}

/// Voids a line of an order, with a reason.
#[server]
pub async fn void_line(order_id: Uuid, item_id: Uuid, reason: String) -> Result<Order, UiError> {
    use beerflow_core::domain::order::VoidRequest;
    let (services, user) = ssr::context().await?;
    Ok(services.void_item(&user, user.venue_id, order_id, item_id, VoidRequest { reason }).await?)
}

/// Cancels an order, with a reason.
#[server]
pub async fn cancel_order(order_id: Uuid, reason: String) -> Result<Order, UiError> {
    use beerflow_core::AppError;
    use beerflow_core::domain::order::StatusRequest;
    let (services, user) = ssr::context().await?;
    if reason.trim().is_empty() {
        return Err(AppError::bad_request("reason: say why the order is cancelled").into());
    }
    let req = StatusRequest { status: OrderStatus::Cancelled, reason: Some(reason) };
    Ok(services.change_order_status(&user, user.venue_id, order_id, req).await?)
}

/// Moves an order to another table (`None`: takeaway) and/or sets its covers.
#[server(input = Json)]
pub async fn edit_order(order_id: Uuid, table_id: Option<Option<Uuid>>, covers: Option<i32>) -> Result<Order, UiError> {
    use beerflow_core::domain::order::OrderPatch;
    let (services, user) = ssr::context().await?;
    let patch = OrderPatch { table_id, covers: covers.map(Some), notes: None };
    Ok(services.update_order(&user, user.venue_id, order_id, patch).await?)
}

/// Sets a table's status (a cleaned table back to free, say).
#[server(input = Json)]
pub async fn set_table_status(table_id: Uuid, status: TableStatus) -> Result<Table, UiError> {
    let (services, user) = ssr::context().await?;
    Ok(services.set_table_status(&user, user.venue_id, table_id, status).await?)
}

/// Orders ready to be served, oldest first: the waiter's "ready to serve" notice.
#[server]
pub async fn ready_orders() -> Result<Vec<Order>, UiError> {
    use beerflow_core::store::{Page, orders::OrderFilter};
    let (services, user) = ssr::context().await?;
    let filter = OrderFilter { statuses: vec![OrderStatus::Ready], ..Default::default() };
    let mut orders = services.list_orders(&user, user.venue_id, filter, Page { limit: 200, offset: 0 }).await?;
    orders.sort_by_key(|o| o.ready_at);
    Ok(orders)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::UiError;
    use beerflow_core::AppError;
    use beerflow_core::domain::User;
    use beerflow_core::services::{Services, SharedServices};
    use leptos::prelude::*;
    use tower_sessions::Session;
    use uuid::Uuid;

    /// The session key holding the signed-in user's id.
    pub const USER_KEY: &str = "user_id";

    pub fn services() -> Result<SharedServices, AppError> {
        use_context::<SharedServices>()
            .ok_or_else(|| AppError::internal("services missing from the server function's context"))
    }

    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| AppError::internal(format!("no session layer: {e}")))
    }

    pub fn session_failed(e: tower_sessions::session::Error) -> AppError {
        AppError::internal(format!("session store: {e}"))
    }

    /// The active user a browser session is signed in as, if any: the one lookup of a session's
    /// user, for the pages, the server functions, the REST API and the live feed alike.
    pub async fn session_user(session: &Session, services: &Services) -> Result<Option<User>, AppError> {
        let Some(id) = session.get::<Uuid>(USER_KEY).await.map_err(session_failed)? else {
            return Ok(None);
        };
        match services.active_user(id).await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::Unauthorized(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// What the screens know of a signed-in user: who, and the language and format of their
    /// screens (their venue's).
    pub async fn session_view(services: &Services, user: User) -> Result<super::SessionUser, AppError> {
        let venue = services.get_venue(&user, user.venue_id).await?;
        let locale = page_locale(Some((&user, &venue)), None, None);
        Ok(super::SessionUser {
            id: user.id,
            venue_id: user.venue_id,
            name: user.name,
            email: user.email,
            role: user.role,
            language_choice: user.language,
            locale,
        })
    }

    /// The language and format of a page: the user's and their venue's when signed in, else the
    /// login page's choice (`cookie`) or the browser's `Accept-Language`.
    pub fn page_locale(
        signed_in: Option<(&User, &beerflow_core::domain::Venue)>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
    ) -> crate::i18n::PageLocale {
        use crate::i18n::{Format, PageLocale, negotiate};
        match signed_in {
            Some((user, venue)) => {
                let (symbol, decimals) = beerflow_core::services::currency_format(&venue.currency);
                PageLocale {
                    language: negotiate(user.language.as_deref(), Some(&venue.language), None, accept_language).into(),
                    format: Format {
                        currency: venue.currency.clone(),
                        symbol,
                        decimals,
                        locale: venue.locale.clone(),
                        timezone: venue.timezone.clone(),
                    },
                }
            }
            None => PageLocale {
                language: negotiate(None, None, cookie, accept_language).into(),
                format: Format::default(),
            },
        }
    }

    /// The locale of the page a request asks for, resolved before it is rendered (the server
    /// puts it in the request's extensions, where the shell and the app read it).
    pub async fn request_locale(
        services: &Services,
        session: &Session,
        headers: &axum::http::HeaderMap,
    ) -> crate::i18n::PageLocale {
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(name, _)| *name == crate::i18n::LANG_COOKIE)
            .map(|(_, value)| value.to_owned());
        if let Ok(Some(user)) = session_user(session, services).await
            && let Ok(venue) = services.get_venue(&user, user.venue_id).await
        {
            return page_locale(Some((&user, &venue)), None, accept);
        }
        page_locale(None, cookie.as_deref(), accept)
    }

    /// A lot of `product` as the recall screen shows it.
    pub fn recall_lot(l: beerflow_core::domain::inventory::Lot, product: String) -> super::RecallLot {
        super::RecallLot {
            id: l.id,
            lot_code: l.lot_code,
            product_name: product,
            unit: l.unit.as_str().to_owned(),
            qty_init: l.qty_init,
            qty_current: l.qty_current,
            expiry_date: l.expiry_date,
            received_at: l.received_at,
        }
    }

    /// The services and the signed-in user, for server functions that need one (401 without).
    pub async fn context() -> Result<(SharedServices, User), UiError> {
        let services = services()?;
        let user = session_user(&session().await?, &services)
            .await?
            .ok_or_else(|| AppError::Unauthorized("not signed in: sign in again".into()))?;
        Ok((services, user))
    }
}

/// A lot as the recall screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallLot {
    pub id: Uuid,
    pub lot_code: String,
    pub product_name: String,
    pub unit: String,
    pub qty_init: beerflow_core::domain::Qty,
    pub qty_current: beerflow_core::domain::Qty,
    pub expiry_date: Option<chrono::NaiveDate>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "beerflow_core::domain::timestamp::utc"))]
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// The lots whose code or product matches `query` (case-insensitively), newest first; every
/// lot, newest first, for an empty query. At most 50.
#[server]
pub async fn recall_lots(query: String) -> Result<Vec<RecallLot>, UiError> {
    use beerflow_core::store::{
        Page,
        inventory::{LotFilter, ProductFilter},
    };
    use std::collections::HashMap;
    let (services, user) = ssr::context().await?;
    let page = Page { limit: 1000, offset: 0 };
    let products = services.list_products(&user, user.venue_id, ProductFilter::default(), page).await?;
    let names: HashMap<Uuid, &str> = products.iter().map(|p| (p.id, p.name.as_str())).collect();
    let query = query.trim().to_lowercase();
    let mut lots: Vec<RecallLot> = services
        .list_lots(&user, user.venue_id, LotFilter::default(), Page { limit: 5000, offset: 0 })
        .await?
        .into_iter()
        .map(|l| {
            let product = names.get(&l.product_id).copied().unwrap_or_default().to_owned();
            ssr::recall_lot(l, product)
        })
        .filter(|l| {
            query.is_empty()
                || l.lot_code.to_lowercase().contains(&query)
                || l.product_name.to_lowercase().contains(&query)
        })
        .collect();
    lots.sort_by(|a, b| b.received_at.cmp(&a.received_at).then_with(|| a.lot_code.cmp(&b.lot_code)));
    lots.truncate(50);
    Ok(lots)
}

/// One movement of a lot in its recall trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallEntry {
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "beerflow_core::domain::timestamp::utc"))]
    pub at: chrono::DateTime<chrono::Utc>,
    /// `IN`, `OUT`, `ADJUST` or `WASTE`.
    pub kind: String,
    /// Signed: what the movement added to the lot (served and wasted are negative).
    pub quantity: beerflow_core::domain::Qty,
    pub reason: Option<String>,
    /// The order it was served to, with its number and table (`None`: a takeaway).
    pub order: Option<(Uuid, String, Option<String>)>,
}

/// A lot's recall trace: where it came from and everything that happened to it, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotRecall {
    pub lot: RecallLot,
    pub supplier: Option<String>,
    pub storage_location: Option<String>,
    pub entries: Vec<RecallEntry>,
}

/// The trace of one lot (`GET .../lots/{id}/trace`'s use case).
#[server]
pub async fn recall_trace(lot_id: Uuid) -> Result<LotRecall, UiError> {
    let (services, user) = ssr::context().await?;
    let trace = services.trace_lot(&user, user.venue_id, lot_id).await?;
    let supplier = match trace.lot.supplier_id {
        Some(id) => Some(services.get_supplier(&user, user.venue_id, id).await?.name),
        None => None,
    };
    let storage_location = trace.lot.storage_location.clone();
    let lot = ssr::recall_lot(trace.lot, trace.product_name);
    let entries = trace
        .movements
        .into_iter()
        .map(|e| RecallEntry {
            at: e.movement.created_at,
            kind: e.movement.movement_type.as_str().to_owned(),
            quantity: e.movement.quantity,
            reason: e.movement.reason,
            order: e.order_id.zip(e.order_number).map(|(id, number)| (id, number, e.table_name)),
        })
        .collect();
    Ok(LotRecall { lot, supplier, storage_location, entries })
}
