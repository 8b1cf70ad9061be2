//! The kitchen display: a wall screen read from two metres. Tickets appear by themselves, oldest
//! first, in three lanes (new, cooking, ready), each with its number, table, age (amber and red
//! after the venue's thresholds, by default 10 and 20 minutes), items with quantities, notes and modifiers, allergies in red; one
//! touch to start and to mark ready; the last bumped ticket can be recalled; the all-day counts
//! say how many of each dish are still to cook; a station filter (kitchen, bar); an optional beep
//! on new tickets; the connection indicator. It refetches its tickets after every venue event and
//! every reconnect, so nothing piles up however long it runs.

use crate::api::{SessionUser, SetOrderStatus, kitchen_board};
use crate::live::{ConnectionBadge, Live, now_ms, use_live};
use beerflow_core::domain::order::{KitchenOrder, OrderItem, OrderStatus};
use beerflow_core::domain::{Qty, TicketAge};
use leptos::either::Either;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;

const STATIONS: [(&str, &str); 3] = [("all", "All stations"), ("kitchen", "Kitchen"), ("bar", "Bar")];

/// The screen's state, shared by its parts.
#[derive(Clone, Copy)]
struct Kds {
    now: ReadSignal<f64>,
    loaded_at: RwSignal<f64>,
    station: RwSignal<&'static str>,
    act: ServerAction<SetOrderStatus>,
    last_bumped: RwSignal<Option<KitchenOrder>>,
    /// The venue's thresholds: minutes to amber, minutes to red.
    thresholds: RwSignal<(i32, i32)>,
}

