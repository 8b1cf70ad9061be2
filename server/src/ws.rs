//! `GET /api/v1/ws`: the real-time feed of `spec/REALTIME.md` over a plain WebSocket.
//!
//! Authentication happens before the upgrade (`?token=`, `Authorization: Bearer`, or the session
//! cookie with a same-origin check). A client joins its venue, optionally with the last `seq` it
//! saw: the log after it is replayed, then live events follow; the subscription is taken before
//! the replay is read and events are filtered by `seq`, so the seam has no gap and no duplicate.

use crate::AppState;
use crate::extract::AuthUser;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::response::Response;
use beerflow_core::AppError;
use beerflow_core::domain::User;
use beerflow_core::domain::event::EventRecord;
use beerflow_core::services::SharedServices;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use uuid::Uuid;

/// How often the server pings; a client silent for `PONG_TIMEOUT` is dropped.
pub const PING_EVERY: Duration = Duration::from_secs(20);
pub const PONG_TIMEOUT: Duration = Duration::from_secs(40);
/// Longest wait for room in a client's queue for an answer or a replayed event.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Events replayed per log query.
const REPLAY_PAGE: i64 = 500;

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
        same_origin(&parts.headers)?;
    }
    AuthUser::from_request_parts(parts, state).await.map(|AuthUser(user)| user)
}

fn same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let origin = headers.get(ORIGIN).and_then(|o| o.to_str().ok());
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host))
            if origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host) =>
        {
            Ok(())
        }
        _ => Err(AppError::Unauthorized(
            "authentication required: send ?token=, `Authorization: Bearer`, or the session cookie from this site"
                .into(),
        )),
    }
}

pub async fn ws(State(state): State<AppState>, request: axum::extract::Request) -> Result<Response, AppError> {
    let (mut parts, _body) = request.into_parts();
    let Query(q) = Query::<WsQuery>::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| AppError::BadRequest(format!("invalid query: {}", e.body_text())))?;
    let user = authenticate(&state, &mut parts, q.token.as_deref()).await?;
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|e| AppError::BadRequest(format!("expected a WebSocket upgrade: {}", e.body_text())))?;
    let services = state.services.clone();
    // No user-space write buffer beyond the frame being written: what a client has not taken
    // waits in its bounded queue, where it is counted.
    let upgrade = upgrade.write_buffer_size(0).max_write_buffer_size(256 * 1024);
    Ok(upgrade.on_upgrade(move |socket| Connection::new(services, user).run(socket)))
}

fn frame(event: &str, data: Value) -> Message {
    Message::Text(json!({"event": event, "data": data}).to_string().into())
}

fn error_frame(code: &str, message: impl Into<String>) -> Message {
    frame("error", json!({"code": code, "message": message.into()}))
}

fn event_frame(e: &EventRecord) -> Message {
    Message::Text(serde_json::to_string(e).unwrap_or_default().into())
}

struct Joined {
    venue_id: Uuid,
    rx: broadcast::Receiver<Arc<EventRecord>>,
    /// The last `seq` sent to this client.
    sent: i64,
}

struct Connection {
    services: SharedServices,
    user: User,
    joined: Option<Joined>,
}

#[derive(Deserialize)]
struct ClientFrame {
    event: String,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinData {
    venue_id: Uuid,
    #[serde(default)]
    last_seq: Option<i64>,
}

#[derive(Deserialize)]
struct LeaveData {
    venue_id: Uuid,
}

enum Next {
    Continue,
    Close,
    /// The client fell too far behind.
    Lagged,
}

/// The sending side of a client's bounded queue.
struct Out(mpsc::Sender<Message>);

impl Out {
    /// A live event: never waits; a full queue means the client is too slow.
    fn push(&mut self, msg: Message) -> Next {
        match self.0.try_send(msg) {
            Ok(()) => Next::Continue,
            Err(mpsc::error::TrySendError::Full(_)) => Next::Lagged,
            Err(mpsc::error::TrySendError::Closed(_)) => Next::Close,
        }
    }
}

impl Connection {
    fn new(services: SharedServices, user: User) -> Connection {
        Connection { services, user, joined: None }
    }

