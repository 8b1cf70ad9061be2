//! The real-time feed of `spec/REALTIME.md`, one session logic behind two transports: the plain
//! WebSocket at `GET /api/v1/ws` (`ws`) and Socket.IO at `/socket.io/`, namespace `/orders`
//! (`socketio`).
//!
//! A session joins its venue, optionally with the last `seq` its client saw: the log after it is
//! replayed, then live events follow. The subscription is taken before the log is read and
//! events are filtered by `seq`, so the seam has no gap and no duplicate.
//!
//! One task per client owns its transport and writes to it directly. The venue's broadcast
//! channel is the client's bounded queue: the hub never waits for a client, and a client that
//! falls `Hub::client_queue` events behind, or whose socket takes no data for `SEND_TIMEOUT`, is
//! cut off (it resumes with `last_seq`). A slow client delays nobody but itself.

pub mod socketio;
pub mod ws;

use beerflow_core::AppError;
use beerflow_core::domain::{Action, User};
use beerflow_core::observe::{CutOff, Transport as Kind};
use beerflow_core::realtime::LiveEvent;
use beerflow_core::services::{SharedServices, authorize};
use serde::Deserialize;
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::Instant;
use uuid::Uuid;

/// How often the server pings; a client silent for `PONG_TIMEOUT` is dropped.
pub const PING_EVERY: Duration = Duration::from_secs(20);
pub const PONG_TIMEOUT: Duration = Duration::from_secs(40);
/// Longest wait for room in a client's queue for an answer or a replayed event.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Events replayed per log query.
const REPLAY_PAGE: i64 = 500;

/// What a client sent, as its transport decoded it.
pub enum Incoming {
    Event {
        event: String,
        data: Value,
    },
    /// A frame that is not an event (malformed JSON, binary): answered with `bad_request`.
    Malformed(String),
    /// A transport-level sign of life (WebSocket ping or pong).
    Alive,
    Closed,
}

