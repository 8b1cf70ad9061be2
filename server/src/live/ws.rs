//! `GET /api/v1/ws`: the real-time feed over a plain WebSocket, one JSON text frame per message
//! (`{"event", "data"}`, venue events also with `seq` and `ts`).
//!
//! Authentication happens before the upgrade (`?token=`, `Authorization: Bearer`, or the session
//! cookie with a same-origin check).

use super::{Ending, Incoming, Outgoing, Session, Transport};
use crate::AppState;
use crate::extract::AuthUser;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::request::Parts;
use axum::response::Response;
use beerflow_core::AppError;
use beerflow_core::domain::User;
use futures_util::SinkExt;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Debug, Deserialize)]
pub struct WsQuery {
    token: Option<String>,
}

/// The user of a WebSocket request; 401 before any upgrade.
async fn authenticate(state: &AppState, parts: &mut Parts, token: Option<&str>) -> Result<User, AppError> {
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        return state.services.authenticate_token(token).await;
    }
    if parts.headers.get(AUTHORIZATION).is_none() {
        // The session cookie: only from pages of this server (a cross-site page could otherwise
        // open a socket with the user's cookie).
        same_origin(state, &parts.headers)?;
    }
    AuthUser::from_request_parts(parts, state).await.map(|AuthUser(user)| user)
}

fn same_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    match headers.get(ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) if crate::guard::is_own_origin(state, headers, origin) => Ok(()),
        _ => Err(AppError::Unauthorized(
            "authentication required: send ?token=, `Authorization: Bearer`, or the session cookie from this site"
                .into(),
        )),
    }
}

/// Opens the real-time feed: a WebSocket, one JSON text frame per message.
///
/// Authenticated before the upgrade: `?token=`, `Authorization: Bearer` or the session cookie
/// (from BeerFlow's own pages).
#[utoipa::path(
    get,
    path = "/ws",
    tag = "live",
    params(("token" = Option<String>, Query, description = "An access token, for clients that cannot send headers.")),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 101, description = "Switched to the WebSocket protocol."),
        (
            status = 400, description = "Not a WebSocket upgrade request, or a malformed query.",
            body = beerflow_core::error::ErrorBody
        ),
        crate::routes::doc::Unauthorized,
        crate::routes::doc::Unavailable,
    )
)]
pub async fn ws(State(state): State<AppState>, request: axum::extract::Request) -> Result<Response, AppError> {
    let (mut parts, _body) = request.into_parts();
    let Query(q) = Query::<WsQuery>::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    let user = authenticate(&state, &mut parts, q.token.as_deref()).await?;
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| AppError::bad_request(format!("expected a WebSocket upgrade: {}", e.body_text())))?;
    let services = state.services.clone();
    // No user-space write buffer beyond the frame being written. Client frames are small.
    let upgrade = upgrade
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .read_buffer_size(4 * 1024)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024);
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut transport = WsTransport(socket);
        let kind = beerflow_core::observe::Transport::WebSocket;
        if Session::new(services, user, kind).run(&mut transport, true).await == Ending::Closed {
            // Finish the closing handshake, briefly.
            let _ = tokio::time::timeout(Duration::from_secs(1), SinkExt::close(&mut transport.0)).await;
        }
        // A lagging client's socket is full: it is simply dropped (the TCP connection closes).
    }))
}

/// The plain WebSocket: one JSON text frame per message, written as it is sent (no user-space
/// write buffer: what the kernel will not take waits, and the session bounds that wait).
struct WsTransport(WebSocket);

impl Transport for WsTransport {
    async fn recv(&mut self) -> Incoming {
        match self.0.recv().await {
            Some(Ok(Message::Text(text))) => decode(text.as_str()),
            Some(Ok(Message::Binary(_))) => Incoming::Malformed("frames must be JSON text".into()),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Incoming::Alive,
            Some(Ok(Message::Close(_)) | Err(_)) | None => Incoming::Closed,
        }
    }

    async fn send(&mut self, msg: Outgoing) -> Result<(), Ending> {
        self.0.send(encode(msg)).await.map_err(|_| Ending::Closed)
    }
}

#[derive(Deserialize)]
struct ClientFrame {
    event: String,
    #[serde(default)]
    data: Value,
}

fn decode(text: &str) -> Incoming {
    match serde_json::from_str::<ClientFrame>(text) {
        Ok(f) => Incoming::Event { event: f.event, data: f.data },
        Err(e) => Incoming::Malformed(format!("malformed JSON frame: {e}")),
    }
}

fn encode(msg: Outgoing) -> Message {
    match msg {
        Outgoing::Answer(event, data) => Message::Text(json!({"event": event, "data": data}).to_string().into()),
        Outgoing::Event(e) => Message::Text(e.json().into()),
        Outgoing::Ping => Message::Ping(Vec::new().into()),
        Outgoing::Close(code, reason) => Message::Close(Some(CloseFrame { code, reason: reason.into() })),
    }
}
