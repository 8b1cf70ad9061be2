//! `GET /health`: 200 while the database answers, 503 when it does not.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = &state.services.store;
    let ping = tokio::time::timeout(std::time::Duration::from_secs(3), store.ping()).await;
    let (status, database) = match ping {
        Ok(Ok(())) => (StatusCode::OK, json!({"status": "up", "backend": store.backend()})),
        Ok(Err(e)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "down", "backend": store.backend(), "message": e.to_string()}),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "down", "backend": store.backend(), "message": "database ping timed out"}),
        ),
    };
    let overall = if status == StatusCode::OK { "ok" } else { "error" };
    (status, Json(json!({"status": overall, "details": {"database": database}})))
}