/// What a session sends; the transport encodes it.
pub enum Outgoing {
    /// An answer to the client (`joined_venue`, `pong`, `error`...).
    Answer(&'static str, Value),
    /// A venue event (with its `seq` and `ts`).
    Event(Arc<LiveEvent>),
    /// A transport-level ping (plain WebSocket only).
    Ping,
    /// Close the connection with this code and reason.
    Close(u16, &'static str),
}

fn error(code: &str, message: impl Into<String>) -> Outgoing {
    Outgoing::Answer("error", json!({"code": code, "message": message.into()}))
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

/// How a session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// The client left, the transport closed, or the server is shutting down.
    Closed,
    /// The client was cut off (it fell too far behind, or went silent): do not wait for its
    /// queue to drain.
    Lagged(CutOff),
}

enum Next {
    Continue,
    Stop(Ending),
}

/// A client connection as the session sees it.
pub trait Transport: Send {
    /// The client's next message. Cancel-safe: the session polls it beside its other sources.
    fn recv(&mut self) -> impl Future<Output = Incoming> + Send;
    /// Writes to the client, waiting while its socket is full (the session bounds the wait).
    fn send(&mut self, msg: Outgoing) -> impl Future<Output = Result<(), Ending>> + Send;
}

/// Sends within `SEND_TIMEOUT`; a client that takes nothing for that long is cut off.
async fn send(t: &mut impl Transport, msg: Outgoing) -> Next {
    let sending = t.send(msg);
    tokio::pin!(sending);
    // Most sends complete at once; only the others start a timer.
    let sent = match std::future::poll_fn(|cx| Poll::Ready(sending.as_mut().poll(cx))).await {
        Poll::Ready(sent) => Ok(sent),
        Poll::Pending => tokio::time::timeout(SEND_TIMEOUT, sending).await,
    };
    match sent {
        Ok(Ok(())) => Next::Continue,
        Ok(Err(ending)) => Next::Stop(ending),
        Err(_) => Next::Stop(Ending::Lagged(CutOff::SendTimeout)),
    }
}

struct Joined {
    venue_id: Uuid,
    rx: broadcast::Receiver<Arc<LiveEvent>>,
    /// The last `seq` sent to this client.
    sent: i64,
}

/// One connected client of either transport.
pub struct Session {
    services: SharedServices,
    user: User,
    joined: Option<Joined>,
    /// The transport's name in the metrics.
    kind: Kind,
}

/// Counts a connection in `/health` and in the metrics while it lives.
struct Counted(SharedServices, #[allow(dead_code)] beerflow_core::observe::ConnectionGuard);

impl Counted {
    fn new(services: &SharedServices, kind: Kind) -> Counted {
        services.realtime_connections.fetch_add(1, Ordering::Relaxed);
        Counted(services.clone(), services.observe.metrics.connection(kind))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.realtime_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Session {
    pub fn new(services: SharedServices, user: User, kind: Kind) -> Session {
        Session { services, user, joined: None, kind }
    }

    /// Serves the client until it leaves, its transport closes, it falls behind or the server
    /// shuts down. With `heartbeat`, the session pings every `PING_EVERY` and drops a client
    /// silent for `PONG_TIMEOUT` (Socket.IO has its own heartbeat).
    pub async fn run(self, t: &mut impl Transport, heartbeat: bool) -> Ending {
        let (services, kind) = (self.services.clone(), self.kind);
        let ending = self.serve(t, heartbeat).await;
        if let Ending::Lagged(reason) = ending {
            services.observe.metrics.cut_off(kind, reason);
        }
        ending
    }

    async fn serve(mut self, t: &mut impl Transport, heartbeat: bool) -> Ending {
        let _counted = Counted::new(&self.services, self.kind);
        let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
        let mut last_seen = Instant::now();
        let mut closing = self.services.closing.subscribe();
        let shutdown = shutting_down(&mut closing);
        tokio::pin!(shutdown);
        loop {
            let next = tokio::select! {
                // Events first: on the hot path (an event for a thousand clients) the other
                // sources are not polled at all. They cannot starve: events come a few a second.
                biased;
                event = recv(&mut self.joined) => self.on_event(t, event).await,
                msg = t.recv() => match msg {
                    Incoming::Closed => Next::Stop(Ending::Closed),
                    msg => {
                        last_seen = Instant::now();
                        self.on_message(t, msg).await
                    }
                },
                _ = &mut shutdown => {
                    let _ = send(t, Outgoing::Close(1001, "server shutting down")).await;
                    Next::Stop(Ending::Closed)
                }
                _ = ping.tick(), if heartbeat => {
                    if last_seen.elapsed() > PONG_TIMEOUT {
                        Next::Stop(Ending::Lagged(CutOff::Silent))
                    } else {
                        send(t, Outgoing::Ping).await
                    }
                }
            };
            if let Next::Stop(ending) = next {
                // Out of the venue's feed before the connection stops counting, so that the
                // metrics never show a joined client without a connection.
                self.joined = None;
                return ending;
            }
        }
    }

    async fn on_message(&mut self, t: &mut impl Transport, msg: Incoming) -> Next {
        let (event, data) = match msg {
            Incoming::Event { event, data } => (event, data),
            Incoming::Malformed(why) => return send(t, error("bad_request", why)).await,
            Incoming::Alive | Incoming::Closed => return Next::Continue,
        };
        match event.as_str() {
            "ping" => send(t, Outgoing::Answer("pong", json!({}))).await,
            "join_venue" => match serde_json::from_value::<JoinData>(data) {
                Ok(join) => self.join(t, join).await,
                Err(e) => send(t, error("bad_request", format!("join_venue: {e}"))).await,
            },
            "leave_venue" => match serde_json::from_value::<LeaveData>(data) {
                Ok(leave) => {
                    if self.joined.as_ref().is_some_and(|j| j.venue_id == leave.venue_id) {
                        self.joined = None;
                    }
                    send(t, Outgoing::Answer("left_venue", json!({"venue_id": leave.venue_id}))).await
                }
                Err(e) => send(t, error("bad_request", format!("leave_venue: {e}"))).await,
            },
            other => send(t, error("unknown_event", format!("unknown event `{other}`"))).await,
        }
    }

    async fn join(&mut self, t: &mut impl Transport, join: JoinData) -> Next {
        // The venue's feed shows its orders: the same right as reading them through the API.
        if let Err(refused) = authorize(&self.user, join.venue_id, Action::OrdersRead) {
            return send(t, error("forbidden", refused.to_string())).await;
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
            if let Next::Stop(ending) = send(t, Outgoing::Answer("joined_venue", joined)).await {
                return Ok(Next::Stop(ending));
            }
            let mut sent = latest;
            if let Some(last_seq) = join.last_seq {
                let oldest = services.store.oldest_seq(join.venue_id).await?;
                // Replay needs every event after `last_seq` still in the log.
                let pruned = last_seq < latest && (oldest == 0 || last_seq < oldest - 1);
                if last_seq < 0 || last_seq > latest || pruned {
                    let data = json!({"venue_id": join.venue_id, "seq": latest});
                    self.joined = Some(Joined { venue_id: join.venue_id, rx, sent: latest });
                    return Ok(send(t, Outgoing::Answer("resync_required", data)).await);
                }
                sent = match replay(&services, t, self.kind, join.venue_id, last_seq, None).await {
                    Ok(sent) => sent,
                    Err(Replay::Client(ending)) => return Ok(Next::Stop(ending)),
                    Err(Replay::Store(e)) => return Err(e),
                };
            }
            self.joined = Some(Joined { venue_id: join.venue_id, rx, sent });
            Ok(Next::Continue)
        }
        .await;
        match result {
            Ok(next) => next,
            Err(e) => send(t, error(e.code(), e.to_string())).await,
        }
    }

    async fn on_event(
        &mut self,
        t: &mut impl Transport,
        event: Result<Arc<LiveEvent>, broadcast::error::RecvError>,
    ) -> Next {
        let Some(joined) = self.joined.as_mut() else { return Next::Continue };
        match event {
            Ok(e) if e.record.seq <= joined.sent => Next::Continue,
            Ok(e) if e.record.seq == joined.sent + 1 => {
                joined.sent = e.record.seq;
                let since_commit = (chrono::Utc::now() - e.record.ts).to_std().unwrap_or_default();
                let next = send(t, Outgoing::Event(e)).await;
                if matches!(next, Next::Continue) {
                    self.services.observe.metrics.delivered(self.kind, Some(since_commit));
                }
                next
            }
            Ok(e) => {
                // A gap (should not happen): fill it from the log, the source of truth.
                let upto = e.record.seq;
                match replay(&self.services, t, self.kind, joined.venue_id, joined.sent, Some(upto)).await {
                    Ok(sent) if sent >= upto => {
                        if let Some(j) = self.joined.as_mut() {
                            j.sent = sent;
                        }
                        Next::Continue
                    }
                    // The log lacks what was broadcast, or cannot be read: the client reconnects.
                    Ok(_) | Err(Replay::Store(_)) => Next::Stop(Ending::Closed),
                    Err(Replay::Client(ending)) => Next::Stop(ending),
                }
            }
            // Too slow: the client resumes with `last_seq` after reconnecting.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let close = Outgoing::Close(4008, "too slow: reconnect and join with last_seq");
                let _ = tokio::time::timeout(Duration::from_millis(100), t.send(close)).await;
                Next::Stop(Ending::Lagged(CutOff::QueueFull))
            }
            Err(broadcast::error::RecvError::Closed) => Next::Stop(Ending::Closed),
        }
    }
}

/// Why a replay from the event log stopped short.
enum Replay {
    /// The client went away or fell behind.
    Client(Ending),
    /// The log could not be read.
    Store(AppError),
}

/// Sends the venue's logged events after `after` (up to `upto`, if given), in order, page by
/// page; returns the last `seq` sent.
async fn replay(
    services: &SharedServices,
    t: &mut impl Transport,
    kind: Kind,
    venue: Uuid,
    after: i64,
    upto: Option<i64>,
) -> Result<i64, Replay> {
    let mut sent = after;
    loop {
        let page = services.store.list_events(venue, sent, REPLAY_PAGE).await.map_err(Replay::Store)?;
        let full = page.len() as i64 == REPLAY_PAGE;
        for e in page {
            if upto.is_some_and(|upto| e.seq > upto) {
                return Ok(sent);
            }
            let seq = e.seq;
            if let Next::Stop(ending) = send(t, Outgoing::Event(LiveEvent::new(e))).await {
                return Err(Replay::Client(ending));
            }
            services.observe.metrics.delivered(kind, None);
            sent = seq;
        }
        if !full || upto.is_some_and(|upto| sent >= upto) {
            return Ok(sent);
        }
    }
}

/// Resolves when the server starts shutting down (a helper so no watch guard lives in `select!`).
async fn shutting_down(closing: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = closing.wait_for(|c| *c).await;
}

async fn recv(joined: &mut Option<Joined>) -> Result<Arc<LiveEvent>, broadcast::error::RecvError> {
    match joined {
        Some(j) => j.rx.recv().await,
        None => std::future::pending().await,
    }
}