    async fn run(mut self, socket: WebSocket) {
        use futures_util::{SinkExt, StreamExt};
        self.services.realtime_connections.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (mut sink, mut stream) = socket.split();
        // The client's bounded queue: the writer task drains it into the socket; when a client
        // does not keep up, the queue fills and the client is cut off (it resumes with last_seq).
        let (tx, mut rx) = mpsc::channel::<Message>(self.services.hub.client_queue());
        let writer = tokio::spawn(async move {
            while let Some(msg) = rx.recv().await {
                if sink.send(msg).await.is_err() {
                    return;
                }
            }
            let _ = sink.close().await;
        });
        let mut out = Out(tx);
        let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        let mut last_seen = Instant::now();
        let mut closing = self.services.closing.subscribe();
        let lagged = loop {
            let next = tokio::select! {
                _ = shutting_down(&mut closing) => {
                    let close = CloseFrame { code: 1001, reason: "server shutting down".into() };
                    out.push(Message::Close(Some(close)));
                    Next::Close
                }
                msg = stream.next() => match msg {
                    Some(Ok(msg)) => {
                        last_seen = Instant::now();
                        self.on_message(&mut out, msg).await
                    }
                    _ => Next::Close,
                },
                event = recv(&mut self.joined) => self.on_event(&mut out, event).await,
                _ = ping.tick() => {
                    if last_seen.elapsed() > PONG_TIMEOUT {
                        Next::Close
                    } else {
                        out.push(Message::Ping(Vec::new().into()))
                    }
                }
            };
            match next {
                Next::Continue => {}
                Next::Close => break false,
                Next::Lagged => break true,
            }
        };
        drop(out);
        if lagged {
            // Its queue is full: waiting for it to drain is what a stalled client cannot do.
            writer.abort();
        } else {
            let _ = tokio::time::timeout(SEND_TIMEOUT, writer).await;
        }
        self.services.realtime_connections.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }

    async fn on_message(&mut self, socket: &mut Out, msg: Message) -> Next {
        let text = match msg {
            Message::Text(t) => t,
            Message::Close(_) => return Next::Close,
            Message::Ping(_) | Message::Pong(_) => return Next::Continue,
            Message::Binary(_) => {
                return send(socket, error_frame("bad_request", "frames must be JSON text")).await;
            }
        };
        let frame: ClientFrame = match serde_json::from_str(text.as_str()) {
            Ok(f) => f,
            Err(e) => return send(socket, error_frame("bad_request", format!("malformed JSON frame: {e}"))).await,
        };
        match frame.event.as_str() {
            "ping" => send(socket, self::frame("pong", json!({}))).await,
            "join_venue" => match serde_json::from_value::<JoinData>(frame.data) {
                Ok(join) => self.join(socket, join).await,
                Err(e) => send(socket, error_frame("bad_request", format!("join_venue: {e}"))).await,
            },
            "leave_venue" => match serde_json::from_value::<LeaveData>(frame.data) {
                Ok(leave) => {
                    if self.joined.as_ref().is_some_and(|j| j.venue_id == leave.venue_id) {
                        self.joined = None;
                    }
                    send(socket, self::frame("left_venue", json!({"venue_id": leave.venue_id}))).await
                }
                Err(e) => send(socket, error_frame("bad_request", format!("leave_venue: {e}"))).await,
            },
            other => send(socket, error_frame("unknown_event", format!("unknown event `{other}`"))).await,
        }
    }

