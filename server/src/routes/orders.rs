//! Tables and orders endpoints, the kitchen display.

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authorized, page, perm};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use beerflow_core::AppError;
use beerflow_core::domain::order::{AddItems, KitchenOrder, NewOrder, Order, OrderStatus, StatusRequest};
use beerflow_core::domain::table::{LayoutRequest, NewTable, Table, TablePatch, TableStatus, TableStatusRequest};
use beerflow_core::store::orders::OrderFilter;
use beerflow_core::store::tables::TableFilter;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

type Created<T> = Result<(StatusCode, Json<T>), AppError>;
type Answer<T> = Result<Json<T>, AppError>;

/// `?area=&status=&limit=&offset=`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableQuery {
    area: Option<String>,
    status: Option<TableStatus>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn create_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiJson(req): ApiJson<NewTable>,
) -> Created<Table> {
    let t = s.services.create_table(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

pub async fn list_tables(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesRead>,
    ApiQuery(q): ApiQuery<TableQuery>,
) -> Answer<Vec<Table>> {
    let filter = TableFilter { area: q.area, status: q.status };
    Ok(Json(s.services.list_tables(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

pub async fn get_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Table> {
    Ok(Json(s.services.get_table(&auth.user, auth.venue_id, id).await?))
}

pub async fn update_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<TablePatch>,
) -> Answer<Table> {
    Ok(Json(s.services.update_table(&auth.user, auth.venue_id, id, patch).await?))
}

pub async fn delete_table(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.delete_table(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_table_status(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesSetStatus>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<TableStatusRequest>,
) -> Answer<Table> {
    Ok(Json(s.services.set_table_status(&auth.user, auth.venue_id, id, req.status).await?))
}

pub async fn update_layout(
    State(s): State<AppState>,
    auth: Authorized<perm::TablesWrite>,
    ApiJson(req): ApiJson<LayoutRequest>,
) -> Answer<Vec<Table>> {
    Ok(Json(s.services.update_layout(&auth.user, auth.venue_id, req).await?))
}

/// `201` with a new order, `200` with the earlier one when the `Idempotency-Key` was seen.
pub async fn create_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewOrder>,
) -> Created<Order> {
    let key = match headers.get("idempotency-key") {
        Some(v) => {
            Some(v.to_str().map_err(|_| AppError::bad_request("Idempotency-Key: must be printable ASCII"))?.to_owned())
        }
        None => None,
    };
    let (order, created) = s.services.create_order(&auth.user, auth.venue_id, req, key).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(order)))
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

pub async fn list_orders(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    RawQuery(raw): RawQuery,
) -> Answer<Vec<Order>> {
    let (filter, limit, offset) = order_filter(raw.as_deref())?;
    Ok(Json(s.services.list_orders(&auth.user, auth.venue_id, filter, page(limit, offset)?).await?))
}

pub async fn get_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Order> {
    Ok(Json(s.services.get_order(&auth.user, auth.venue_id, id).await?))
}

pub async fn delete_order(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.delete_order(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_items(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersTake>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<AddItems>,
) -> Answer<Order> {
    Ok(Json(s.services.add_items(&auth.user, auth.venue_id, id, req).await?))
}

/// Who may make which move is decided per move by the permission table.
pub async fn change_status(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Answer<Order> {
    Ok(Json(s.services.change_order_status(&auth.user, auth.venue_id, id, req).await?))
}

pub async fn kitchen_display(
    State(s): State<AppState>,
    auth: Authorized<perm::OrdersRead>,
) -> Answer<Vec<KitchenOrder>> {
    Ok(Json(s.services.kitchen_display(&auth.user, auth.venue_id).await?))
}
