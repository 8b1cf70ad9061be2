//! The kitchen display: a wall screen read from two metres during a rush.
//!
//! - Tickets flow across the whole width, oldest first, in as many columns as the screen holds
//!   (CSS multi-column, each ticket sized to its content); each ticket says where it is (new,
//!   cooking, ready, cancelled). When more exist than fit, the header says "+N more" and large
//!   buttons (or a bump bar's arrow / Page keys) turn the page: the page never scrolls.
//! - One touch starts a ticket and one marks it ready; a touch on a line marks that line done
//!   (crossed out, still there), and the ticket is ready when all its lines are. Recall takes
//!   the last bumped tickets back a step, one per touch, and marks them "Recalled".
//! - Voided lines stay on the ticket struck through with their reason; a cancelled ticket stays,
//!   marked, until the cook clears it; lines added after the ticket was sent are marked "Added".
//! - The board applies each venue event to the one ticket it names (it fetches that ticket
//!   alone); it reloads everything only when the feed (re)joins or asks for a resync.
//! - A tap that fails (the Wi-Fi is down) leaves the board as it was and says so on that ticket;
//!   errors are cleared when the feed is back.
//! - Station filter, sound, zoom and whether ready tickets are shown persist on the screen.

use crate::api::{SessionUser, kitchen_board, kitchen_ticket, set_line_done, set_order_status};
use crate::error::UiError;
use crate::i18n::{clock, error_text, number, t, tr, tx};
use crate::live::{ConnectionBadge, Live, now_ms, use_live};
use crate::manage_api::Alert;
use crate::saved;
use beerflow_core::domain::order::{KitchenOrder, Order, OrderItem, OrderStatus};
use beerflow_core::domain::{Qty, TicketAge};
use leptos::either::Either;
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

const STATIONS: [(&str, &str); 3] =
    [("all", "kds-station-all"), ("kitchen", "kds-station-kitchen"), ("bar", "kds-station-bar")];
/// The cookie of this screen's settings (read by the server too, so the first paint has them).
const SETTINGS_COOKIE: &str = "beerflow_kds";
/// How many bumps Recall can take back.
const RECALL_DEPTH: usize = 10;

/// What this screen remembers across reloads.
#[derive(Clone, Debug, PartialEq)]
struct Settings {
    station: String,
    sound: bool,
    /// Percent of the default type size.
    zoom: u16,
    show_ready: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { station: "all".into(), sound: false, zoom: 100, show_ready: true }
    }
}

impl Settings {
    /// `station.sound.zoom.ready`, e.g. `bar.1.125.0`: cookie-safe.
    fn to_cookie(&self) -> String {
        format!("{}.{}.{}.{}", self.station, u8::from(self.sound), self.zoom, u8::from(self.show_ready))
    }

    fn from_cookie(text: &str) -> Option<Settings> {
        let mut parts = text.split('.');
        let station = parts.next()?;
        let station = STATIONS.iter().find(|(id, _)| *id == station)?.0.to_owned();
        let sound = parts.next()? == "1";
        let zoom = parts.next()?.parse().ok().filter(|z| ZOOMS.contains(z))?;
        let show_ready = parts.next()? == "1";
        Some(Settings { station, sound, zoom, show_ready })
    }
}

const ZOOMS: [u16; 10] = [70, 80, 90, 100, 110, 125, 140, 160, 180, 200];

/// A ticket on the board, and when the browser got it (its age counts on from there).
#[derive(Clone, Debug, PartialEq)]
struct Ticket {
    k: KitchenOrder,
    fetched: f64,
}

/// Where the board's pages stand, measured in the browser after each change.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Paging {
    /// The page on the screen now (set once the board has turned to it).
    shown: usize,
    pages: usize,
    before: usize,
    after: usize,
}

/// The screen's state, shared by its parts.
#[derive(Clone, Copy)]
struct Kds {
    now: ReadSignal<f64>,
    tickets: RwSignal<Vec<Ticket>>,
    settings: RwSignal<Settings>,
    /// The venue's thresholds: minutes to amber, minutes to red.
    thresholds: RwSignal<(i32, i32)>,
    /// Tickets with a tap on its way.
    pending: RwSignal<HashSet<Uuid>>,
    /// Taps that failed, by ticket: what to tell the cook.
    failed: RwSignal<HashMap<Uuid, Failure>>,
    recalled: RwSignal<HashSet<Uuid>>,
    /// The last bumps, newest last: the ticket and the status it left.
    bumped: RwSignal<Vec<(Uuid, OrderStatus)>>,
    page: RwSignal<usize>,
    paging: RwSignal<Paging>,
    /// High-priority kitchen alerts that came while the screen was open, newest first, until
    /// a cook dismisses them.
    alerts: RwSignal<Vec<Alert>>,
}

