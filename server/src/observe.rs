//! The operator's endpoints and the HTTP metrics: `GET /metrics` (Prometheus text), `GET
//! /health/live` and `GET /health/ready`, and the layer that counts and times every request
//! by method, route template and status class.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use beerflow_core::observe::Snapshot;
use std::time::Instant;

/// The route a response answered, as its template (`/api/v1/venues/{venue_id}/orders`): put in
/// the response by a route layer, read by the metrics layer outside the router.
#[derive(Clone)]
struct Route(MatchedPath);

/// Remembers the matched route's template in the response (route layer: runs only when a route
/// matched).
pub async fn stamp_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(m) = matched {
        response.extensions_mut().insert(Route(m));
    }
    response
}

/// The route label of a response: its route's template; requests no route matched are one of a
/// few fixed names (never the raw path, which a client chooses).
fn route_label(path: &str, response: &Response) -> String {
    if let Some(Route(m)) = response.extensions().get::<Route>() {
        let template = m.as_str();
        // A nested service's catch-all (the bundle under `/pkg`) is one route.
        return match template.find("/{*") {
            Some(i) => format!("{}/*", &template[..i]),
            None => template.to_owned(),
        };
    }
    if path.starts_with("/socket.io") { "/socket.io/".to_owned() } else { "unmatched".to_owned() }
}

/// Counts and times every request (until its response head), by method, route template and
/// status class.
pub async fn http_metrics(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let route = route_label(&path, &response);
    state.services.observe.metrics.http_request(method.as_str(), &route, response.status().as_u16(), started.elapsed());
    response
}

/// `GET /metrics`: this instance's metrics in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let services = &state.services;
    let pool = services.store.pool_stats();
    let (joined_venues, joined_clients) = services.hub.stats().await;
    // The kitchen's load is read from the database; without it the rest is still worth having.
    let kitchen = match services.store.kitchen_load(chrono::Utc::now()).await {
        Ok(load) => Some(load),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: reading the kitchen's load failed");
            None
        }
    };
    let snapshot = Snapshot {
        kitchen,
        pool_in_use: pool.in_use,
        pool_idle: pool.idle,
        pool_max: pool.max,
        joined_venues,
        joined_clients,
    };
    let text = services.observe.metrics.render(snapshot);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
