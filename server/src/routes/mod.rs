//! The REST API of `spec/API.md`, under `/api/v1`.

pub mod auth;
pub mod health;
pub mod inventory;
pub mod orders;
pub mod venues;

use crate::AppState;
use axum::Router;
use axum::routing::{delete, get, patch, post};
use beerflow_core::AppError;
use inventory as inv;
use orders as ord;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/me", get(auth::me))
        .route("/ws", get(crate::live::ws::ws))
        .route("/venues/{venue_id}", get(venues::get_venue).patch(venues::update_venue))
        .route("/venues/{venue_id}/users", get(venues::list_users).post(venues::create_user))
        .route("/venues/{venue_id}/users/{user_id}", delete(venues::deactivate_user))
        .route("/venues/{venue_id}/product-categories", get(inv::list_categories).post(inv::create_category))
        .route(
            "/venues/{venue_id}/product-categories/{id}",
            get(inv::get_category).patch(inv::update_category).delete(inv::delete_category),
        )
        .route("/venues/{venue_id}/suppliers", get(inv::list_suppliers).post(inv::create_supplier))
        .route(
            "/venues/{venue_id}/suppliers/{id}",
            get(inv::get_supplier).patch(inv::update_supplier).delete(inv::delete_supplier),
        )
        .route("/venues/{venue_id}/products", get(inv::list_products).post(inv::create_product))
        .route(
            "/venues/{venue_id}/products/{id}",
            get(inv::get_product).patch(inv::update_product).delete(inv::delete_product),
        )
        .route("/venues/{venue_id}/lots", get(inv::list_lots).post(inv::receive_lot))
        .route("/venues/{venue_id}/lots/{id}", get(inv::get_lot).patch(inv::update_lot))
        .route("/venues/{venue_id}/lots/{id}/adjust", post(inv::adjust_lot))
        .route("/venues/{venue_id}/lots/{id}/trace", get(inv::trace_lot))
        .route("/venues/{venue_id}/stock/movements", get(inv::list_movements))
        .route("/venues/{venue_id}/stock/fefo-allocation", post(inv::fefo_preview))
        .route("/venues/{venue_id}/stock/summary", get(inv::stock_summary))
        .route("/venues/{venue_id}/tables", get(ord::list_tables).post(ord::create_table))
        .route("/venues/{venue_id}/tables/layout", patch(ord::update_layout))
        .route("/venues/{venue_id}/tables/{id}", get(ord::get_table).patch(ord::update_table).delete(ord::delete_table))
        .route("/venues/{venue_id}/tables/{id}/status", patch(ord::set_table_status))
        .route("/venues/{venue_id}/orders", get(ord::list_orders).post(ord::create_order))
        .route("/venues/{venue_id}/orders/kitchen-display", get(ord::kitchen_display))
        .route("/venues/{venue_id}/orders/{id}", get(ord::get_order).delete(ord::delete_order))
        .route("/venues/{venue_id}/orders/{id}/items", post(ord::add_items))
        .route("/venues/{venue_id}/orders/{id}/status", patch(ord::change_status))
        .fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::not_found(format!("no such endpoint: {}", uri.path()))
}
