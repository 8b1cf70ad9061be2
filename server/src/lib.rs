//! The BeerFlow server: the REST API, the health check and the Leptos pages on one axum router,
//! exposed as `router()` and `run()` so tests start the real thing on port 0.

pub mod cli;
mod extract;
mod live;
mod routes;
mod session_store;

use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::response::IntoResponse;
use axum::serve::ListenerExt;
use beerflow_core::services::SharedServices;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Largest request body accepted (413 above it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub services: SharedServices,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Where the compiled site (WASM, JS, CSS, assets) lives: `LEPTOS_SITE_ROOT` if set (cargo-leptos
/// sets it), else the workspace's `target/site`.
pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_owned());
    LeptosOptions::builder().output_name("beerflow").site_root(site_root).site_pkg_dir("pkg").site_addr(addr).build()
}

pub fn router(state: AppState) -> Router {
    let services = state.services.clone();
    let sessions = SessionManagerLayer::new(session_store::DbSessionStore::new(services.store.clone()))
        .with_name("beerflow_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));
    let pages = generate_route_list(App);
    Router::new()
        .nest("/api/v1", routes::api())
        .route("/health", axum::routing::get(routes::health::health))
        .leptos_routes_with_context(&state, pages, move || provide_context(services.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(sessions)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(live::socketio::layer(state.services.clone()))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Server functions answer a failed use case with the REST API's status code (server_fn answers
/// every error with 500): the status is read from the typed error in the body.
async fn server_fn_status(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::StatusCode;
    use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "reading a server function's error");
            return (parts, axum::body::Body::empty()).into_response();
        }
    };
    let error = app::error::UiError::de(bytes.clone());
    if let Ok(status) = StatusCode::from_u16(error.status_code()) {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let services = state.services.clone();
    let shutdown = async move {
        shutdown.await;
        // WebSocket connections would keep a graceful shutdown waiting forever: close them.
        let _ = services.closing.send(true);
    };
    // No Nagle delay: a venue event written right after another (a new order, then its table's
    // status) must not wait for the client to acknowledge the first.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
