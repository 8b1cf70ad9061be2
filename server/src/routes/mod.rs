//! The REST API of `spec/API.md`, under `/api/v1`.

pub mod auth;
pub mod doc;
pub mod health;
pub mod inventory;
pub mod orders;
pub mod venues;

use crate::AppState;
use axum::Router;
use beerflow_core::AppError;
use inventory as inv;
use orders as ord;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the REST API is mounted.
pub const API_BASE: &str = "/api/v1";

/// The routes of the REST API (under `API_BASE`), each registered with its handler's
/// `#[utoipa::path]`, so the document lists exactly what is served. One `routes!` per path: it
/// takes the handlers of one path, each with its method.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::me, auth::update_me))
        .routes(routes!(crate::live::ws::ws))
        .routes(routes!(doc::openapi_json))
        .routes(routes!(venues::get_venue, venues::update_venue))
        .routes(routes!(venues::list_users, venues::create_user))
        .routes(routes!(venues::deactivate_user))
        .routes(routes!(venues::reset_password))
        .routes(routes!(inv::list_categories, inv::create_category))
        .routes(routes!(inv::get_category, inv::update_category, inv::delete_category))
        .routes(routes!(inv::list_suppliers, inv::create_supplier))
        .routes(routes!(inv::get_supplier, inv::update_supplier, inv::delete_supplier))
        .routes(routes!(inv::list_products, inv::create_product))
        .routes(routes!(inv::get_product, inv::update_product, inv::delete_product))
        .routes(routes!(inv::list_lots, inv::receive_lot))
        .routes(routes!(inv::get_lot, inv::update_lot))
        .routes(routes!(inv::adjust_lot))
        .routes(routes!(inv::trace_lot))
        .routes(routes!(inv::list_movements))
        .routes(routes!(inv::fefo_preview))
        .routes(routes!(inv::stock_summary))
        .routes(routes!(inv::available_to_promise))
        .routes(routes!(ord::list_tables, ord::create_table))
        .routes(routes!(ord::get_layout, ord::update_layout))
        .routes(routes!(ord::get_table, ord::update_table, ord::delete_table))
        .routes(routes!(ord::set_table_status))
        .routes(routes!(ord::list_orders, ord::create_order))
        .routes(routes!(ord::kitchen_display))
        .routes(routes!(ord::get_order, ord::update_order, ord::delete_order))
        .routes(routes!(ord::add_items))
        .routes(routes!(ord::set_item_done))
        .routes(routes!(ord::void_item))
        .routes(routes!(ord::change_status))
}

/// The documented routes outside `API_BASE`: the health checks.
fn root_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::health)).routes(routes!(health::live)).routes(routes!(health::ready))
}

/// The REST API, to nest under `API_BASE`; an unknown path or method gets the contract's error body.
pub fn api() -> Router<AppState> {
    let (router, _) = api_routes().split_for_parts();
    router.fallback(not_found).method_not_allowed_fallback(crate::guard::method_not_allowed)
}

/// `GET /health`, `/health/live`, `/health/ready`.
pub fn root() -> Router<AppState> {
    root_routes().split_for_parts().0
}

/// The OpenAPI 3.1 document of everything `api()` and `root()` serve, paths as clients write
/// them (`/api/v1/...`), as `GET /api/v1/openapi.json` answers it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .nest(API_BASE, api_routes())
        .merge(root_routes())
        .into_openapi();
    doc::require_written_fields(&mut document);
    document
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::not_found(format!("no such endpoint: {}", uri.path()))
}
