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
    use codee::string::FromToStringCodec;
    use leptos_use_websocket::{
        ConnectionReadyState, ReconnectLimit, UseWebSocketOptions, UseWebSocketReturn, use_websocket_with_options,
    };
    use serde_json::json;
    use std::time::Duration;

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
        let on_message = move |text: &String| {
            last_heard.set_value(now_ms());
            let Ok(frame) = crate::codec::decode::<Value>(text) else { return };
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
                            let ts = frame["ts"].as_str().and_then(|s| s.parse().ok());
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
        let UseWebSocketReturn { ready_state, send, open, close, .. } =
            use_websocket_with_options::<String, String, FromToStringCodec, _, _>(
                &url,
                UseWebSocketOptions::default()
                    .reconnect_limit(ReconnectLimit::Infinite)
                    .reconnect_interval(1000)
                    .on_message(on_message),
            );
        // Join (again) whenever the socket opens, from the last event seen.
        let join = send.clone();
        Effect::new(move |_| {
            if ready_state.get() == ConnectionReadyState::Open {
                last_heard.set_value(now_ms());
                let frame =
                    json!({"event": "join_venue", "data": {"venue_id": venue_id, "last_seq": last_seq.get_value()}});
                join(&frame.to_string());
            } else {
                set_joined.set(false);
            }
        });
        let (reopen, stop) = (open.clone(), close.clone());
        let offline = window_event_listener(leptos::ev::offline, move |_| stop());
        let online = window_event_listener(leptos::ev::online, move |_| reopen());
        let ping = send.clone();
        let heartbeat = set_interval_with_handle(
            move || {
                if ready_state.get_untracked() != ConnectionReadyState::Open {
                    return;
                }
                if now_ms() - last_heard.get_value() > DEAD_AFTER_MS {
                    close();
                    open();
                } else {
                    ping(&json!({"event": "ping", "data": {}}).to_string());
                }
            },
            PING_EVERY,
        )
        .ok();
        // Leaving the page ends all of it (the hook closes its socket itself).
        on_cleanup(move || {
            offline.remove();
            online.remove();
            if let Some(h) = heartbeat {
                h.clear();
            }
        });
        Signal::derive(move || joined.get() && ready_state.get() == ConnectionReadyState::Open)
    }
}
