//! The BeerFlow server: the REST API, the health check and the Leptos pages on one axum router,
//! exposed as `router()` and `run()` so tests start the real thing on port 0.

pub mod cli;
pub mod client;
mod extract;
pub mod guard;
mod live;
pub mod observe;
mod routes;
mod session_store;

pub use routes::openapi;

use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::middleware::{from_fn, from_fn_with_state};
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
    /// The origin (`https://pub.example`) the site is served at, when it is behind a proxy or on
    /// HTTPS (`--public-url`): cross-site checks compare with it, and over HTTPS the session
    /// cookie is `Secure`. `None`: the origin of the request's own `Host`.
    pub public_origin: Option<String>,
    /// Whether `GET /metrics` is served with everything else (the default), or only on the
    /// separate address of `--metrics-addr` (`metrics_router`).
    pub metrics_on_main: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`--trusted-proxies`).
    pub trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
}

/// The origin of a public URL (`https://pub.example:8443/some/path` -> `https://pub.example:8443`);
/// an error names what is wrong.
pub fn public_origin(url: &str) -> Result<String, String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("public URL `{url}`: expected http(s)://host"))?;
    if !matches!(scheme, "http" | "https") {
        return Err(format!("public URL `{url}`: the scheme must be http or https"));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains(['@', '?', '#', ' ']) {
        return Err(format!("public URL `{url}`: expected http(s)://host[:port]"));
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
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

/// The pages' routes, listed once per process. Listing them runs the app with resource loading
/// suppressed by a process-wide flag (leptos_router's `SuppressResourceLoad`): a page being
/// rendered meanwhile by another router of the same process (the integration tests start many
/// servers in one process) would create a resource that waits forever (leptos-rs/leptos#4773),
/// and its response would never end. Listed once, before any router of the process can serve,
/// nothing renders while the flag is up.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static PAGES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    PAGES.clone()
}

pub fn router(mut state: AppState) -> Router {
    let services = state.services.clone();
    // The bundle's files as built; the pages name them under `pkg/<version>/`, which is cached
    // for good, since a new bundle has another version.
    let pkg_dir =
        std::path::Path::new(state.leptos_options.site_root.as_ref()).join(state.leptos_options.site_pkg_dir.as_ref());
    let version = bundle_version(&pkg_dir);
    if let Some(v) = &version {
        state.leptos_options.site_pkg_dir = format!("pkg/{v}").into();
    }
    let https = state.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"));
    let sessions = SessionManagerLayer::new(session_store::DbSessionStore::new(services.store.clone()))
        .with_name(guard::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));
    let parts = split_manifest(&pkg_dir, state.leptos_options.site_pkg_dir.as_ref());
    let pages = page_routes();
    let mut router = Router::new();
    if state.metrics_on_main {
        router = router.route("/metrics", axum::routing::get(observe::metrics));
    }
    router
        .nest(routes::API_BASE, routes::api())
        .merge(routes::root())
        .leptos_routes_with_context(
            &state,
            pages,
            move || {
                provide_context(services.clone());
                if let Some(parts) = &parts {
                    provide_context(parts.clone());
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service("/pkg", pkg_service(&pkg_dir, "no-cache"))
        .nest_service(
            &format!("/pkg/{}", version.as_deref().unwrap_or("current")),
            pkg_service(&pkg_dir, "public, max-age=31536000, immutable"),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .route_layer(from_fn(observe::stamp_route))
        .layer(from_fn(guard::server_fn_status))
        .layer(from_fn(guard::page_redirects))
        .layer(from_fn_with_state(state.clone(), guard::page_locale))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), guard::same_origin_writes))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn(guard::read_body))
        .layer(live::socketio::layer(state.services.clone()))
        .layer(from_fn(guard::security_headers))
        .layer(from_fn_with_state(state.clone(), client::client_addr))
        .layer(from_fn_with_state(state.clone(), observe::http_metrics))
        .layer(TraceLayer::new_for_http())
        // Pages, JSON and the rest compressed when the client accepts it (a response that is
        // already compressed, like the bundle's precompressed files, is left as it is).
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// `GET /metrics` alone, for the separate address of `--metrics-addr` (an operator's network,
/// not behind the public load balancer).
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", axum::routing::get(observe::metrics)).with_state(state)
}

/// The bundle (`/pkg`: WASM, JS, CSS): the precompressed `.br` or `.gz` copy `cargo xtask site`
/// writes when the client accepts it, else the file itself, with `cache_control`. The pages
/// name the bundle under `/pkg/<version>/` (immutable: a new bundle gets a new version); the
/// plain `/pkg/...` names stay for anything else, revalidated (`no-cache`: a `304` from
/// `Last-Modified` until the bundle changes).
fn pkg_service(dir: &std::path::Path, cache_control: &'static str) -> axum::routing::MethodRouter {
    use axum::http::{HeaderValue, header::CACHE_CONTROL};
    use tower_http::services::ServeDir;
    use tower_http::set_header::SetResponseHeaderLayer;
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    axum::routing::get_service(files)
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static(cache_control)))
}

/// Which lazily loaded parts of the bundle each screen needs (`__wasm_split_manifest.json`,
/// written by `cargo xtask site`), for the pages to name them in `<link rel="preload">`.
fn split_manifest(pkg_dir: &std::path::Path, pkg_path: &str) -> Option<app::BundleParts> {
    let file = std::fs::read_to_string(pkg_dir.join("__wasm_split_manifest.json")).ok()?;
    let parts = serde_json::from_str(&file).ok()?;
    Some(app::BundleParts {
        root: format!("/{pkg_path}"),
        parts: std::sync::Arc::new(parts),
        loader: "__wasm_split.______________________.js".to_owned(),
    })
}

/// The bundle's version: the first 16 hex digits of the SHA-256 of its files (the JS, the WASM
/// and its lazily loaded parts, the CSS, the split manifest; not their compressed copies), the
/// same on every instance serving the same build; `None` without a built bundle.
pub fn bundle_version(pkg_dir: &std::path::Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    if !pkg_dir.join("beerflow.js").exists() {
        return None;
    }
    let mut names: Vec<String> = std::fs::read_dir(pkg_dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.ends_with(".br") && !n.ends_with(".gz"))
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        if let Ok(bytes) = std::fs::read(pkg_dir.join(&name)) {
            hasher.update(name.as_bytes());
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
        }
    }
    Some(hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// How long in-flight requests get to finish once the server is told to stop; then it stops
/// anyway (a client that keeps a connection busy must not keep the process alive: an operator's
/// `systemctl stop`, a rolling deploy or a test script waits for it).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves until `shutdown` resolves, then lets in-flight requests finish, for at most
/// [`SHUTDOWN_GRACE`].
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let services = state.services.clone();
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        shutdown.await;
        // WebSocket connections would keep a graceful shutdown waiting forever: close them.
        let _ = services.closing.send(true);
        let _ = stopping.send(());
    };
    let deadline = async move {
        if stopped.await.is_err() {
            return std::future::pending().await;
        }
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    // No Nagle delay: a venue event written right after another (a new order, then its table's
    // status) must not wait for the client to acknowledge the first.
    let listener = listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    let serve = axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown);
    tokio::select! {
        served = std::future::IntoFuture::into_future(serve) => served,
        () = deadline => {
            tracing::warn!(grace = ?SHUTDOWN_GRACE, "requests still in flight after the grace period; stopping anyway");
            Ok(())
        }
    }
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
