//! The live venue feed in the browser: one WebSocket (`/api/v1/ws`, authenticated by the session
//! cookie) joined to the user's venue. It remembers the last `seq` it saw and joins again with
//! it after any drop, so the server replays what was missed. Pages either read `version` (bumped
//! after every venue event and every (re)join) to refetch their state, or apply `events` one by
//! one and reload everything only on `resync` (the kitchen display); either way nothing
//! accumulates in memory however long a screen runs.
//!
//! The socket reconnects every second while down, closes at once when the browser goes offline
//! and reopens when it comes back; a ping every 15 s and no answer for 35 s counts as a drop.

use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

/// The feed as pages see it.
#[derive(Clone, Copy)]
pub struct Live {
    /// Joined and receiving.
    pub connected: Signal<bool>,
    /// Bumped after every venue event and every (re)join.
    pub version: ReadSignal<u64>,
    /// Bumped after every (re)join and `resync_required` only: when a screen that applies
    /// events one by one must reload everything.
    pub resync: ReadSignal<u64>,
    /// The latest venue events, oldest first (the last `KEPT_EVENTS`): a screen applying them
    /// keeps the highest `seq` it applied and takes the ones after it, so none is missed when
    /// several arrive before it runs.
    pub events: ReadSignal<std::collections::VecDeque<LiveEvent>>,
}

/// A venue event as it came in.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEvent {
    pub seq: i64,
    pub name: String,
    pub data: Value,
    /// When the server recorded it (the frame's `ts`).
    pub ts: Option<chrono::DateTime<chrono::Utc>>,
}

/// How many of the latest events the feed keeps for the screens.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const KEPT_EVENTS: usize = 256;

