//! `GET /health`: 200 while the database answers, 503 when it does not; kitchen load beside it.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A ticket waiting longer than this in `confirmed` or `preparing` counts as stuck.
pub const STUCK_AFTER_MINUTES: i64 = 30;

// The body of `GET /health` for the OpenAPI document (the handler writes it with `json!`).
/// The server's health.
#[derive(utoipa::ToSchema)]
#[schema(as = Health)]
#[allow(dead_code)]
struct HealthDoc {
    /// `ok` while the database answers, else `error`.
    status: Overall,
    details: HealthDetails,
}

#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Overall {
    Ok,
    Error,
}

#[derive(utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum PartStatus {
    Up,
    Down,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct HealthDetails {
    database: DatabaseHealth,
    websocket: WebsocketHealth,
    /// Only while the database answers.
    #[schema(nullable = false)]
    kitchen: Option<KitchenHealth>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DatabaseHealth {
    status: PartStatus,
    /// `sqlite` or `postgres`.
    backend: String,
    /// Why it is down.
    #[schema(nullable = false)]
    message: Option<String>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct WebsocketHealth {
    status: PartStatus,
    /// Open real-time connections of this instance.
    total_connections: u64,
    /// Venues with a live feed subscriber.
    connected_venues: u64,
    /// Subscribers of the venues' feeds.
    joined_clients: u64,
}

/// The kitchen's load, or (`down`) why it could not be read.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct KitchenHealth {
    status: PartStatus,
    /// Orders confirmed, preparing or ready.
    #[schema(nullable = false)]
    active_kitchen_orders: Option<i64>,
    /// Confirmed or preparing for longer than `stuck_after_minutes`.
    #[schema(nullable = false)]
    stuck_orders: Option<i64>,
    #[schema(nullable = false)]
    stuck_after_minutes: Option<i64>,
    /// From preparing to ready over the last 24 hours; `null` without data.
    average_preparation_minutes: Option<f64>,
    /// Why it is down.
    #[schema(nullable = false)]
    message: Option<String>,
}

/// The server's health: the database, the WebSocket hub and the kitchen's load.
///
/// No authentication.
#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    responses(
        (status = 200, description = "The database answers.", body = HealthDoc),
        (status = 503, description = "The database does not answer (`status: \"error\"`).", body = HealthDoc),
    )
)]
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

/// The process's liveness.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct LiveDoc {
    /// Always `ok`.
    status: String,
}

/// Whether this instance can serve.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ReadyDoc {
    /// `ready`, or `not_ready` with `reason`.
    status: String,
    /// Why it cannot serve: the database does not answer, or migrations are pending.
    #[schema(nullable = false)]
    reason: Option<String>,
    /// The migrations this build has and the database lacks.
    #[schema(nullable = false)]
    pending_migrations: Option<Vec<i64>>,
}

/// Liveness: the process is up and answering (no dependency is checked). For a supervisor that
/// restarts a hung process (systemd's watchdog, a container's liveness probe): a database
/// outage must not get every instance restarted.
///
/// No authentication.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "meta",
    responses((status = 200, description = "The process is up.", body = LiveDoc))
)]
pub async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: the database answers and has every migration of this build. For a load balancer
/// or an orchestrator deciding whether to send this instance traffic: `503` takes it out of
/// rotation without killing it, and it comes back by itself when the database does.
///
/// No authentication.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "meta",
    responses(
        (status = 200, description = "Ready to serve.", body = ReadyDoc),
        (status = 503, description = "Not ready: the database does not answer or migrations are pending.", body = ReadyDoc),
    )
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = &state.services.store;
    let not_ready = |reason: String, pending: Option<Vec<i64>>| {
        let mut body = json!({"status": "not_ready", "reason": reason});
        if let Some(p) = pending {
            body["pending_migrations"] = json!(p);
        }
        (StatusCode::SERVICE_UNAVAILABLE, Json(body))
    };
    let check = tokio::time::timeout(std::time::Duration::from_secs(3), store.pending_migrations()).await;
    match check {
        Ok(Ok(pending)) if pending.is_empty() => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Ok(Ok(pending)) => {
            not_ready(format!("{} migration(s) of this build not applied", pending.len()), Some(pending))
        }
        Ok(Err(e)) => not_ready(format!("database: {e}"), None),
        Err(_) => not_ready("database: no answer within 3 s".into(), None),
    }
}
