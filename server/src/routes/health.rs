//! `GET /health`: 200 while the database answers, 503 when it does not; kitchen load beside it.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A ticket waiting longer than this in `confirmed` or `preparing` counts as stuck.
pub const STUCK_AFTER_MINUTES: i64 = 30;

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
    let (connected_venues, subscriptions) = state.services.hub.stats().await;
    let total_connections = state.services.realtime_connections.load(std::sync::atomic::Ordering::Relaxed);
    let mut details = json!({"database": database, "websocket": {"status": "up", "total_connections": total_connections,
        "connected_venues": connected_venues, "joined_clients": subscriptions}});
    if status == StatusCode::OK {
        let now = chrono::Utc::now();
        let stuck_before = now - chrono::Duration::minutes(STUCK_AFTER_MINUTES);
        let stats = store.kitchen_stats(stuck_before, now - chrono::Duration::hours(24)).await;
        details["kitchen"] = match stats {
            Ok(k) => json!({"status": "up", "active_kitchen_orders": k.active_kitchen_orders,
                            "stuck_orders": k.stuck_orders, "stuck_after_minutes": STUCK_AFTER_MINUTES,
                            "average_preparation_minutes": k.average_preparation_minutes}),
            Err(e) => json!({"status": "down", "message": e.to_string()}),
        };
    }
    (status, Json(json!({"status": overall, "details": details})))
}
