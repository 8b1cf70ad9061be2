//! Inventory endpoints: categories, suppliers, products, lots, movements, FEFO preview,
//! stock summary and lot traceability.

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authorized, page, perm};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use beerflow_core::AppError;
use beerflow_core::domain::inventory::{
    AdjustRequest, Category, CategoryPatch, FefoPreview, FefoRequest, Lot, LotPatch, Movement, NewCategory, NewLot,
    NewProduct, NewSupplier, Product, ProductPatch, ReferenceType, Supplier, SupplierPatch,
};
use beerflow_core::domain::stock::StockSummary;
use beerflow_core::services::LotTrace;
use beerflow_core::store::inventory::{LotFilter, MovementFilter, ProductFilter};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

type Created<T> = Result<(StatusCode, Json<T>), AppError>;
type Answer<T> = Result<Json<T>, AppError>;
type Read = Authorized<perm::InventoryRead>;
type Write = Authorized<perm::InventoryWrite>;

/// `?active=&limit=&offset=`
#[derive(Debug, Deserialize)]
pub struct ActiveQuery {
    active: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn create_category(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewCategory>,
) -> Created<Category> {
    let c = s.services.create_category(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

pub async fn list_categories(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ActiveQuery>,
) -> Answer<Vec<Category>> {
    Ok(Json(s.services.list_categories(&auth.user, auth.venue_id, q.active, page(q.limit, q.offset)?).await?))
}

pub async fn get_category(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Category> {
    Ok(Json(s.services.get_category(&auth.user, auth.venue_id, id).await?))
}

pub async fn update_category(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<CategoryPatch>,
) -> Answer<Category> {
    Ok(Json(s.services.update_category(&auth.user, auth.venue_id, id, patch).await?))
}

pub async fn delete_category(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_category(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewSupplier>,
) -> Created<Supplier> {
    let v = s.services.create_supplier(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

pub async fn list_suppliers(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ActiveQuery>,
) -> Answer<Vec<Supplier>> {
    Ok(Json(s.services.list_suppliers(&auth.user, auth.venue_id, q.active, page(q.limit, q.offset)?).await?))
}

pub async fn get_supplier(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Supplier> {
    Ok(Json(s.services.get_supplier(&auth.user, auth.venue_id, id).await?))
}

pub async fn update_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<SupplierPatch>,
) -> Answer<Supplier> {
    Ok(Json(s.services.update_supplier(&auth.user, auth.venue_id, id, patch).await?))
}

pub async fn delete_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_supplier(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?category_id=&active=&q=&limit=&offset=`
#[derive(Debug, Deserialize)]
pub struct ProductQuery {
    category_id: Option<Uuid>,
    active: Option<bool>,
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn create_product(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewProduct>,
) -> Created<Product> {
    let p = s.services.create_product(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

pub async fn list_products(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ProductQuery>,
) -> Answer<Vec<Product>> {
    let filter =
        ProductFilter { category_id: q.category_id, active: q.active, q: q.q.filter(|t| !t.trim().is_empty()) };
    Ok(Json(s.services.list_products(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

pub async fn get_product(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Product> {
    Ok(Json(s.services.get_product(&auth.user, auth.venue_id, id).await?))
}

pub async fn update_product(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<ProductPatch>,
) -> Answer<Product> {
    Ok(Json(s.services.update_product(&auth.user, auth.venue_id, id, patch).await?))
}

pub async fn delete_product(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_product(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?product_id=&expiring_before=&available=&limit=&offset=`
#[derive(Debug, Deserialize)]
pub struct LotQuery {
    product_id: Option<Uuid>,
    expiring_before: Option<NaiveDate>,
    available: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn receive_lot(State(s): State<AppState>, auth: Write, ApiJson(req): ApiJson<NewLot>) -> Created<Lot> {
    let lot = s.services.receive_lot(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(lot)))
}

pub async fn list_lots(State(s): State<AppState>, auth: Read, ApiQuery(q): ApiQuery<LotQuery>) -> Answer<Vec<Lot>> {
    let filter = LotFilter { product_id: q.product_id, expiring_before: q.expiring_before, available: q.available };
    Ok(Json(s.services.list_lots(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

pub async fn get_lot(State(s): State<AppState>, auth: Read, ApiPath((_, id)): ApiPath<(Uuid, Uuid)>) -> Answer<Lot> {
    Ok(Json(s.services.get_lot(&auth.user, auth.venue_id, id).await?))
}

pub async fn update_lot(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<LotPatch>,
) -> Answer<Lot> {
    Ok(Json(s.services.update_lot(&auth.user, auth.venue_id, id, patch).await?))
}

pub async fn adjust_lot(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<AdjustRequest>,
) -> Answer<Lot> {
    Ok(Json(s.services.adjust_lot(&auth.user, auth.venue_id, id, req).await?))
}

pub async fn trace_lot(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<LotTrace> {
    Ok(Json(s.services.trace_lot(&auth.user, auth.venue_id, id).await?))
}

/// `?reference_type=&reference_id=&lot_id=&product_id=&limit=&offset=`
#[derive(Debug, Deserialize)]
pub struct MovementQuery {
    reference_type: Option<ReferenceType>,
    reference_id: Option<Uuid>,
    lot_id: Option<Uuid>,
    product_id: Option<Uuid>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list_movements(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<MovementQuery>,
) -> Answer<Vec<Movement>> {
    let filter = MovementFilter {
        reference_type: q.reference_type,
        reference_id: q.reference_id,
        lot_id: q.lot_id,
        product_id: q.product_id,
    };
    Ok(Json(s.services.list_movements(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

pub async fn fefo_preview(
    State(s): State<AppState>,
    auth: Read,
    ApiJson(req): ApiJson<FefoRequest>,
) -> Answer<FefoPreview> {
    Ok(Json(s.services.fefo_preview(&auth.user, auth.venue_id, req).await?))
}

/// `?days=` (default 3): the "expiring soon" window.
#[derive(Debug, Deserialize)]
pub struct SummaryQuery {
    days: Option<u32>,
}

pub async fn stock_summary(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Answer<StockSummary> {
    Ok(Json(s.services.stock_summary(&auth.user, auth.venue_id, q.days).await?))
}
