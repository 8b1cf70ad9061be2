//! The waiter's outbox: every Send goes here first, is kept in the browser (surviving a reload)
//! and is sent in tap order, each with the idempotency key it got at the tap, so an order sent
//! while the Wi-Fi is down is never lost and never doubled. One the server refuses (a table out
//! of service, a dish no longer on sale) stays, with the reason, for the waiter to edit or
//! discard.

use crate::api::{PadLine, send_order};
use crate::error::UiError;
use crate::saved;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

const KEY: &str = "beerflow.waiter.outbox.v1";

/// A line as the waiter tapped it, with what the screens show of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutLine {
    pub line: PadLine,
    pub name: String,
    pub price_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// The tap's idempotency key.
    pub key: String,
    pub table_id: Option<Uuid>,
    pub place: String,
    pub covers: Option<i32>,
    pub lines: Vec<OutLine>,
    /// Why the server refused it, once it did.
    pub refused: Option<String>,
    /// The refusal itself, for the screen to say it in its language (absent in older queues).
    #[serde(default)]
    pub refusal: Option<beerflow_core::AppError>,
}

/// The outbox of this browser, as the waiter's screens share it.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub items: RwSignal<Vec<Queued>>,
    sending: StoredValue<bool>,
    /// Bumped after each order that went through.
    pub sent: RwSignal<u64>,
}

impl Outbox {
    /// The outbox, loaded from the browser after hydration, flushed when the connection returns
    /// (the `online` event, the live feed joining, and every five seconds while something waits).
    pub fn new(connected: Signal<bool>) -> Outbox {
        let outbox =
            Outbox { items: RwSignal::new(Vec::new()), sending: StoredValue::new(false), sent: RwSignal::new(0) };
        let loaded = StoredValue::new(false);
        Effect::new(move |_| {
            if !loaded.get_value() {
                loaded.set_value(true);
                if let Some(items) = saved::load::<Vec<Queued>>(KEY) {
                    outbox.items.set(items);
                }
            }
            outbox.items.with(|items| saved::save(KEY, items));
        });
        Effect::new(move |_| {
            if connected.get() {
                outbox.flush();
            }
        });
        #[cfg(feature = "hydrate")]
        {
            let online = window_event_listener(leptos::ev::online, move |_| outbox.flush());
            let tick = set_interval_with_handle(move || outbox.flush(), Duration::from_secs(5)).ok();
            on_cleanup(move || {
                online.remove();
                if let Some(t) = tick {
                    t.clear();
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = Duration::from_secs(5);
        outbox
    }

    pub fn push(self, q: Queued) {
        self.items.update(|items| items.push(q));
        self.flush();
    }

    pub fn discard(self, key: &str) {
        // The screen may be gone by the time an answer comes: then the next one sends it again.
        let _ = self.items.try_update(|items| items.retain(|q| q.key != key));
    }

    /// Orders waiting (not refused).
    pub fn waiting(self) -> usize {
        self.items.with(|items| items.iter().filter(|q| q.refused.is_none()).count())
    }

    /// Sends what waits, oldest first, one at a time; stops at the first network failure (the
    /// next attempt starts again from there).
    pub fn flush(self) {
        if self.sending.try_get_value() != Some(false) {
            return;
        }
        self.sending.set_value(true);
        leptos::task::spawn_local(async move {
            while let Some(next) =
                self.items.try_with_untracked(|items| items.iter().find(|q| q.refused.is_none()).cloned()).flatten()
            {
                let lines = next.lines.iter().map(|l| l.line.clone()).collect();
                match send_order(next.table_id, lines, next.key.clone(), next.covers).await {
                    Ok(_) => {
                        self.discard(&next.key);
                        let _ = self.sent.try_update(|n| *n += 1);
                    }
                    Err(UiError::Network(_)) => break,
                    Err(UiError::App(e)) => {
                        let _ = self.items.try_update(|items| {
                            if let Some(q) = items.iter_mut().find(|q| q.key == next.key) {
                                q.refused = Some(e.to_string());
                                q.refusal = Some(e.clone());
                            }
                        });
                    }
                }
            }
            let _ = self.sending.try_set_value(false);
        });
    }
}

/// The top bar's count of orders waiting to be sent.
#[component]
pub fn OutboxBadge(outbox: Outbox) -> impl IntoView {
    move || {
        let waiting = outbox.waiting();
        (waiting > 0).then(|| {
            view! {
                <span class="outbox-badge" role="status" data-testid="outbox-count">
                    {crate::i18n::tr!("outbox-count", {"count" => waiting})}
                </span>
            }
        })
    }
}