/// Alerts the banner shows at most.
const ALERTS_SHOWN: usize = 3;

/// Oldest first (by when the kitchen got it), then by id: the board's order.
fn sort_key(k: &KitchenOrder) -> (bool, Option<chrono::DateTime<chrono::Utc>>, Uuid) {
    (k.order.confirmed_at.is_none(), k.order.confirmed_at, k.order.id)
}

/// Applies a fresh copy of one ticket to the board: replaces it (unless the board's copy is
/// newer), adds it in its place if it just reached the kitchen, removes it once it left (served);
/// a cancelled ticket stays, marked, until the cook clears it (if the board had it).
fn apply_ticket(list: &mut Vec<Ticket>, k: KitchenOrder, fetched: f64) {
    let in_kitchen = OrderStatus::KITCHEN.contains(&k.order.status);
    match list.iter().position(|t| t.k.order.id == k.order.id) {
        Some(i) if list[i].k.order.updated_at > k.order.updated_at => {}
        Some(i) if in_kitchen || k.order.status == OrderStatus::Cancelled => list[i] = Ticket { k, fetched },
        Some(i) => {
            list.remove(i);
        }
        None if in_kitchen => {
            let at = list.partition_point(|t| sort_key(&t.k) < sort_key(&k));
            list.insert(at, Ticket { k, fetched });
        }
        None => {}
    }
}

/// The items of a ticket the station filter shows.
fn shown_items(t: &KitchenOrder, station: &str) -> Vec<OrderItem> {
    t.order.items.iter().filter(|i| station == "all" || i.station.as_deref() == Some(station)).cloned().collect()
}

/// A tap the server did not take (said in the screen's language when shown).
#[derive(Clone, Debug)]
struct Failure {
    recall: bool,
    error: UiError,
}

fn message(f: &Failure) -> String {
    let text = match &f.error {
        UiError::Network(_) => tr!("kds-not-sent"),
        e => error_text(e),
    };
    if f.recall { tr!("kds-recall-failed", {"error" => text}) } else { text }
}

impl Kds {
    /// The order a tap brought back, on the board at once (its event refreshes it again).
    fn took(self, order: Order) {
        let now = now_ms();
        self.tickets.update(|list| {
            let elapsed = list
                .iter()
                .find(|t| t.k.order.id == order.id)
                .map(|t| t.k.elapsed_seconds + ((now - t.fetched) / 1000.0) as i64)
                .unwrap_or(0);
            apply_ticket(list, KitchenOrder { order, elapsed_seconds: elapsed }, now);
        });
    }

    /// Runs a tap on ticket `id`: marks it pending, and on failure says so on the ticket.
    fn tap(
        self,
        id: Uuid,
        from: OrderStatus,
        call: impl std::future::Future<Output = Result<Order, UiError>> + 'static,
    ) {
        self.pending.update(|p| {
            p.insert(id);
        });
        leptos::task::spawn_local(async move {
            let result = call.await;
            self.pending.update(|p| {
                p.remove(&id);
            });
            match result {
                Ok(order) => {
                    self.failed.update(|f| {
                        f.remove(&id);
                    });
                    if order.status != from
                        && matches!(order.status, OrderStatus::Preparing | OrderStatus::Ready)
                        && status_rank(order.status) > status_rank(from)
                    {
                        self.bumped.update(|b| {
                            b.push((id, from));
                            if b.len() > RECALL_DEPTH {
                                b.remove(0);
                            }
                        });
                        self.recalled.update(|r| {
                            r.remove(&id);
                        });
                    }
                    self.took(order);
                }
                Err(e) => self.failed.update(|f| {
                    f.insert(id, Failure { recall: false, error: e });
                }),
            }
        });
    }

    fn bump(self, id: Uuid, from: OrderStatus, to: OrderStatus) {
        self.tap(id, from, set_order_status(id, to));
    }

