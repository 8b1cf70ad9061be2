//! Inventory endpoints: categories, suppliers, products, lots, movements, FEFO preview,
//! stock summary and lot traceability.

use super::doc;
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
use beerflow_core::domain::stock::{Promise, StockSummary};
use beerflow_core::services::LotTrace;
use beerflow_core::store::inventory::{LotFilter, MovementFilter, ProductFilter};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

type Created<T> = Result<(StatusCode, Json<T>), AppError>;
type Answer<T> = Result<Json<T>, AppError>;
type Read = Authorized<perm::InventoryRead>;
type Write = Authorized<perm::InventoryWrite>;

/// `?active=&limit=&offset=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActiveQuery {
    /// Only the active (`true`) or the deactivated (`false`) ones.
    active: Option<bool>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Creates a category.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/product-categories",
    tag = "inventory",
    params(doc::VenuePath),
    request_body = NewCategory,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new category.", body = Category),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn create_category(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewCategory>,
) -> Created<Category> {
    let c = s.services.create_category(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Lists the categories.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/product-categories",
    tag = "inventory",
    params(doc::VenuePath, ActiveQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The categories.", body = Vec<Category>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_categories(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ActiveQuery>,
) -> Answer<Vec<Category>> {
    Ok(Json(s.services.list_categories(&auth.user, auth.venue_id, q.active, page(q.limit, q.offset)?).await?))
}

/// One category.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/product-categories/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The category.", body = Category),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_category(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Category> {
    Ok(Json(s.services.get_category(&auth.user, auth.venue_id, id).await?))
}

/// Changes a category: absent fields stay.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/product-categories/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    request_body = CategoryPatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated category.", body = Category),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_category(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<CategoryPatch>,
) -> Answer<Category> {
    Ok(Json(s.services.update_category(&auth.user, auth.venue_id, id, patch).await?))
}

/// Deactivates a category (its products and history stay).
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/product-categories/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deactivated."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn delete_category(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_category(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a supplier.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/suppliers",
    tag = "inventory",
    params(doc::VenuePath),
    request_body = NewSupplier,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new supplier.", body = Supplier),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn create_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewSupplier>,
) -> Created<Supplier> {
    let v = s.services.create_supplier(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Lists the suppliers.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/suppliers",
    tag = "inventory",
    params(doc::VenuePath, ActiveQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The suppliers.", body = Vec<Supplier>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_suppliers(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ActiveQuery>,
) -> Answer<Vec<Supplier>> {
    Ok(Json(s.services.list_suppliers(&auth.user, auth.venue_id, q.active, page(q.limit, q.offset)?).await?))
}

/// One supplier.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/suppliers/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The supplier.", body = Supplier),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_supplier(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Supplier> {
    Ok(Json(s.services.get_supplier(&auth.user, auth.venue_id, id).await?))
}

/// Changes a supplier: absent fields stay.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/suppliers/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    request_body = SupplierPatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated supplier.", body = Supplier),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<SupplierPatch>,
) -> Answer<Supplier> {
    Ok(Json(s.services.update_supplier(&auth.user, auth.venue_id, id, patch).await?))
}

/// Deactivates a supplier (its lots and history stay).
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/suppliers/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deactivated."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn delete_supplier(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_supplier(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?category_id=&active=&q=&limit=&offset=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Only the products of this category.
    category_id: Option<Uuid>,
    /// Only the active (`true`) or the deactivated (`false`) ones.
    active: Option<bool>,
    /// Only products whose name or sku contains this text (any case).
    q: Option<String>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Creates a product.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/products",
    tag = "inventory",
    params(doc::VenuePath),
    request_body = NewProduct,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new product.", body = Product),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn create_product(
    State(s): State<AppState>,
    auth: Write,
    ApiJson(req): ApiJson<NewProduct>,
) -> Created<Product> {
    let p = s.services.create_product(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Lists the products.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/products",
    tag = "inventory",
    params(doc::VenuePath, ProductQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The products.", body = Vec<Product>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_products(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<ProductQuery>,
) -> Answer<Vec<Product>> {
    let filter =
        ProductFilter { category_id: q.category_id, active: q.active, q: q.q.filter(|t| !t.trim().is_empty()) };
    Ok(Json(s.services.list_products(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

/// One product.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/products/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The product.", body = Product),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_product(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<Product> {
    Ok(Json(s.services.get_product(&auth.user, auth.venue_id, id).await?))
}

/// Changes a product: absent fields stay.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/products/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    request_body = ProductPatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated product.", body = Product),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_product(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<ProductPatch>,
) -> Answer<Product> {
    Ok(Json(s.services.update_product(&auth.user, auth.venue_id, id, patch).await?))
}

/// Deactivates a product (its lots and history stay).
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/products/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deactivated."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn delete_product(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    s.services.deactivate_product(&auth.user, auth.venue_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?product_id=&expiring_before=&available=&limit=&offset=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LotQuery {
    /// Only the lots of this product.
    product_id: Option<Uuid>,
    /// Only lots expiring before this date (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "beerflow_core::domain::inventory::strict_date::option")]
    expiring_before: Option<NaiveDate>,
    /// Only lots with stock left (`true`) or empty ones (`false`).
    available: Option<bool>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Receives a lot: the lot and its `IN` movement of `qty_init`.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/lots",
    tag = "inventory",
    params(doc::VenuePath),
    request_body = NewLot,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new lot.", body = Lot),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound,
        doc::Conflict, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn receive_lot(State(s): State<AppState>, auth: Write, ApiJson(req): ApiJson<NewLot>) -> Created<Lot> {
    let lot = s.services.receive_lot(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(lot)))
}

/// Lists the lots.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/lots",
    tag = "inventory",
    params(doc::VenuePath, LotQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The lots.", body = Vec<Lot>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_lots(State(s): State<AppState>, auth: Read, ApiQuery(q): ApiQuery<LotQuery>) -> Answer<Vec<Lot>> {
    let filter = LotFilter { product_id: q.product_id, expiring_before: q.expiring_before, available: q.available };
    Ok(Json(s.services.list_lots(&auth.user, auth.venue_id, filter, page(q.limit, q.offset)?).await?))
}

/// One lot.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/lots/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The lot.", body = Lot),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_lot(State(s): State<AppState>, auth: Read, ApiPath((_, id)): ApiPath<(Uuid, Uuid)>) -> Answer<Lot> {
    Ok(Json(s.services.get_lot(&auth.user, auth.venue_id, id).await?))
}

/// Changes a lot's storage location, expiry date or notes (`null` clears them).
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}/lots/{id}",
    tag = "inventory",
    params(doc::VenueItemPath),
    request_body = LotPatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated lot.", body = Lot),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_lot(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(patch): ApiJson<LotPatch>,
) -> Answer<Lot> {
    Ok(Json(s.services.update_lot(&auth.user, auth.venue_id, id, patch).await?))
}

