//! Tables and orders endpoints, the kitchen display.

use super::doc;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authorized, page, perm};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use beerflow_core::AppError;
use beerflow_core::domain::order::{
    AddItems, ItemDone, KitchenOrder, NewOrder, Order, OrderPatch, OrderStatus, StatusRequest, VoidRequest,
};
use beerflow_core::domain::table::{
    Layout, LayoutRequest, NewTable, Table, TablePatch, TableStatus, TableStatusRequest,
};
use beerflow_core::store::orders::OrderFilter;
use beerflow_core::store::tables::TableFilter;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

type Created<T> = Result<(StatusCode, Json<T>), AppError>;
type Answer<T> = Result<Json<T>, AppError>;

/// `?area=&status=&limit=&offset=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TableQuery {
    /// Only the tables of this area.
    area: Option<String>,
    /// Only the tables in this status.
    status: Option<TableStatus>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Creates a table (`free`).
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/tables",
    tag = "tables",
    params(doc::VenuePath),
    request_body = NewTable,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new table.", body = Table),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn create_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiJson(req): ApiJson<NewTable>,
) -> Created<Table> {
    let t = s.services.create_table(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Lists the tables.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/tables",
    tag = "tables",
    params(doc::VenuePath, TableQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The tables.", body = Vec<Table>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_tables(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesRead>,
    ApiQuery(q): ApiQuery<TableQuery>,
) -> Answer<Vec<Table>> {
    let filter = TableFilter { area: q.area, status: q.status };
    Ok(Json(s.services.list_tables(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

/// One table.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/tables/{id}",
    tag = "tables",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The table.", body = Table),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Table> {
    Ok(Json(s.services.get_table(&auth.user, auth.venue_id, id).await?))
}

/// Changes a table: absent fields stay, `null` clears area and position.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/tables/{id}",
    tag = "tables",
    params(doc::VenueItemPath),
    request_body = TablePatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated table.", body = Table),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<TablePatch>,
) -> Answer<Table> {
    Ok(Json(s.services.update_table(&auth.user, auth.venue_id, id, patch).await?))
}

/// Deletes a table (409 while it has open orders).
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/tables/{id}",
    tag = "tables",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deleted."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Conflict, doc::Unavailable,
    )
)]
pub async fn delete_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.delete_table(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a table's status (`free` and `out_of_service` only without open orders).
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/tables/{id}/status",
    tag = "tables",
    params(doc::VenueItemPath),
    request_body = TableStatusRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The table.", body = Table),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn set_table_status(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesSetStatus>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<TableStatusRequest>,
) -> Answer<Table> {
    Ok(Json(s.services.set_table_status(&auth.user, auth.venue_id, id, req.status).await?))
}

/// Every table of the venue and the floor plan's version (extension: what an editor starts
/// from, and sends back as `layout_version`).
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/tables/layout",
    tag = "tables",
    params(doc::VenuePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The tables and the plan's version.", body = Layout),
        doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn get_layout(State(s): State<AppState>, auth: Authorized<perm::TablesRead>) -> Answer<Layout> {
    Ok(Json(s.services.layout(&auth.user, auth.venue_id).await?))
}

/// Moves tables on the floor plan, all or nothing; as extensions, also renames them, changes
/// their seats, adds (`create`) and removes (`delete`) tables, and refuses (409) a change made
/// over a `layout_version` that is no longer the plan's. The plan's new version is in the
/// `Layout-Version` header.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/tables/layout",
    tag = "tables",
    params(doc::VenuePath),
    request_body = LayoutRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated and added tables.", body = Vec<Table>,
            headers(("Layout-Version" = i64, description = "The floor plan's version after the change"))),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_layout(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiJson(req): ApiJson<LayoutRequest>,
) -> Result<([(&'static str, String); 1], Json<Vec<Table>>), AppError> {
    let (tables, version) = s.services.update_layout(&auth.user, auth.venue_id, req).await?;
    Ok(([("layout-version", version.to_string())], Json(tables)))
}

/// Creates an order (`draft`).
///
/// `201` with a new order, `200` with the earlier one when the `Idempotency-Key` was seen.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/orders",
    tag = "orders",
    params(
        doc::VenuePath,
        (
            "Idempotency-Key" = Option<String>, Header, nullable = false,
            description = "Makes retries safe: the same key from the same user answers the same order (200) \
                           instead of creating a second one."
        ),
    ),
    request_body = NewOrder,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new order.", body = Order),
        (status = 200, description = "The order created earlier with this `Idempotency-Key`.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn create_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewOrder>,
) -> Created<Order> {
    let key = idempotency_key(&headers)?;
    let (order, created) = s.services.create_order(&auth.user, auth.venue_id, req, key).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(order)))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    match headers.get("idempotency-key") {
        Some(v) => Ok(Some(
            v.to_str().map_err(|_| AppError::bad_request("Idempotency-Key: must be printable ASCII"))?.to_owned(),
        )),
        None => Ok(None),
    }
}

/// `?status=` (repeatable or comma separated), `?table_id=`, `?since=` (RFC 3339), paging.
fn order_filter(raw: Option<&str>) -> Result<(OrderFilter, Option<i64>, Option<i64>), AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| AppError::bad_request(format!("invalid query: {e}")))?;
    let mut filter = OrderFilter::default();
    let (mut limit, mut offset) = (None, None);
    let int = |name: &str, v: &str| {
        v.parse::<i64>().map_err(|_| AppError::bad_request(format!("{name}: `{v}` is not an integer")))
    };
    for (key, value) in pairs {
        match key.as_str() {
            "status" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let status = OrderStatus::parse(part).ok_or_else(|| {
                        let all: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
                        AppError::bad_request(format!("status: `{part}` is not one of {}", all.join(", ")))
                    })?;
                    if !filter.statuses.contains(&status) {
                        filter.statuses.push(status);
                    }
                }
            }
            "table_id" => {
                filter.table_id = Some(
                    Uuid::parse_str(&value)
                        .map_err(|_| AppError::bad_request(format!("table_id: `{value}` is not a valid UUID")))?,
                )
            }
            "since" => {
                let since = DateTime::parse_from_rfc3339(&value)
                    .map_err(|_| AppError::bad_request(format!("since: `{value}` is not an RFC 3339 timestamp")))?;
                filter.since = Some(since.with_timezone(&Utc));
            }
            "limit" => limit = Some(int("limit", &value)?),
            "offset" => offset = Some(int("offset", &value)?),
            other => return Err(AppError::bad_request(format!("invalid query: unknown parameter `{other}`"))),
        }
    }
    Ok((filter, limit, offset))
}