    /// Takes the last bump back (ready -> preparing, preparing -> new).
    fn recall(self) {
        let on_board =
            |id: Uuid| self.tickets.with_untracked(|l| l.iter().find(|t| t.k.order.id == id).map(|t| t.k.order.status));
        let Some((id, from)) = self
            .bumped
            .try_update(|b| {
                while let Some((id, from)) = b.pop() {
                    if let Some(now) = on_board(id)
                        && status_rank(now) > status_rank(from)
                        && now != OrderStatus::Cancelled
                    {
                        return Some((id, from));
                    }
                }
                None
            })
            .flatten()
        else {
            return;
        };
        self.pending.update(|p| {
            p.insert(id);
        });
        leptos::task::spawn_local(async move {
            let result = set_order_status(id, from).await;
            self.pending.update(|p| {
                p.remove(&id);
            });
            match result {
                Ok(order) => {
                    self.recalled.update(|r| {
                        r.insert(id);
                    });
                    self.took(order);
                }
                Err(e) => {
                    // Not taken back: it can be tried again.
                    self.bumped.update(|b| b.push((id, from)));
                    self.failed.update(|f| {
                        f.insert(id, Failure { recall: true, error: e });
                    });
                }
            }
        });
    }
}

fn status_rank(s: OrderStatus) -> u8 {
    match s {
        OrderStatus::Draft => 0,
        OrderStatus::Confirmed => 1,
        OrderStatus::Preparing => 2,
        OrderStatus::Ready => 3,
        OrderStatus::Served => 4,
        OrderStatus::Completed => 5,
        OrderStatus::Cancelled => 6,
    }
}

