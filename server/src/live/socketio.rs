//! Socket.IO compatibility (`spec/REALTIME.md`): path `/socket.io/`, namespace `/orders`,
//! protocol v5, served by socketioxide. The token goes in the handshake's `auth: {token}`; a
//! missing or bad token is refused with a `connect_error`. The client emits `join_venue`,
//! `leave_venue` and `ping` and receives the same answers and venue events as on the plain
//! WebSocket, each venue event's `seq` and `ts` added into its data. Engine.IO's heartbeat
//! (ping every 20 s, 20 s to answer) replaces the plain WebSocket's pings.

use super::{Ending, Incoming, Outgoing, PING_EVERY, PONG_TIMEOUT, Session, Transport};
use beerflow_core::domain::User;
use beerflow_core::services::SharedServices;
use serde::Deserialize;
use serde_json::{Value, json};
use socketioxide::adapter::LocalAdapter;
use socketioxide::extract::{Event, SocketRef, TryData};
use socketioxide::handler::{ConnectHandler, FromMessageParts};
use socketioxide::layer::SocketIoLayer;
use socketioxide::socket::Socket;
use socketioxide::{SendError, SocketError, SocketIo};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

pub const NAMESPACE: &str = "/orders";
/// Client messages waiting for the session; a client that floods past this loses the excess.
const INBOX: usize = 64;
/// The Socket.IO layer for the router.
pub fn layer(services: SharedServices) -> SocketIoLayer {
    let (layer, io) = SocketIo::builder()
        .ping_interval(PING_EVERY)
        .ping_timeout(PONG_TIMEOUT - PING_EVERY)
        // The client's bounded queue: a client that lets it fill is cut off.
        .max_buffer_size(services.hub.client_queue())
        .build_layer();
    let on_connect = {
        let services = services.clone();
        move |socket: SocketRef| {
            let services = services.clone();
            async move { connected(socket, services) }
        }
    };
    let authenticate = move |socket: SocketRef, TryData(auth): TryData<Auth>| {
        let services = services.clone();
        async move {
            let token =
                auth.map_err(|_| Refused("unauthorized: send the access token as the handshake's auth {token}"))?.token;
            let user = services
                .authenticate_token(&token)
                .await
                .map_err(|_| Refused("unauthorized: invalid or expired token"))?;
            socket.extensions.insert(user);
            listen(&socket);
            Ok::<(), Refused>(())
        }
    };
    io.ns(NAMESPACE, on_connect.with(authenticate));
    layer
}

#[derive(Deserialize)]
struct Auth {
    token: String,
}

#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Where a socket's messages go: its session's inbox.
#[derive(Clone)]
struct Inbox(mpsc::Sender<Incoming>);

/// socketioxide runs each message handler in a task of its own, so two messages could reach the
/// session out of order. Extraction runs in the order messages arrive, so this extractor hands
/// each message to the session's inbox there; the handler itself does nothing.
struct Inbound;

impl FromMessageParts<LocalAdapter> for Inbound {
    type Error = Infallible;

    fn from_message_parts(
        s: &Arc<Socket<LocalAdapter>>,
        v: &mut socketioxide_core::Value,
        ack: &Option<i64>,
    ) -> Result<Inbound, Infallible> {
        let msg = match Event::from_message_parts(s, v, ack) {
            Ok(Event(event)) => {
                // An event without data (`socket.emit("ping")`) has none to decode.
                let data = match TryData::<Value>::from_message_parts(s, v, ack) {
                    Ok(TryData(Ok(data))) => data,
                    _ => Value::Null,
                };
                Incoming::Event { event, data }
            }
            Err(e) => Incoming::Malformed(format!("unreadable event: {e}")),
        };
        if let Some(Inbox(inbox)) = s.extensions.get::<Inbox>() {
            let _ = inbox.try_send(msg);
        }
        Ok(Inbound)
    }
}

/// The inbox's receiving end, from the handshake until the session takes it.
#[derive(Clone)]
struct Unclaimed(Arc<std::sync::Mutex<Option<mpsc::Receiver<Incoming>>>>);

/// Opens the socket's inbox before the CONNECT packet goes out (the middleware runs first):
/// socketioxide runs the connect handler in a task of its own after sending CONNECT, so a client
/// that emits `join_venue` at once could otherwise be heard before anything listens, and its
/// message would be dropped unanswered. Messages wait in the inbox until the session starts.
fn listen(socket: &SocketRef) {
    let (inbox, messages) = mpsc::channel::<Incoming>(INBOX);
    socket.extensions.insert(Inbox(inbox.clone()));
    socket.extensions.insert(Unclaimed(Arc::new(std::sync::Mutex::new(Some(messages)))));
    socket.on_fallback(async |_: Inbound| {});
    socket.on_disconnect(move || {
        let inbox = inbox.clone();
        async move {
            let _ = inbox.send(Incoming::Closed).await;
        }
    });
}

fn connected(socket: SocketRef, services: SharedServices) {
    let user = socket.extensions.get::<User>();
    let messages = socket.extensions.get::<Unclaimed>().and_then(|Unclaimed(m)| m.lock().ok()?.take());
    let (Some(user), Some(messages)) = (user, messages) else {
        let _ = socket.disconnect();
        return;
    };
    let mut transport = SioTransport { socket, messages };
    tokio::spawn(async move {
        let kind = beerflow_core::observe::Transport::SocketIo;
        if matches!(Session::new(services, user, kind).run(&mut transport, false).await, Ending::Lagged(_)) {
            disconnect_lagging(transport.socket).await;
        }
    });
}

/// A Socket.IO socket: messages come through the inbox, answers and events are emitted into
/// socketioxide's bounded buffer (waiting while it is full; the session bounds the wait).
struct SioTransport {
    socket: SocketRef,
    messages: mpsc::Receiver<Incoming>,
}

impl Transport for SioTransport {
    async fn recv(&mut self) -> Incoming {
        self.messages.recv().await.unwrap_or(Incoming::Closed)
    }

    async fn send(&mut self, msg: Outgoing) -> Result<(), Ending> {
        match msg {
            Outgoing::Answer(event, data) => emit(&self.socket, event, &data).await,
            Outgoing::Event(e) => {
                let e = &e.record;
                let mut data = e.data.clone();
                if let Value::Object(fields) = &mut data {
                    fields.insert("seq".into(), json!(e.seq));
                    fields.insert("ts".into(), json!(e.ts));
                }
                emit(&self.socket, &e.event, &data).await
            }
            // Engine.IO has its own heartbeat.
            Outgoing::Ping => Ok(()),
            Outgoing::Close(..) => {
                let _ = self.socket.clone().disconnect();
                Err(Ending::Closed)
            }
        }
    }
}

/// Emits into socketioxide's buffer, waiting while it is full.
async fn emit(socket: &SocketRef, event: &str, data: &Value) -> Result<(), Ending> {
    loop {
        match socket.emit(event, data) {
            Ok(()) => return Ok(()),
            Err(SendError::Socket(SocketError::InternalChannelFull)) => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            Err(_) => return Err(Ending::Closed),
        }
    }
}

/// A lagging client's buffer is full, so its disconnect packet may not fit at once; retry until
/// it does or Engine.IO's heartbeat drops the client.
async fn disconnect_lagging(socket: SocketRef) {
    for _ in 0..(PONG_TIMEOUT.as_secs() + 5) {
        match socket.clone().disconnect() {
            Err(SocketError::InternalChannelFull) => tokio::time::sleep(Duration::from_secs(1)).await,
            _ => return,
        }
    }
}
