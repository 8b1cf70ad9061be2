//! The manager's overview (`/manager`): the room, the kitchen and the stock now, and the latest
//! alerts, live from the venue feed; and the alerts screen (`/manager/alerts`): the venue's
//! recent `stock_alert` and `kitchen_alert` events, newest first, a new one on top as it comes.

use crate::api::SessionUser;
use crate::i18n::{date, error_text, moment, quantity, t, tr, tx};
use crate::live::{ConnectionBadge, use_live};
use crate::manage_api::{Alert, Overview, load_overview, recent_alerts};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn OverviewCards(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    // At most one reload every 2 s however many events a rush brings.
    let settled = live.settled(std::time::Duration::from_secs(2));
    let data = crate::codec::resource(move || settled.get(), |_| load_overview());
    view! {
        <div class="screen-bar">
            <h1>{tx("manage-title")}</h1>
            <ConnectionBadge live/>
        </div>
        <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => Either::Left(view! { <Cards overview=o/> }),
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Cards(overview: Overview) -> impl IntoView {
    let Overview { tables, kitchen, stock, alerts } = overview;
    let late = kitchen.late_tickets;
    let attention: Vec<_> = stock.products.iter().filter(|p| p.below_min).cloned().collect();
    let today = stock.today;
    let window = stock.expiring_within_days;
    let avg = kitchen
        .average_preparation_minutes
        .map(|m| tr!("overview-minutes", {"minutes" => crate::i18n::number(beerflow_core::domain::Qty::from_raw((m * 1000.0).round() as i64))}))
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <div class="overview">
            <section class="card" aria-label=tx("overview-room")>
                <h2><A href="/waiter">{tx("overview-room")}</A></h2>
                <ul class="stat-list">
                    {tables.into_iter().map(|(status, n)| view! {
                        <li data-status=status.as_str()>
                            <b>{n}</b> <span>{t(&format!("table-{}", status.as_str()))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" aria-label=tx("overview-kitchen")>
                <h2><A href="/kitchen">{tx("overview-kitchen")}</A></h2>
                <ul class="stat-list">
                    <li data-stat="open"><b>{kitchen.open_tickets}</b> <span>{tx("overview-open-tickets")}</span></li>
                    <li data-stat="late" class:alarm={late > 0}>
                        <b>{kitchen.late_tickets}</b>
                        <span>{tr!("overview-late-tickets", {"minutes" => kitchen.late_minutes})}</span>
                    </li>
                    <li data-stat="prep"><b>{avg}</b> <span>{tx("overview-avg-prep")}</span></li>
                </ul>
            </section>
            <section class="card" aria-label=tx("overview-stock")>
                <h2><A href="/manager/stock">{tx("overview-stock")}</A></h2>
                {(attention.is_empty() && stock.expiring_lots.is_empty() && stock.expired_lots.is_empty())
                    .then(|| view! { <p class="empty">{tx("overview-stock-fine")}</p> })}
                <ul class="attention">
                    {attention.into_iter().map(|p| view! {
                        <li class="warn">{tr!("overview-below-min", {"product" => p.name.clone(), "qty" => quantity(p.qty_on_hand, p.unit.as_str())})}</li>
                    }).collect_view()}
                    {stock.expired_lots.into_iter().map(|l| view! {
                        <li class="danger">{tr!("overview-expired", {"product" => l.product_name.clone(), "lot" => l.lot_code.clone(), "qty" => quantity(l.qty_current, l.unit.as_str())})}</li>
                    }).collect_view()}
                    {stock.expiring_lots.into_iter().map(|l| {
                        let days = l.expiry_date.map(|d| (d - today).num_days()).unwrap_or(i64::from(window));
                        view! {
                            <li class="soon">{tr!("overview-expiring", {
                                "product" => l.product_name.clone(), "lot" => l.lot_code.clone(),
                                "date" => l.expiry_date.map(date).unwrap_or_default(), "days" => days
                            })}</li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="card alerts-card" aria-label=tx("overview-alerts")>
                <h2><A href="/manager/alerts">{tx("overview-alerts")}</A></h2>
                {if alerts.is_empty() {
                    Either::Left(view! { <p class="empty">{tx("alerts-none")}</p> })
                } else {
                    Either::Right(view! { <ul class="alert-list">{alerts.into_iter().map(alert_item).collect_view()}</ul> })
                }}
            </section>
        </div>
    }
}

/// One alert in plain words, with its time on the venue's clock.
fn alert_item(a: Alert) -> impl IntoView {
    let text = a.text();
    let level = match (a.event.as_str(), a.kind.as_deref(), a.priority.as_deref()) {
        (_, _, Some("high")) | (_, Some("expired"), _) => "high",
        ("stock_alert", _, _) => "normal",
        (_, _, Some("low")) => "low",
        _ => "normal",
    };
    view! {
        <li class="alert" data-level=level data-event=a.event.clone() data-seq=a.seq>
            <span class="alert-time">{moment(a.at)}</span>
            <span class="alert-text">{text}</span>
        </li>
    }
}

/// How many alerts the alerts screen lists.
const ALERTS_SHOWN: i64 = 100;

#[component]
pub fn AlertsScreen(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    // Reloaded on every (re)join, so what came while away is there; new ones are put on top.
    let list = crate::codec::resource(move || live.resync.get(), |_| recent_alerts(ALERTS_SHOWN));
    let fresh = RwSignal::new(Vec::<Alert>::new());
    live.for_each_new_event(move |e| {
        let at = e.ts.unwrap_or_else(crate::live::browser_now);
        if let Some(a) = Alert::from_event(e.seq, &e.name, &e.data, at) {
            fresh.update(|f| f.insert(0, a));
        }
    });
    view! {
        <div class="screen-bar">
            <h1>{tx("alerts-title")}</h1>
            <ConnectionBadge live/>
        </div>
        <p class="lead">{tx("alerts-lead")}</p>
        <section class="card" aria-label=tx("alerts-title")>
            <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(loaded) => {
                            let newest = loaded.first().map_or(0, |a| a.seq);
                            let shown = move || {
                                let mut all: Vec<Alert> = fresh.get().into_iter().filter(|a| a.seq > newest).collect();
                                all.extend(loaded.clone());
                                all.dedup_by_key(|a| a.seq);
                                all.truncate(ALERTS_SHOWN as usize);
                                all
                            };
                            let empty = shown.clone();
                            Either::Left(view! {
                                {move || empty().is_empty().then(|| view! { <p class="empty">{tx("alerts-none")}</p> })}
                                <ul class="alert-list">{move || shown().into_iter().map(alert_item).collect_view()}</ul>
                            })
                        }
                        Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}
