//! The layers every request passes: cross-site writes refused, bodies read before anything
//! answers, security headers, real redirects for pages, and the REST API's status codes for the
//! server functions' errors.

use crate::{AppState, MAX_BODY_BYTES};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use beerflow_core::AppError;
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "beerflow_session";

/// Is `origin` (an `Origin` header: `scheme://host[:port]`) this server's own: the public URL's
/// origin when one is configured, else the origin of the `Host` the request was sent to?
pub fn is_own_origin(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    if let Some(public) = &state.public_origin {
        return origin == public;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    host.is_some() && origin_host == host
}

/// A state-changing request that authenticates with the browser's session cookie must come from
/// this server's own pages: its `Origin` (or, without one, `Sec-Fetch-Site`) says so. A browser
/// sends one of them with every cross-site request, so a request with neither is not a forged
/// one (a script or a tool sending its own cookie). Bearer-token requests are not affected: the
/// token is what authenticates them, and a forged page cannot attach it.
pub async fn same_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let reads = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let with_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .any(|c| c.split(';').any(|pair| pair.trim().starts_with(&format!("{SESSION_COOKIE}="))));
    if reads || !with_cookie || headers.contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok());
    let own = match (origin, fetch_site) {
        (Some(origin), _) => is_own_origin(&state, headers, origin),
        (None, Some(site)) => matches!(site, "same-origin" | "none"),
        (None, None) => true,
    };
    if own {
        next.run(request).await
    } else {
        tracing::warn!(origin, fetch_site, path = %request.uri().path(), "cross-site write refused");
        AppError::forbidden("cross-site request refused: this action must come from BeerFlow's own pages")
            .into_response()
    }
}

/// Reads the whole body (at most `MAX_BODY_BYTES`) before anything answers, so that a request
/// refused early (a 403 before its JSON is looked at) leaves the connection usable for the next
/// request; a body that is too large is answered with 413 and the connection is closed.
pub async fn read_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.downcast_ref::<http_body_util::LengthLimitError>().is_some());
            let error = if too_large {
                AppError::PayloadTooLarge(format!("request body is larger than {MAX_BODY_BYTES} bytes").into())
            } else {
                AppError::bad_request(format!("the request body could not be read: {e}"))
            };
            let mut response = error.into_response();
            // What is left of the body is not read: say so rather than drop the connection.
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Headers every response carries: no MIME sniffing, never framed by another site (clickjacking;
/// a kiosk browser shows the kitchen display as a top-level page), no referrer to other sites.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("referrer-policy", "same-origin"),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Settles the language and venue format of a page before it is rendered (the signed-in
/// user's, else the login page's choice or the browser's `Accept-Language`): the shell writes
/// it on `<html>`, the app renders in it.
pub async fn page_locale(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let page = request.method() == Method::GET
        && !["/api/", "/pkg/", "/socket.io"].iter().any(|p| path.starts_with(p))
        && !path.rsplit('/').next().unwrap_or_default().contains('.');
    if page && let Some(session) = request.extensions().get::<tower_sessions::Session>().cloned() {
        let locale = app::api::ssr::request_locale(&state.services, &session, request.headers()).await;
        request.extensions_mut().insert(locale);
    }
    next.run(request).await
}

/// A page that redirects (no session: to the login page) answers a real `302` with no body,
/// whatever the client's `Accept` (leptos answers 200 with a `Location` unless the request
/// accepts HTML, and sends the rendered page along either way). The
/// server functions' redirects are left as they are: their page's code follows them.
pub async fn page_redirects(request: Request, next: Next) -> Response {
    let page = request.method() == Method::GET && !request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let redirects = status.is_success() || status.is_redirection();
    if !page || !redirects || !response.headers().contains_key(header::LOCATION) {
        return response;
    }
    // The page behind the redirect was rendered anyway: it is not sent.
    let (mut parts, _) = response.into_parts();
    if status.is_success() {
        parts.status = StatusCode::FOUND;
    }
    parts.headers.remove("serverfnredirect");
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::empty())
}

/// Server functions answer a failed use case with the REST API's status code (server_fn answers
/// every error with 500): the status is read from the typed error in the body.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
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
            return (parts, Body::empty()).into_response();
        }
    };
    let error = app::error::UiError::de(bytes.clone());
    if let Ok(status) = StatusCode::from_u16(error.status_code()) {
        parts.status = status;
    }
    if let app::error::UiError::App(error) = &error {
        error.add_headers(&mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A method the path does not take: 405 with the contract's error body.
pub async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> AppError {
    AppError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()).into())
}