    async fn join(&mut self, socket: &mut Out, join: JoinData) -> Next {
        if join.venue_id != self.user.venue_id {
            return send(socket, error_frame("forbidden", "this venue is not yours")).await;
        }
        let services = self.services.clone();
        let result: Result<Next, AppError> = async {
            // Subscribe first, then read the log: whatever commits after the read arrives live.
            let feed = services.hub.feed(join.venue_id).await?;
            let rx = feed.subscribe();
            let latest = services.store.latest_seq(join.venue_id).await?;
            self.joined = None;
            let joined =
                json!({"venue_id": join.venue_id, "user_id": self.user.id, "role": self.user.role, "seq": latest});
            let answer = send(socket, frame("joined_venue", joined)).await;
            if !matches!(answer, Next::Continue) {
                return Ok(answer);
            }
            let mut sent = latest;
            if let Some(last_seq) = join.last_seq {
                let oldest = services.store.oldest_seq(join.venue_id).await?;
                if last_seq < 0 || last_seq > latest || (oldest > 0 && last_seq < oldest - 1) {
                    let data = json!({"venue_id": join.venue_id, "seq": latest});
                    self.joined = Some(Joined { venue_id: join.venue_id, rx, sent: latest });
                    return Ok(send(socket, frame("resync_required", data)).await);
                }
                sent = last_seq;
                loop {
                    let page = services.store.list_events(join.venue_id, sent, REPLAY_PAGE).await?;
                    let n = page.len();
                    for e in &page {
                        let next = send(socket, event_frame(e)).await;
                        if !matches!(next, Next::Continue) {
                            return Ok(next);
                        }
                        sent = e.seq;
                    }
                    if (n as i64) < REPLAY_PAGE {
                        break;
                    }
                }
            }
            self.joined = Some(Joined { venue_id: join.venue_id, rx, sent });
            Ok(Next::Continue)
        }
        .await;
        match result {
            Ok(next) => next,
            Err(e) => send(socket, error_frame(e.code(), e.to_string())).await,
        }
    }

    async fn on_event(
        &mut self,
        socket: &mut Out,
        event: Result<Arc<EventRecord>, broadcast::error::RecvError>,
    ) -> Next {
        let Some(joined) = self.joined.as_mut() else { return Next::Continue };
        match event {
            Ok(e) if e.seq <= joined.sent => Next::Continue,
            Ok(e) if e.seq == joined.sent + 1 => {
                joined.sent = e.seq;
                socket.push(event_frame(&e))
            }
            Ok(e) => {
                // A gap (should not happen): fill it from the log, the source of truth.
                let venue = joined.venue_id;
                let mut sent = joined.sent;
                while sent < e.seq {
                    let page = match self.services.store.list_events(venue, sent, REPLAY_PAGE).await {
                        Ok(p) if !p.is_empty() => p,
                        _ => return Next::Close,
                    };
                    for ev in page.iter().take_while(|ev| ev.seq <= e.seq) {
                        let next = send(socket, event_frame(ev)).await;
                        if !matches!(next, Next::Continue) {
                            return next;
                        }
                        sent = ev.seq;
                    }
                }
                if let Some(j) = self.joined.as_mut() {
                    j.sent = sent;
                }
                Next::Continue
            }
            // Too slow: the client resumes with `last_seq` after reconnecting.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let close = CloseFrame { code: 4008, reason: "too slow: reconnect and join with last_seq".into() };
                socket.push(Message::Close(Some(close)));
                Next::Lagged
            }
            Err(broadcast::error::RecvError::Closed) => Next::Close,
        }
    }
}

async fn shutting_down(closing: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = closing.wait_for(|c| *c).await;
}

async fn recv(joined: &mut Option<Joined>) -> Result<Arc<EventRecord>, broadcast::error::RecvError> {
    match joined {
        Some(j) => j.rx.recv().await,
        None => std::future::pending().await,
    }
}

/// An answer or a replayed event: waits for room in the queue, but not for long.
async fn send(socket: &mut Out, msg: Message) -> Next {
    match tokio::time::timeout(SEND_TIMEOUT, socket.0.send(msg)).await {
        Ok(Ok(())) => Next::Continue,
        Ok(Err(_)) => Next::Close,
        Err(_) => Next::Lagged,
    }
}