impl Live {
    /// `version`, but changing at most once per `every`: the first event after a quiet spell
    /// counts at once, those that follow within `every` count together at its end. For screens
    /// that reload a lot on each change (the manager's overview and stock board) during a rush,
    /// when events come several a second.
    pub fn settled(self, every: std::time::Duration) -> ReadSignal<u64> {
        let (settled, set_settled) = signal(self.version.get_untracked());
        #[cfg(feature = "hydrate")]
        {
            let holding = StoredValue::new(false);
            Effect::new(move |_| {
                let now = self.version.get();
                if holding.get_value() {
                    return;
                }
                set_settled.set(now);
                holding.set_value(true);
                set_timeout(
                    move || {
                        holding.set_value(false);
                        if let (Some(latest), Some(shown)) =
                            (self.version.try_get_untracked(), settled.try_get_untracked())
                            && latest != shown
                        {
                            set_settled.set(latest);
                        }
                    },
                    every,
                );
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (every, set_settled);
        settled
    }

    /// Runs `apply` on every event after the last one it was given, in order.
    pub fn for_each_new_event(self, apply: impl Fn(&LiveEvent) + 'static) {
        let seen = StoredValue::new(0i64);
        Effect::new(move |_| {
            let last = seen.get_value();
            let mut newest = last;
            self.events.with(|events| {
                for e in events.iter().filter(|e| e.seq > last) {
                    apply(e);
                    newest = newest.max(e.seq);
                }
            });
            seen.set_value(newest);
        });
    }
}

/// Opens the feed for this page (in the browser; on the server it stays disconnected).
pub fn use_live(venue_id: Uuid) -> Live {
    let (version, set_version) = signal(0u64);
    let (resync, set_resync) = signal(0u64);
    let (events, set_events) = signal(std::collections::VecDeque::<LiveEvent>::new());
    #[cfg(feature = "hydrate")]
    let connected = browser::connect(venue_id, set_version, set_resync, set_events);
    #[cfg(not(feature = "hydrate"))]
    let connected = {
        let _ = (venue_id, set_version, set_resync, set_events);
        Signal::derive(|| false)
    };
    Live { connected, version, resync, events }
}

/// Now on the browser's clock (`SystemTime::now`, which `chrono::Utc::now` reads, panics in a
/// browser); the epoch while rendering on the server.
pub fn browser_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(now_ms() as i64).unwrap_or_default()
}

/// Milliseconds since the epoch on the browser's clock (0 while rendering on the server).
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// The connection indicator every live screen shows.
#[component]
pub fn ConnectionBadge(live: Live) -> impl IntoView {
    view! {
        <span
            class="connection"
            class:online=move || live.connected.get()
            role="status"
            aria-live="polite"
            data-connected=move || live.connected.get().to_string()
        >
            {move || if live.connected.get() { crate::i18n::tr!("live-online") } else { crate::i18n::tr!("live-reconnecting") }}
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use leptos::wasm_bindgen::{JsCast, closure::Closure};
    use leptos::web_sys::{Event, MessageEvent, WebSocket};
    use serde_json::json;
    use std::time::Duration;

    /// Wait before opening the socket again after it closed (or could not open).
    const REOPEN_AFTER: Duration = Duration::from_secs(1);

    /// An open socket with its handlers (dropped with it, detached first).
    struct Conn {
        ws: WebSocket,
        _handlers: [Closure<dyn FnMut(Event)>; 3],
    }

    /// One WebSocket to `url` at a time, opened again a second after it closes until `close`
    /// (the browser went offline); `open` (back online, or a silent connection) starts a new
    /// one. Each socket carries its generation, and `open` and `close` start the next one, so
    /// the handlers and the pending reopen of a socket replaced or closed on purpose do
    /// nothing. (leptos-use's `use_websocket` did this too, with options,
    /// codecs and callbacks the feed does not use, in 12 KB of every live screen's WASM.)
    #[derive(Clone, Copy)]
    struct Socket {
        url: StoredValue<String>,
        conn: StoredValue<Option<Conn>, LocalStorage>,
        generation: StoredValue<u64>,
        is_open: RwSignal<bool>,
        on_message: StoredValue<Box<dyn Fn(String)>, LocalStorage>,
    }

    impl Socket {
        fn new(url: String, on_message: impl Fn(String) + 'static) -> Self {
            let socket = Socket {
                url: StoredValue::new(url),
                conn: StoredValue::new_local(None),
                generation: StoredValue::new(0),
                is_open: RwSignal::new(false),
                on_message: StoredValue::new_local(Box::new(on_message)),
            };
            socket.open();
            socket
        }

        fn current(self, generation: u64) -> bool {
            self.generation.try_get_value() == Some(generation)
        }

        /// The generation after the current one, from now on.
        fn next_generation(self) -> Option<u64> {
            self.generation.try_update_value(|g| {
                *g += 1;
                *g
            })
        }

        fn open(self) {
            self.detach();
            let Some(generation) = self.next_generation() else { return };
            let Ok(ws) = WebSocket::new(&self.url.get_value()) else { return self.reopen_later(generation) };
            let opened = Closure::<dyn FnMut(Event)>::new(move |_| {
                if self.current(generation) {
                    self.is_open.set(true);
                }
            });
            let message = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                if let Some(text) = e.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) {
                    self.on_message.try_with_value(|f| f(text));
                }
            });
            let closed = Closure::<dyn FnMut(Event)>::new(move |_| {
                if self.current(generation) {
                    self.is_open.set(false);
                    self.reopen_later(generation);
                }
            });
            ws.set_onopen(Some(opened.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(closed.as_ref().unchecked_ref()));
            self.conn.set_value(Some(Conn { ws, _handlers: [opened, message, closed] }));
        }

        fn reopen_later(self, generation: u64) {
            set_timeout(
                move || {
                    if self.current(generation) {
                        self.open();
                    }
                },
                REOPEN_AFTER,
            );
        }

        /// Closes the socket and keeps it closed until `open`.
        fn close(self) {
            self.next_generation();
            self.detach();
            let _ = self.is_open.try_set(false);
        }

        /// Closes the current socket, if any, without its handlers hearing of it.
        fn detach(self) {
            if let Some(Some(conn)) = self.conn.try_update_value(Option::take) {
                conn.ws.set_onopen(None);
                conn.ws.set_onmessage(None);
                conn.ws.set_onclose(None);
                let _ = conn.ws.close();
            }
        }

        fn send(self, text: &str) {
            self.conn.with_value(|conn| {
                if let Some(conn) = conn.as_ref().filter(|c| c.ws.ready_state() == WebSocket::OPEN) {
                    let _ = conn.ws.send_with_str(text);
                }
            });
        }
    }

    const PING_EVERY: Duration = Duration::from_secs(15);
    /// Silence after which the connection is treated as dead (the server pings every 20 s too).
    const DEAD_AFTER_MS: f64 = 35_000.0;

    pub fn connect(
        venue_id: Uuid,
        set_version: WriteSignal<u64>,
        set_resync: WriteSignal<u64>,
        set_events: WriteSignal<std::collections::VecDeque<LiveEvent>>,
    ) -> Signal<bool> {
        let last_seq = StoredValue::new(None::<i64>);
        let last_heard = StoredValue::new(now_ms());
        let (joined, set_joined) = signal(false);
        let location = window().location();
        let scheme = if location.protocol().ok().as_deref() == Some("https:") { "wss" } else { "ws" };
        let url = format!("{scheme}://{}/api/v1/ws", location.host().unwrap_or_default());
        let on_message = move |text: String| {
            last_heard.set_value(now_ms());
            let Ok(frame) = crate::codec::decode::<Value>(&text) else { return };
            let event = frame["event"].as_str().unwrap_or_default().to_owned();
            match event.as_str() {
                "joined_venue" => {
                    if last_seq.get_value().is_none() {
                        last_seq.set_value(frame["data"]["seq"].as_i64());
                    }
                    set_joined.set(true);
                    set_resync.update(|v| *v += 1);
                    set_version.update(|v| *v += 1);
                }
                // Too much was missed to replay: reload everything from here on.
                "resync_required" => {
                    last_seq.set_value(frame["data"]["seq"].as_i64());
                    set_resync.update(|v| *v += 1);
                    set_version.update(|v| *v += 1);
                }
                _ => {
                    if let Some(seq) = frame["seq"].as_i64() {
                        last_seq.set_value(Some(seq));
                        set_events.update(|q| {
                            let ts = frame["ts"].as_str().and_then(beerflow_core::domain::timestamp::parse);
                            q.push_back(LiveEvent { seq, name: event, data: frame["data"].clone(), ts });
                            while q.len() > KEPT_EVENTS {
                                q.pop_front();
                            }
                        });
                        set_version.update(|v| *v += 1);
                    }
                }
            }
        };
        let socket = Socket::new(url, on_message);
        // Join (again) whenever the socket opens, from the last event seen.
        Effect::new(move |_| {
            if socket.is_open.get() {
                last_heard.set_value(now_ms());
                let frame =
                    json!({"event": "join_venue", "data": {"venue_id": venue_id, "last_seq": last_seq.get_value()}});
                socket.send(&frame.to_string());
            } else {
                set_joined.set(false);
            }
        });
        let offline = window_event_listener(leptos::ev::offline, move |_| socket.close());
        let online = window_event_listener(leptos::ev::online, move |_| socket.open());
        let heartbeat = set_interval_with_handle(
            move || {
                if !socket.is_open.get_untracked() {
                    return;
                }
                if now_ms() - last_heard.get_value() > DEAD_AFTER_MS {
                    socket.open();
                } else {
                    socket.send(&json!({"event": "ping", "data": {}}).to_string());
                }
            },
            PING_EVERY,
        )
        .ok();
        // Leaving the page ends all of it.
        on_cleanup(move || {
            offline.remove();
            online.remove();
            if let Some(h) = heartbeat {
                h.clear();
            }
            socket.close();
        });
        Signal::derive(move || joined.get() && socket.is_open.get())
    }
}