/// Lists orders, newest first.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/orders",
    tag = "orders",
    params(
        doc::VenuePath,
        (
            "status" = Option<Vec<OrderStatus>>, Query,
            description = "Only these statuses: repeatable, or comma separated."
        ),
        ("table_id" = Option<Uuid>, Query, description = "Only the orders of this table."),
        ("since" = Option<DateTime<Utc>>, Query, description = "Only orders created at or after this RFC 3339 time."),
        (
            "limit" = Option<i64>, Query, minimum = 1, maximum = 1000,
            description = "At most this many (default 100)."
        ),
        ("offset" = Option<i64>, Query, minimum = 0, description = "Skip this many (default 0)."),
    ),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The orders.", body = Vec<Order>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_orders(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    RawQuery(raw): RawQuery,
) -> Answer<Vec<Order>> {
    let (filter, limit, offset) = order_filter(raw.as_deref())?;
    Ok(Json(s.services.list_orders(&auth.user, auth.venue_id, filter, page(limit, offset)?).await?))
}

/// One order.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/orders/{id}",
    tag = "orders",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Order> {
    Ok(Json(s.services.get_order(&auth.user, auth.venue_id, id).await?))
}

/// Deletes a `draft` or `cancelled` order (409 otherwise).
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/orders/{id}",
    tag = "orders",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deleted."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Conflict, doc::Unavailable,
    )
)]
pub async fn delete_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.delete_order(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds items to an order while it is `draft`, `confirmed` or `preparing`.
///
/// Extension: an `Idempotency-Key` header makes a retry of the same addition return the order
/// without adding the lines twice.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/orders/{id}/items",
    tag = "orders",
    params(
        doc::VenueItemPath,
        (
            "Idempotency-Key" = Option<String>, Header, nullable = false,
            description = "Makes retries safe: lines already added with this key are not added again."
        ),
    ),
    request_body = AddItems,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn add_items(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<AddItems>,
) -> Answer<Order> {
    let key = idempotency_key(&headers)?;
    Ok(Json(s.services.add_items(&auth.user, auth.venue_id, id, req, key).await?))
}

/// Extension: moves an open order to another table (`table_id: null`: takeaway), sets its
/// covers or notes. The table it leaves is freed (or set to cleaning if the order was served
/// there) when it has no other open order; the new one becomes occupied.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/orders/{id}",
    tag = "orders",
    params(doc::VenueItemPath),
    request_body = OrderPatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<OrderPatch>,
) -> Answer<Order> {
    Ok(Json(s.services.update_order(&auth.user, auth.venue_id, id, req).await?))
}