/// Corrects a lot's stock after a count (`ADJUST`) or records waste (`WASTE`).
///
/// `quantity` is signed (waste is negative) and never 0; a lot never goes below 0.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/lots/{id}/adjust",
    tag = "inventory",
    params(doc::VenueItemPath),
    request_body = AdjustRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The adjusted lot.", body = Lot),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn adjust_lot(
    State(s): State<AppState>,
    auth: Write,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<AdjustRequest>,
) -> Answer<Lot> {
    Ok(Json(s.services.adjust_lot(&auth.user, auth.venue_id, id, req).await?))
}

/// A lot's traceability: the lot, its product and every movement, with the orders it served.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/lots/{id}/trace",
    tag = "inventory",
    params(doc::VenueItemPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The trace.", body = LotTrace),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn trace_lot(
    State(s): State<AppState>,
    auth: Read,
    ApiPath((_, id)): ApiPath<(Uuid, Uuid)>,
) -> Answer<LotTrace> {
    Ok(Json(s.services.trace_lot(&auth.user, auth.venue_id, id).await?))
}

/// `?reference_type=&reference_id=&lot_id=&product_id=&limit=&offset=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementQuery {
    /// Only movements referring to this kind of thing.
    reference_type: Option<ReferenceType>,
    /// Only movements referring to this id (an order, a lot).
    reference_id: Option<Uuid>,
    /// Only the movements of this lot.
    lot_id: Option<Uuid>,
    /// Only the movements of this product's lots.
    product_id: Option<Uuid>,
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// Lists stock movements, newest first.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/stock/movements",
    tag = "inventory",
    params(doc::VenuePath, MovementQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The movements.", body = Vec<Movement>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
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

/// Previews which lots FEFO would take a quantity of a product from; nothing is written.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/stock/fefo-allocation",
    tag = "inventory",
    params(doc::VenuePath),
    request_body = FefoRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The plan.", body = FefoPreview),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn fefo_preview(
    State(s): State<AppState>,
    auth: Read,
    ApiJson(req): ApiJson<FefoRequest>,
) -> Answer<FefoPreview> {
    Ok(Json(s.services.fefo_preview(&auth.user, auth.venue_id, req).await?))
}

/// `?days=` (default 3): the "expiring soon" window.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The "expiring soon" window in days, today included (default 3).
    #[param(maximum = 365)]
    days: Option<u32>,
}

/// The stock summary: on hand, expiring soon, expired, below minimum.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/stock/summary",
    tag = "inventory",
    params(doc::VenuePath, SummaryQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The summary.", body = StockSummary),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn stock_summary(
    State(s): State<AppState>,
    auth: Read,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Answer<StockSummary> {
    Ok(Json(s.services.stock_summary(&auth.user, auth.venue_id, q.days).await?))
}

/// Extension: available to promise. For each active stock-tracked product, the usable stock
/// (lots not expired on the venue's date), what the venue's open kitchen orders (confirmed,
/// preparing, ready, voided lines excepted) will draw at serve, and what is left to promise
/// (negative when more was promised than there is). The waiter's pad marks a dish sold out at 0.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/stock/available",
    tag = "inventory",
    params(doc::VenuePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Per product.", body = Vec<Promise>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn available_to_promise(State(s): State<AppState>, auth: Read) -> Answer<Vec<Promise>> {
    Ok(Json(s.services.available_to_promise(&auth.user, auth.venue_id).await?))
}