#[component]
pub fn KitchenDisplay(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let board = crate::codec::resource(move || live.resync.get(), |_| kitchen_board());
    let (now, set_now) = signal(now_ms());
    // The age timers tick in the browser only (effects do not run on the server).
    Effect::new(move |_| {
        if let Ok(tick) = set_interval_with_handle(move || set_now.set(now_ms()), Duration::from_secs(1)) {
            on_cleanup(move || tick.clear());
        }
    });
    let kds = Kds {
        now,
        tickets: RwSignal::new(Vec::new()),
        settings: RwSignal::new(
            saved::cookie(SETTINGS_COOKIE).and_then(|c| Settings::from_cookie(&c)).unwrap_or_default(),
        ),
        thresholds: RwSignal::new((10, 20)),
        pending: RwSignal::new(HashSet::new()),
        failed: RwSignal::new(HashMap::new()),
        recalled: RwSignal::new(HashSet::new()),
        bumped: RwSignal::new(Vec::new()),
        page: RwSignal::new(0),
        paging: RwSignal::new(Paging::default()),
        alerts: RwSignal::new(Vec::new()),
    };
    Effect::new(move |_| kds.settings.with(|s| saved::set_cookie(SETTINGS_COOKIE, &s.to_cookie(), "/kitchen")));
    apply_events(live, kds);
    measure_pages(kds);
    page_keys(kds);
    // A reconnect reloads the board: a failure from before it is stale.
    Effect::new(move |_| {
        live.resync.track();
        kds.failed.set(HashMap::new());
    });
    let counts = move || {
        let station = kds.settings.with(|s| s.station.clone());
        kds.tickets.with(|list| {
            let mut n = [0usize; 3];
            for t in list.iter().filter(|t| !shown_items(&t.k, &station).is_empty()) {
                match t.k.order.status {
                    OrderStatus::Confirmed => n[0] += 1,
                    OrderStatus::Preparing => n[1] += 1,
                    OrderStatus::Ready => n[2] += 1,
                    _ => {}
                }
            }
            n
        })
    };
    let zoom_by = move |step: isize| {
        kds.settings.update(|s| {
            let i = ZOOMS.iter().position(|z| *z >= s.zoom).unwrap_or(3) as isize;
            s.zoom = ZOOMS[(i + step).clamp(0, ZOOMS.len() as isize - 1) as usize];
        })
    };
    let can_recall = move || {
        kds.bumped.with(|b| {
            b.iter().any(|(id, from)| {
                kds.tickets.with(|l| {
                    l.iter().any(|t| t.k.order.id == *id && status_rank(t.k.order.status) > status_rank(*from))
                })
            })
        })
    };
    // The header and the pager are rendered with the tickets (inside the boundary), so the
    // server's first paint has their counts.
    let chrome = move || {
        view! {
            <div class="kds-bar">
                <h1>{tx("kds-title")}</h1>
                <p class="kds-counts" aria-label=tx("kds-open-tickets")>
                    <span data-count="confirmed">{tx("kds-new")} " " <b>{move || counts()[0]}</b></span>
                    <span data-count="preparing">{tx("kds-cooking")} " " <b>{move || counts()[1]}</b></span>
                    <span data-count="ready">{tx("kds-ready")} " " <b>{move || counts()[2]}</b></span>
                </p>
                <div class="segmented" role="group" aria-label=tx("kds-station")>
                    {STATIONS
                        .into_iter()
                        .map(|(id, label)| {
                            view! {
                                <button
                                    type="button"
                                    aria-pressed=move || kds.settings.with(|s| s.station == id).to_string()
                                    on:click=move |_| kds.settings.update(|s| s.station = id.to_owned())
                                >
                                    {t(label)}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <label class="toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || kds.settings.with(|s| s.show_ready)
                        on:change=move |_| kds.settings.update(|s| s.show_ready = !s.show_ready)
                    />
                    {tx("kds-show-ready")}
                </label>
                <div class="zoom" role="group" aria-label=tx("kds-text-size")>
                    <button type="button" aria-label=tx("kds-smaller") on:click=move |_| zoom_by(-1)>"A−"</button>
                    <span class="zoom-value">{move || format!("{}%", kds.settings.with(|s| s.zoom))}</span>
                    <button type="button" aria-label=tx("kds-larger") on:click=move |_| zoom_by(1)>"A+"</button>
                </div>
                <label class="toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || kds.settings.with(|s| s.sound)
                        on:change=move |_| kds.settings.update(|s| s.sound = !s.sound)
                    />
                    {tx("kds-sound")}
                </label>
                {move || {
                    let n = kds.tickets.with(|l| l.iter().filter(|t| t.k.order.status == OrderStatus::Cancelled).count());
                    (n > 0).then(|| view! {
                        <button
                            type="button"
                            class="clear-cancelled"
                            on:click=move |_| kds.tickets.update(|l| l.retain(|t| t.k.order.status != OrderStatus::Cancelled))
                        >
                            {tr!("kds-clear-cancelled", {"count" => n})}
                        </button>
                    })
                }}
                <button type="button" class="ghost recall-button" disabled=move || !can_recall() on:click=move |_| kds.recall()>
                    "↶ " {tx("kds-recall")}
                </button>
                <ConnectionBadge live/>
            </div>
        }
    };
    let pager = move || {
        view! {
                <div class="kds-pager">
                    <button
                        type="button"
                        class="page-button"
                        aria-label=tx("kds-previous-page")
                        disabled=move || kds.page.get() == 0
                        on:click=move |_| kds.page.update(|p| *p = p.saturating_sub(1))
                    >
                        {move || {
                            let before = kds.paging.get().before;
                            if before > 0 { format!("◀ {}", tr!("kds-earlier", {"count" => before})) } else { "◀".into() }
                        }}
                    </button>
                    <span class="page-of" aria-live="polite">
                        {move || {
                            let p = kds.paging.get();
                            if p.pages > 1 { tr!("kds-page-of", {"page" => p.shown + 1, "pages" => p.pages}) } else { String::new() }
                        }}
                    </span>
                    <button
                        type="button"
                        class="page-button more"
                        class:has-more=move || { kds.paging.get().after > 0 }
                        aria-label=tx("kds-next-page")
                        disabled=move || kds.paging.get().after == 0
                        on:click=move |_| kds.page.update(|p| *p += 1)
                    >
                        {move || {
                            let after = kds.paging.get().after;
                            if after > 0 { format!("{} ▶", tr!("kds-more", {"count" => after})) } else { "▶".into() }
                        }}
                    </button>
                </div>
        }
    };
    let banner = move || {
        let list = kds.alerts.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="kds-alerts" role="alert" aria-label=tx("kds-alerts")>
                    {list
                        .into_iter()
                        .map(|a| {
                            let seq = a.seq;
                            view! {
                                <p class="kds-alert" data-code=a.code.clone().unwrap_or_default()>
                                    <span class="kds-alert-text">{a.text()}</span>
                                    <button
                                        type="button"
                                        on:click=move |_| kds.alerts.update(|l| l.retain(|x| x.seq != seq))
                                    >
                                        {tx("kds-alert-dismiss")}
                                    </button>
                                </p>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    };
    view! {
        <div class="kds" style:--zoom=move || format!("{}", kds.settings.with(|s| s.zoom) as f64 / 100.0)>
            {banner}
            <Transition fallback=|| view! { <p class="loading">{tx("loading-tickets")}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(board) => {
                            kds.thresholds.set((board.warn_minutes, board.late_minutes));
                            let fetched = now_ms();
                            kds.tickets.set(board.tickets.into_iter().map(|k| Ticket { k, fetched }).collect());
                            Either::Left(view! {
                                {chrome()}
                                <div class="kds-main">
                                    {pager()}
                                    <Board kds/>
                                    {move || all_day(kds)}
                                </div>
                            })
                        }
                        Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Board(kds: Kds) -> impl IntoView {
    let visible = move || {
        let (station, show_ready) = kds.settings.with(|s| (s.station.clone(), s.show_ready));
        kds.tickets.with(|list| {
            list.iter()
                .filter(|t| show_ready || t.k.order.status != OrderStatus::Ready)
                .filter(|t| !shown_items(&t.k, &station).is_empty())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="kds-board" aria-label=tx("kds-tickets")>
            <For
                each=visible
                key=|t| (t.k.order.id, t.k.order.updated_at)
                children=move |t| ticket(t, kds)
            />
            {move || visible().is_empty().then(|| view! { <p class="kds-empty">{tx("kds-empty")}</p> })}
        </div>
    }
}

fn ticket(t: Ticket, kds: Kds) -> impl IntoView + use<> {
    let order = t.k.order.clone();
    let id = order.id;
    let status = order.status;
    let (label, next) = match status {
        // One ticket's state and next step (the lanes' headings are plurals: `kds-new`, ...).
        OrderStatus::Confirmed => ("kds-state-new", Some(("kds-start", OrderStatus::Preparing))),
        OrderStatus::Preparing => ("kds-state-cooking", Some(("kds-mark-ready", OrderStatus::Ready))),
        OrderStatus::Ready => ("kds-state-ready", None),
        OrderStatus::Cancelled => ("kds-cancelled", None),
        _ => ("", None),
    };
    let (base, fetched) = (t.k.elapsed_seconds, t.fetched);
    let age = move || base + ((kds.now.get() - fetched) / 1000.0).max(0.0) as i64;
    let pending = move || kds.pending.with(|p| p.contains(&id));
    let button = next.map(|(label, to)| {
        view! {
            <button
                type="button"
                class="primary bump"
                disabled=pending
                on:click=move |_| kds.bump(id, status, to)
            >
                {move || if pending() { "…".to_owned() } else { crate::i18n::t(label) }}
            </button>
        }
    });
    let cancelled = status == OrderStatus::Cancelled;
    let clear = cancelled.then(|| {
        view! {
            <button
                type="button"
                class="bump clear"
                on:click=move |_| kds.tickets.update(|l| l.retain(|t| t.k.order.id != id))
            >
                {tx("kds-seen-clear")}
            </button>
        }
    });
    let sent_at = order.confirmed_at;
    let covers = order.covers;
    let lines = t.k.clone();
    let place = order.table_name.clone().unwrap_or_else(|| tr!("takeaway"));
    let ticket_label = tr!("kds-ticket-label", {"order" => order.order_number, "place" => place, "state" => crate::i18n::t(label).to_lowercase()});
    view! {
        <article
            class=move || {
                let (warn, late) = kds.thresholds.get();
                let age = if cancelled || status == OrderStatus::Ready {
                    ""
                } else {
                    match TicketAge::of(age(), warn, late) {
                        TicketAge::OnTime => "",
                        TicketAge::Warn => " warn",
                        TicketAge::Late => " late",
                    }
                };
                format!("ticket{age}")
            }
            data-status=status.as_str()
            data-order-number=order.order_number.clone()
            aria-label=ticket_label
        >
            <header>
                <span class="number">"#" {order.order_number.clone()}</span>
                <span class="place">{place}</span>
                <span class="state">{crate::i18n::t(label)}</span>
                <span class="times">
                    <span class="age" title=tx("kds-age")>{move || format_age(age())}</span>
                    {sent_at.map(|at| view! { <span class="sent-at" title=tx("kds-sent-at")>{tr!("kds-sent-at-time", {"time" => clock(at)})}</span> })}
                </span>
            </header>
            {move || {
                let recalled = kds.recalled.with(|r| r.contains(&id));
                (recalled || covers.is_some()).then(|| view! {
                    <p class="ticket-state">
                        {recalled.then(|| view! { <span class="recalled">{tx("kds-recalled")}</span> })}
                        {covers.map(|c| view! { <span class="covers">{tr!("order-covers", {"covers" => c})}</span> })}
                    </p>
                })
            }}
            {cancelled.then(|| {
                let reason = order.cancel_reason.clone();
                let reason = reason.unwrap_or_else(|| tr!("kds-no-reason"));
                view! { <p class="cancel-reason">{tx("kds-cancelled-caps")} " " {reason}</p> }
            })}
            <ul class="items">
                {move || {
                    let station = kds.settings.with(|s| s.station.clone());
                    shown_items(&lines, &station)
                        .into_iter()
                        .map(|i| line(i, id, status, sent_at, kds))
                        .collect_view()
                }}
            </ul>
            {order.notes.clone().map(|n| view! { <p class="note">{n}</p> })}
            <p class="tap-error" role="alert">{move || kds.failed.with(|f| f.get(&id).map(message))}</p>
            {button}
            {clear}
        </article>
    }
}

fn line(
    i: OrderItem,
    order_id: Uuid,
    status: OrderStatus,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    kds: Kds,
) -> impl IntoView {
    let mut allergy = None;
    let mut others = Vec::new();
    for (key, value) in i.modifiers.iter().flatten() {
        let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
        if key.eq_ignore_ascii_case("allergy") {
            allergy = Some(text);
        } else {
            others.push(format!("{key}: {text}"));
        }
    }
    let has_allergy = allergy.is_some();
    let voided = i.voided_at.is_some();
    let done = i.done_at.is_some();
    // Added after the ticket was sent (the first lines were written with the order, before).
    let added = sent_at.is_some_and(|s| i.created_at > s);
    let markable = !voided && OrderStatus::KITCHEN.contains(&status);
    let item_id = i.id;
    let name = i.product_name.clone();
    let quantity = i.quantity;
    let toggle = move |_| {
        if markable {
            kds.tap(order_id, status, set_line_done(order_id, item_id, !done));
        }
    };
    view! {
        <li class:has-allergy=has_allergy class:done=done class:voided=voided class:added=added>
            <button
                type="button"
                class="line"
                aria-pressed=done.to_string()
                aria-label={
                    let qty = number(quantity);
                    let dish = name;
                    if voided {
                        tr!("kds-line-voided", {"qty" => qty, "dish" => dish})
                    } else if done {
                        tr!("kds-line-done", {"qty" => qty, "dish" => dish})
                    } else {
                        tr!("kds-line", {"qty" => qty, "dish" => dish})
                    }
                }
                disabled=!markable
                on:click=toggle
            >
                <span class="qty">{number(quantity)} "×"</span>
                <span class="dish-label">{i.product_name.clone()}</span>
                {added.then(|| view! { <span class="added-tag">{tx("kds-added")}</span> })}
                {done.then(|| view! { <span class="done-tag">"✓"</span> })}
            </button>
            {voided.then(|| {
                let reason = i.void_reason.clone().unwrap_or_default();
                view! { <strong class="void-reason">{tx("kds-void-caps")} " " {reason}</strong> }
            })}
            {allergy.map(|a| view! { <strong class="allergy">{tx("kds-allergy-caps")} " " {a}</strong> })}
            {(!others.is_empty()).then(|| view! { <span class="modifiers">{others.join(", ")}</span> })}
            {i.notes.map(|n| view! { <span class="item-note">{n}</span> })}
        </li>
    }
}

/// How many of each dish are still to cook (new and cooking tickets, lines not done or voided),
/// for the station shown.
fn all_day(kds: Kds) -> impl IntoView {
    let station = kds.settings.with(|s| s.station.clone());
    let counts = kds.tickets.with(|list| {
        let mut counts: BTreeMap<String, Qty> = BTreeMap::new();
        for t in list.iter().filter(|t| matches!(t.k.order.status, OrderStatus::Confirmed | OrderStatus::Preparing)) {
            for i in shown_items(&t.k, &station).into_iter().filter(|i| i.voided_at.is_none() && i.done_at.is_none()) {
                *counts.entry(i.product_name).or_default() += i.quantity;
            }
        }
        counts
    });
    view! {
        <aside class="all-day" aria-label=tx("kds-all-day")>
            <h2>{tx("kds-all-day")}</h2>
            <ul>
                {if counts.is_empty() {
                    Either::Left(view! { <li class="empty">{tx("kds-nothing")}</li> })
                } else {
                    Either::Right(
                        counts
                            .into_iter()
                            .map(|(dish, n)| view! { <li><span class="count">{number(n)}</span> " " {dish}</li> })
                            .collect_view(),
                    )
                }}
            </ul>
        </aside>
    }
}

fn format_age(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// Applies each venue event to the ticket it names: fetches that ticket alone. A new ticket
/// beeps if the sound is on.
fn apply_events(live: Live, kds: Kds) {
    live.for_each_new_event(move |e| {
        if e.name == "kitchen_alert" {
            if e.data["priority"] == "high"
                && let Some(alert) =
                    Alert::from_event(e.seq, &e.name, &e.data, e.ts.unwrap_or_else(crate::live::browser_now))
            {
                kds.alerts.update(|list| {
                    list.retain(|a| a.seq != alert.seq);
                    list.insert(0, alert);
                    list.truncate(ALERTS_SHOWN);
                });
                if kds.settings.with_untracked(|s| s.sound) {
                    beep();
                }
            }
            return;
        }
        if !matches!(e.name.as_str(), "new_order" | "order_updated" | "order_status_changed") {
            return;
        }
        let Some(id) = e.data["order_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else { return };
        if e.name == "order_status_changed"
            && e.data["status"] == "confirmed"
            && kds.settings.with_untracked(|s| s.sound)
        {
            beep();
        }
        leptos::task::spawn_local(async move {
            // A ticket that cannot be fetched now is fetched whole at the next resync.
            if let Ok(k) = kitchen_ticket(id).await {
                let fetched = now_ms();
                kds.tickets.update(|list| apply_ticket(list, k, fetched));
            }
        });
    });
}

/// After each change, measures which page every ticket is on (the board is a multi-column
/// box as high as the screen; columns that do not fit overflow to the right, page after page),
/// shows the current page and says how many tickets are before and after it.
fn measure_pages(kds: Kds) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        kds.tickets.track();
        kds.settings.track();
        kds.page.track();
        request_animation_frame(move || {
            use leptos::wasm_bindgen::JsCast;
            // The screen may be gone by the next frame (a reload, another page).
            let Some(asked) = kds.page.try_get_untracked() else { return };
            let Some(board) = document().query_selector(".kds-board").ok().flatten() else { return };
            let Ok(board) = board.dyn_into::<web_sys::HtmlElement>() else { return };
            let width = board.client_width() as f64;
            if width <= 0.0 {
                return;
            }
            let gap = window()
                .get_computed_style(&board)
                .ok()
                .flatten()
                .and_then(|s| s.get_property_value("column-gap").ok())
                .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                .unwrap_or(0.0);
            let origin = board.get_bounding_client_rect().left() - board.scroll_left() as f64;
            let mut pages_of = Vec::new();
            if let Ok(list) = board.query_selector_all(":scope > .ticket") {
                for i in 0..list.length() {
                    if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                        // By its centre: robust to the sub-pixel rounding of column positions.
                        let rect = el.get_bounding_client_rect();
                        let centre = rect.left() + rect.width() / 2.0 - origin;
                        pages_of.push((centre / (width + gap)).floor().max(0.0) as usize);
                    }
                }
            }
            let paging = paging(&pages_of, asked);
            if paging.1 != asked {
                kds.page.set(paging.1);
            }
            board.set_scroll_left(((paging.1 as f64) * (width + gap)).round() as i32);
            if kds.paging.get_untracked() != paging.0 {
                kds.paging.set(paging.0);
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = kds;
}

/// From the page each ticket is on and the page asked for: the paging, and the page to show
/// (the last one when the one asked for is gone).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn paging(pages_of: &[usize], asked: usize) -> (Paging, usize) {
    let pages = pages_of.iter().max().map_or(1, |p| p + 1);
    let page = asked.min(pages - 1);
    let before = pages_of.iter().filter(|p| **p < page).count();
    let after = pages_of.iter().filter(|p| **p > page).count();
    (Paging { shown: page, pages, before, after }, page)
}

/// A bump bar (or a keyboard) turns the pages: arrows, Page Up / Page Down, Home.
fn page_keys(kds: Kds) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |e| {
            let target_is_field = e
                .target()
                .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if target_is_field {
                return;
            }
            match e.key().as_str() {
                "ArrowRight" | "PageDown" => {
                    if kds.paging.get_untracked().after > 0 {
                        kds.page.update(|p| *p += 1)
                    }
                }
                "ArrowLeft" | "PageUp" => kds.page.update(|p| *p = p.saturating_sub(1)),
                "Home" => kds.page.set(0),
                _ => return,
            }
            e.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = kds;
}

#[cfg(feature = "hydrate")]
fn beep() {
    let Ok(ctx) = web_sys::AudioContext::new() else { return };
    let Ok(osc) = ctx.create_oscillator() else { return };
    osc.frequency().set_value(880.0);
    if osc.connect_with_audio_node(&ctx.destination()).is_ok() {
        let _ = osc.start();
        let _ = osc.stop_with_when(ctx.current_time() + 0.25);
    }
}

#[cfg(not(feature = "hydrate"))]
fn beep() {}

#[cfg(test)]
mod tests {
    use super::*;
    use beerflow_core::domain::Money;
    use chrono::{TimeZone, Utc};

    fn kitchen_order(n: u128, status: OrderStatus, confirmed_min: u32, updated_s: u32) -> KitchenOrder {
        let at = |m: u32, s: u32| Utc.with_ymd_and_hms(2026, 12, 2, 20, m, s).unwrap();
        KitchenOrder {
            order: Order {
                id: Uuid::from_u128(n),
                venue_id: Uuid::nil(),
                order_number: n.to_string(),
                table_id: None,
                table_name: None,
                status,
                covers: None,
                notes: None,
                items: Vec::new(),
                total: Money::ZERO,
                cost_of_goods: None,
                cancel_reason: None,
                created_by: Uuid::nil(),
                created_at: at(0, 0),
                updated_at: at(30, updated_s),
                confirmed_at: Some(at(confirmed_min, 0)),
                kitchen_started_at: None,
                ready_at: None,
                served_at: None,
                completed_at: None,
                cancelled_at: None,
            },
            elapsed_seconds: 0,
        }
    }

    fn numbers(list: &[Ticket]) -> Vec<(String, OrderStatus)> {
        list.iter().map(|t| (t.k.order.order_number.clone(), t.k.order.status)).collect()
    }

    #[test]
    fn events_keep_the_board_in_order_and_ignore_stale_copies() {
        use OrderStatus::*;
        let mut board = Vec::new();
        apply_ticket(&mut board, kitchen_order(2, Confirmed, 5, 0), 0.0);
        apply_ticket(&mut board, kitchen_order(1, Confirmed, 1, 0), 0.0);
        apply_ticket(&mut board, kitchen_order(3, Confirmed, 9, 0), 0.0);
        assert_eq!(numbers(&board), [("1".into(), Confirmed), ("2".into(), Confirmed), ("3".into(), Confirmed)]);
        // Started: replaced in place.
        apply_ticket(&mut board, kitchen_order(2, Preparing, 5, 2), 0.0);
        // An older copy arriving late changes nothing.
        apply_ticket(&mut board, kitchen_order(2, Confirmed, 5, 1), 0.0);
        assert_eq!(board[1].k.order.status, Preparing);
        // Served: gone. Cancelled: stays, marked. A draft or an unknown served order: not added.
        apply_ticket(&mut board, kitchen_order(1, Served, 1, 3), 0.0);
        apply_ticket(&mut board, kitchen_order(3, Cancelled, 9, 3), 0.0);
        apply_ticket(&mut board, kitchen_order(4, Draft, 0, 0), 0.0);
        apply_ticket(&mut board, kitchen_order(5, Cancelled, 0, 0), 0.0);
        assert_eq!(numbers(&board), [("2".into(), Preparing), ("3".into(), Cancelled)]);
    }

    #[test]
    fn settings_survive_their_cookie_and_bad_cookies_give_none() {
        let s = Settings { station: "bar".into(), sound: true, zoom: 125, show_ready: false };
        assert_eq!(s.to_cookie(), "bar.1.125.0");
        assert_eq!(Settings::from_cookie(&s.to_cookie()), Some(s));
        for bad in ["", "grill.1.100.1", "bar.1.123.1", "bar.1", "bar.x.100"] {
            assert_eq!(Settings::from_cookie(bad), None, "{bad}");
        }
    }

    #[test]
    fn paging_counts_what_is_before_and_after_and_keeps_to_the_last_page() {
        let (p, page) = paging(&[0, 0, 0, 1, 1, 2], 1);
        assert_eq!((p, page), (Paging { shown: 1, pages: 3, before: 3, after: 1 }, 1));
        // The page asked for is gone (tickets left): the last one is shown.
        let (p, page) = paging(&[0, 0], 4);
        assert_eq!((p, page), (Paging { shown: 0, pages: 1, before: 0, after: 0 }, 0));
        assert_eq!(paging(&[], 0).0.pages, 1);
    }
}
