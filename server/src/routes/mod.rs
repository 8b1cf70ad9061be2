//! The REST API of `spec/API.md`, under `/api/v1`.

pub mod auth;
pub mod health;
pub mod venues;

use crate::AppState;
use axum::Router;
use axum::routing::{delete, get, post};
use beerflow_core::AppError;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/me", get(auth::me))
        .route("/venues/{venue_id}", get(venues::get_venue))
        .route("/venues/{venue_id}/users", get(venues::list_users).post(venues::create_user))
        .route("/venues/{venue_id}/users/{user_id}", delete(venues::deactivate_user))
        .fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::not_found(format!("no such endpoint: {}", uri.path()))
}