#[component]
pub fn KitchenDisplay(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let act = ServerAction::<SetOrderStatus>::new();
    let board = Resource::new(move || (live.version.get(), act.version().get()), |_| kitchen_board());
    let (now, set_now) = signal(now_ms());
    // The age timers tick in the browser only (effects do not run on the server).
    Effect::new(move |_| {
        if let Ok(tick) = set_interval_with_handle(move || set_now.set(now_ms()), Duration::from_secs(1)) {
            on_cleanup(move || tick.clear());
        }
    });
    let kds = Kds {
        now,
        loaded_at: RwSignal::new(now_ms()),
        station: RwSignal::new("all"),
        act,
        last_bumped: RwSignal::new(None),
        thresholds: RwSignal::new((10, 20)),
    };
    // Ages count from when the tickets arrived in the browser (the thresholds are taken where
    // the board is rendered, on the server too).
    Effect::new(move |_| {
        if let Some(Ok(_)) = board.get() {
            kds.loaded_at.set(now_ms());
        }
    });
    let sound = RwSignal::new(false);
    beep_on_new_tickets(live, sound);
    let recall = RwSignal::new(false);
    let error = move || act.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    view! {
        <div class="kds">
            <div class="kds-bar">
                <h1>"Kitchen display"</h1>
                <div class="segmented" role="group" aria-label="Station">
                    {STATIONS
                        .into_iter()
                        .map(|(id, label)| {
                            view! {
                                <button
                                    type="button"
                                    aria-pressed=move || (kds.station.get() == id).to_string()
                                    on:click=move |_| kds.station.set(id)
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <button
                    type="button"
                    class="ghost"
                    disabled=move || kds.last_bumped.with(Option::is_none)
                    on:click=move |_| recall.update(|r| *r = !*r)
                >
                    "Recall last"
                </button>
                <label class="toggle">
                    <input type="checkbox" prop:checked=move || sound.get() on:change=move |_| sound.update(|s| *s = !*s)/>
                    "Sound"
                </label>
                <ConnectionBadge live/>
            </div>
            <p class="error" role="alert">{error}</p>
            {move || {
                recall
                    .get()
                    .then(|| kds.last_bumped.get())
                    .flatten()
                    .map(|t| {
                        view! {
                            <div class="recall" role="dialog" aria-label="Last bumped ticket">
                                <h2>"Last bumped"</h2>
                                {ticket(t, kds, false)}
                                <button type="button" on:click=move |_| recall.set(false)>"Close"</button>
                            </div>
                        }
                    })
            }}
            <Transition fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(board) => {
                            kds.thresholds.set((board.warn_minutes, board.late_minutes));
                            let list = board.tickets;
                            Either::Left(view! {
                            <div class="kds-main">
                                <div class="kds-lanes">
                                    {lane("New", OrderStatus::Confirmed, &list, kds)}
                                    {lane("Cooking", OrderStatus::Preparing, &list, kds)}
                                    {lane("Ready", OrderStatus::Ready, &list, kds)}
                                </div>
                                {all_day(&list, kds)}
                            </div>
                        })
                        }
                        Err(e) => Either::Right(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The items of a ticket the station filter shows.
fn shown_items(t: &KitchenOrder, station: &str) -> Vec<OrderItem> {
    t.order.items.iter().filter(|i| station == "all" || i.station.as_deref() == Some(station)).cloned().collect()
}

fn lane(title: &'static str, status: OrderStatus, list: &[KitchenOrder], kds: Kds) -> impl IntoView + use<> {
    let mine: Vec<KitchenOrder> = list.iter().filter(|t| t.order.status == status).cloned().collect();
    let tickets = mine.clone();
    let count = move || mine.iter().filter(|t| !shown_items(t, kds.station.get()).is_empty()).count();
    view! {
        <section class="lane" data-status=status.as_str() aria-label=title>
            <h2>{title} " " <span class="count">{count}</span></h2>
            <div class="tickets">
                {move || {
                    let station = kds.station.get();
                    tickets
                        .iter()
                        .filter(|t| !shown_items(t, station).is_empty())
                        .map(|t| ticket(t.clone(), kds, true))
                        .collect_view()
                }}
            </div>
        </section>
    }
}

fn ticket(t: KitchenOrder, kds: Kds, actions: bool) -> impl IntoView + use<> {
    let base = t.elapsed_seconds;
    let age = move || base + ((kds.now.get() - kds.loaded_at.get()) / 1000.0).max(0.0) as i64;
    let order = t.order.clone();
    let next = match order.status {
        OrderStatus::Confirmed => Some(("Start", OrderStatus::Preparing)),
        OrderStatus::Preparing => Some(("Ready", OrderStatus::Ready)),
        _ => None,
    };
    let id = order.id;
    let button = next.filter(|_| actions).map(|(label, to)| {
        let bumped = t.clone();
        view! {
            <button
                type="button"
                class="primary bump"
                disabled=move || kds.act.pending().get()
                on:click=move |_| {
                    if to == OrderStatus::Ready {
                        kds.last_bumped.set(Some(bumped.clone()));
                    }
                    kds.act.dispatch(SetOrderStatus { order_id: id, status: to });
                }
            >
                {label}
            </button>
        }
    });
    let station_items = move || shown_items(&t, kds.station.get());
    let place = order.table_name.clone().unwrap_or_else(|| "Takeaway".into());
    view! {
        <article
            class=move || {
                let (warn, late) = kds.thresholds.get();
                match TicketAge::of(age(), warn, late) {
                    TicketAge::OnTime => "ticket",
                    TicketAge::Warn => "ticket warn",
                    TicketAge::Late => "ticket late",
                }
            }
            data-order-number=order.order_number.clone()
            aria-label=format!("Order {} for {}", order.order_number, place)
        >
            <header>
                <span class="number">"#" {order.order_number.clone()}</span>
                <span class="place">{place.clone()}</span>
                <span class="age" title="Time since it reached the kitchen">{move || format_age(age())}</span>
            </header>
            <ul class="items">{move || station_items().into_iter().map(item).collect_view()}</ul>
            {order.notes.clone().map(|n| view! { <p class="note">{n}</p> })}
            {button}
        </article>
    }
}

fn item(i: OrderItem) -> impl IntoView {
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
    view! {
        <li class:has-allergy=has_allergy>
            <span class="qty">{i.quantity.to_string()} "×"</span>
            <span class="dish-label">{i.product_name}</span>
            {allergy.map(|a| view! { <strong class="allergy">"ALLERGY: " {a}</strong> })}
            {(!others.is_empty()).then(|| view! { <span class="modifiers">{others.join(", ")}</span> })}
            {i.notes.map(|n| view! { <span class="item-note">{n}</span> })}
        </li>
    }
}

/// How many of each dish are still to cook (new and cooking tickets), for the station shown.
fn all_day(list: &[KitchenOrder], kds: Kds) -> impl IntoView + use<> {
    let open: Vec<KitchenOrder> = list
        .iter()
        .filter(|t| matches!(t.order.status, OrderStatus::Confirmed | OrderStatus::Preparing))
        .cloned()
        .collect();
    let counts = move || {
        let mut counts: BTreeMap<String, Qty> = BTreeMap::new();
        for t in &open {
            for i in shown_items(t, kds.station.get()) {
                *counts.entry(i.product_name).or_default() += i.quantity;
            }
        }
        counts
    };
    view! {
        <aside class="all-day" aria-label="All day">
            <h2>"All day"</h2>
            <ul>
                {move || {
                    let counts = counts();
                    if counts.is_empty() {
                        Either::Left(view! { <li class="empty">"Nothing to cook"</li> })
                    } else {
                        Either::Right(
                            counts
                                .into_iter()
                                .map(|(dish, n)| view! { <li><span class="count">{n.to_string()}</span> " " {dish}</li> })
                                .collect_view(),
                        )
                    }
                }}
            </ul>
        </aside>
    }
}

fn format_age(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// A short beep when a new ticket arrives, if the sound is on.
fn beep_on_new_tickets(live: Live, sound: RwSignal<bool>) {
    Effect::new(move |_| {
        let new_ticket = live.last_event.with(|e| {
            e.as_ref().is_some_and(|(name, data)| name == "order_status_changed" && data["status"] == "confirmed")
        });
        if new_ticket && sound.get_untracked() {
            beep();
        }
    });
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