/// `/venues/{venue_id}/orders/{id}/items/{item_id}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct OrderLinePath {
    /// The venue's id (the user's own venue).
    venue_id: Uuid,
    /// The order's id, in this venue.
    id: Uuid,
    /// The line's id, in this order.
    item_id: Uuid,
}

/// Extension (item-level bump): the kitchen marks one line done (`{"done": true}`) or not done
/// again. The order follows: its first done line starts it (`preparing`), and it is `ready` when
/// every line still on it is done; a line marked not done on a ready order takes it back to
/// `preparing`. For the roles that may move orders to preparing and ready.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/orders/{id}/items/{item_id}",
    tag = "orders",
    params(OrderLinePath),
    request_body = ItemDone,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn set_item_done(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersPrepare>,
    ApiPath((_, id, item_id)): ApiPath<(Uuid, Uuid, Uuid)>,
    ApiJson(req): ApiJson<ItemDone>,
) -> Answer<Order> {
    Ok(Json(s.services.set_item_done(&auth.user, auth.venue_id, id, item_id, req).await?))
}

/// Extension: voids one line with a reason. The line stays on the order (struck through on the
/// kitchen display) with `voided_at` and `void_reason`, and leaves the total and what serving
/// deducts. Who may void is who may cancel the order in its status (draft or confirmed: waiters
/// too; preparing or ready: managers and admins); the last line cannot be voided (cancel the order).
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/orders/{id}/items/{item_id}/void",
    tag = "orders",
    params(OrderLinePath),
    request_body = VoidRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn void_item(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    ApiPath((_, id, item_id)): ApiPath<(Uuid, Uuid, Uuid)>,
    ApiJson(req): ApiJson<VoidRequest>,
) -> Answer<Order> {
    Ok(Json(s.services.void_item(&auth.user, auth.venue_id, id, item_id, req).await?))
}

/// Moves an order to another status; serving deducts its stock by FEFO (400 `insufficient` when it cannot).
///
/// Who may make which move is decided per move by the permission table.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/orders/{id}/status",
    tag = "orders",
    params(doc::VenueItemPath),
    request_body = StatusRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The order.", body = Order),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn change_status(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Answer<Order> {
    Ok(Json(s.services.change_order_status(&auth.user, auth.venue_id, id, req).await?))
}

/// The kitchen display: orders `confirmed`, `preparing` and `ready`, oldest first.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/orders/kitchen-display",
    tag = "orders",
    params(doc::VenuePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The tickets.", body = Vec<KitchenOrder>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn kitchen_display(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
) -> Answer<Vec<KitchenOrder>> {
    Ok(Json(s.services.kitchen_display(&auth.user, auth.venue_id).await?))
}
