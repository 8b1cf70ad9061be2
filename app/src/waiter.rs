//! The waiter app (phone and tablet first): the floor with live table colours and a "ready to
//! serve" banner, and per table (or takeaway) the order pad and the table's open orders.
//!
//! The pad sends in one tap (create and confirm) with an idempotency key that only changes once
//! an order went through: the same tap retried on bad Wi-Fi finds the order it already made.

use crate::api::{
    MenuProduct, PadLine, SessionUser, SetOrderStatus, cancel_order, edit_order, floor, menu, open_orders,
    ready_orders, set_table_status, void_line,
};
use crate::error::UiError;
use crate::i18n::{error_text, money, t, tr, tx};
use crate::live::{ConnectionBadge, use_live};
use crate::outbox::{OutLine, Outbox, OutboxBadge, Queued};
use crate::saved;
use beerflow_core::domain::order::{Order, OrderStatus, line_total, void_action};
use beerflow_core::domain::stock::Shortfall;
use beerflow_core::domain::table::{Table, TableStatus};
use beerflow_core::domain::{Role, allowed};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The floor and the menu as last seen, for a screen opened without a connection.
const FLOOR_CACHE: &str = "beerflow.cache.floor.v1";
const MENU_CACHE: &str = "beerflow.cache.menu.v1";

#[component]
pub fn Floor(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let outbox = Outbox::new(live.connected);
    let freed = RwSignal::new(0u64);
    let tables =
        crate::codec::resource(move || (live.version.get(), freed.get()), |_| saved::cached(FLOOR_CACHE, floor()));
    let ready = crate::codec::resource(move || live.version.get(), |_| ready_orders());
    let floor_error = RwSignal::new(None::<UiError>);
    // The plan (tables where they stand; the default) or the list by area (small phones), as
    // last chosen on this device.
    let mode = saved::use_choice("beerflow.floor.view", FloorView::Plan, |_| true);
    let set_free = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            match set_table_status(id, TableStatus::Free).await {
                Ok(_) => {
                    let _ = floor_error.try_set(None);
                    let _ = freed.try_update(|n| *n += 1);
                }
                Err(e) => {
                    let _ = floor_error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <div class="screen-bar">
            <h1>{tx("floor-title")}</h1>
            <div class="segmented" role="group" aria-label=tx("floor-view")>
                <button type="button" aria-pressed=move || (mode.get() == FloorView::Plan).to_string()
                    on:click=move |_| mode.set(FloorView::Plan)>{tx("floor-view-plan")}</button>
                <button type="button" aria-pressed=move || (mode.get() == FloorView::List).to_string()
                    on:click=move |_| mode.set(FloorView::List)>{tx("floor-view-list")}</button>
            </div>
            <OutboxBadge outbox/>
            <ConnectionBadge live/>
        </div>
        <p class="error" role="alert">{move || floor_error.get().map(|e| error_text(&e))}</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let ready = ready.await.unwrap_or_default();
                (!ready.is_empty()).then(|| view! {
                    <section class="ready-banner" role="status" aria-label=tx("ready-to-serve")>
                        <h2>{tx("ready-to-serve")}</h2>
                        <ul>
                            {ready.into_iter().map(|o| {
                                let href = pad_href(o.table_id);
                                let place = o.table_name.clone().unwrap_or_else(|| tr!("takeaway"));
                                view! { <li><A href=href>"#" {o.order_number} " · " {place}</A></li> }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">{tx("loading-tables")}</p> }>
            {move || {
            let mode = mode.get();
            Suspend::new(async move {
                match tables.await {
                    Ok(tables) if mode == FloorView::Plan => {
                        let ready: Vec<Uuid> = ready.await.unwrap_or_default().iter().filter_map(|o| o.table_id).collect();
                        let cleaning: Vec<(Uuid, String)> = tables.iter()
                            .filter(|t| t.status == TableStatus::Cleaning)
                            .map(|t| (t.id, t.name.clone()))
                            .collect();
                        Either::Left(Either::Left(view! {
                            <crate::floorplan::WaiterPlan tables ready/>
                            {(!cleaning.is_empty()).then(|| view! {
                                <section class="to-clean" aria-label=tx("floor-to-clean")>
                                    <h2>{tx("floor-to-clean")}</h2>
                                    {cleaning.into_iter().map(|(id, name)| {
                                        let label = tr!("floor-set-free", {"table" => name.clone()});
                                        view! {
                                            <button type="button" class="set-free" aria-label=label on:click=move |_| set_free(id)>
                                                {name} " · " {tx("floor-cleaned")}
                                            </button>
                                        }
                                    }).collect_view()}
                                </section>
                            })}
                            <A href="/waiter/table/takeaway" attr:class="button takeaway-link">{tx("takeaway")}</A>
                        }))
                    }
                    Ok(tables) => {
                        let mut areas: BTreeMap<String, Vec<_>> = BTreeMap::new();
                        for t in tables {
                            areas.entry(t.area.clone().unwrap_or_else(|| tr!("floor-tables"))).or_default().push(t);
                        }
                        Either::Left(Either::Right(view! {
                            {areas.into_iter().map(|(area, tables)| view! {
                                <section class="area" aria-label=area.clone()>
                                    <h2>{area.clone()}</h2>
                                    <div class="table-grid">
                                        {tables.into_iter().map(|t| {
                                            let id = t.id;
                                            let cleaning = t.status == TableStatus::Cleaning;
                                            let (status, seats, open) = (t.status, t.seats, t.open_orders);
                                            let free_label = tr!("floor-set-free", {"table" => t.name.clone()});
                                            view! {
                                            <div class="table-cell">
                                                <A href=format!("/waiter/table/{}", t.id) attr:class="table-tile" attr:data-status=t.status.as_str()>
                                                    <span class="table-name">{t.name.clone()}</span>
                                                    <span class="table-status">{crate::i18n::t(&format!("table-{}", status.as_str()))}</span>
                                                    <span class="table-meta">{tr!("floor-seats", {"seats" => seats})}
                                                        {(open > 0).then(|| tr!("floor-open", {"open" => open}))}
                                                    </span>
                                                </A>
                                                {cleaning.then(|| view! {
                                                    <button type="button" class="set-free" aria-label=free_label.clone()
                                                        on:click=move |_| set_free(id)>{tx("floor-cleaned")}</button>
                                                })}
                                            </div>
                                        }}).collect_view()}
                                    </div>
                                </section>
                            }).collect_view()}
                            <section class="area" aria-label=tx("takeaway")>
                                <h2>{tx("takeaway")}</h2>
                                <div class="table-grid">
                                    <A href="/waiter/table/takeaway" attr:class="table-tile takeaway">
                                        <span class="table-name">{tx("takeaway")}</span>
                                        <span class="table-status">{tx("floor-no-table")}</span>
                                    </A>
                                </div>
                            </section>
                        }))
                    }
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                }
            })
            }}
        </Transition>
    }
}

/// How the floor is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FloorView {
    Plan,
    List,
}

fn pad_href(table: Option<Uuid>) -> String {
    match table {
        Some(id) => format!("/waiter/table/{id}"),
        None => "/waiter/table/takeaway".into(),
    }
}

#[component]
pub fn OrderPad(user: SessionUser) -> impl IntoView {
    let params = use_params_map();
    let table_id = Memo::new(move |_| params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    let live = use_live(user.venue_id);
    let outbox = Outbox::new(live.connected);
    let act = ServerAction::<SetOrderStatus>::new();
    // Bumped by the cards' corrections that went through.
    let changed = RwSignal::new(0u64);
    // The order the last Serve / Complete was for: a stock shortfall is shown on its card.
    let act_target = RwSignal::new(None::<Uuid>);
    let menu =
        crate::codec::resource(move || (live.version.get(), outbox.sent.get()), |_| saved::cached(MENU_CACHE, menu()));
    let tables = crate::codec::resource(|| (), |_| saved::cached(FLOOR_CACHE, floor()));
    let orders = crate::codec::resource(
        move || (table_id.get(), live.version.get(), outbox.sent.get(), act.version().get(), changed.get()),
        |(table, ..)| async move {
            let key = format!(
                "beerflow.cache.orders.v1.{}",
                table.map(|t| t.to_string()).unwrap_or_else(|| "takeaway".into())
            );
            saved::cached(&key, open_orders(table)).await
        },
    );
    let lines = RwSignal::new(Vec::<(MenuProduct, PadLine)>::new());
    let key = RwSignal::new(Uuid::new_v4().to_string());
    let search = RwSignal::new(String::new());
    let covers = RwSignal::new(None::<i32>);
    // What the last Send would promise beyond the stock, waiting for the waiter's answer.
    let oversell = RwSignal::new(None::<String>);
    let add = move |p: MenuProduct| {
        oversell.set(None);
        lines.update(|lines| {
            match lines.iter_mut().find(|(m, l)| m.id == p.id && l.notes.is_none() && l.allergy.is_none()) {
                Some((_, line)) => line.quantity += 1,
                None => {
                    let line = PadLine { product_id: p.id, quantity: 1, notes: None, allergy: None };
                    lines.push((p, line));
                }
            }
        })
    };
    let total = move || lines.with(|ls| ls.iter().map(|(p, l)| p.price_cents * l.quantity as i64).sum::<i64>());
    let place = move || {
        let id = table_id.get();
        tables
            .get()
            .and_then(|r| r.ok())
            .and_then(|ts| ts.into_iter().find(|t| Some(t.id) == id).map(|t| tr!("pad-table", {"table" => t.name})))
            .unwrap_or_else(|| if id.is_none() { tr!("takeaway") } else { tr!("pad-table-unknown") })
    };
    let send = move |confirmed: bool| {
        // Sending more than can be promised asks first (the counts can be wrong: it can be sent).
        if !confirmed {
            let short = over_promise(&lines.get());
            if !short.is_empty() {
                oversell.set(Some(short.join("; ")));
                return;
            }
        }
        oversell.set(None);
        let pad = lines.get();
        if pad.is_empty() {
            return;
        }
        let out = pad.into_iter().map(|(p, line)| OutLine { line, name: p.name, price_cents: p.price_cents }).collect();
        outbox.push(Queued {
            key: key.get(),
            table_id: table_id.get(),
            place: place(),
            covers: covers.get(),
            lines: out,
            refused: None,
            refusal: None,
        });
        lines.set(Vec::new());
        covers.set(None);
        key.set(Uuid::new_v4().to_string());
    };
    // Awaited inside the boundary, so the server renders the table's name in the first paint.
    let title = move || {
        Suspend::new(async move {
            match table_id.get() {
                None => tr!("takeaway"),
                Some(id) => tables
                    .await
                    .ok()
                    .and_then(|ts| ts.into_iter().find(|t| t.id == id).map(|t| tr!("pad-table", {"table" => t.name})))
                    .unwrap_or_else(|| tr!("pad-table-unknown")),
            }
        })
    };
    let role = user.role;
    let in_pad =
        move |id: Uuid| lines.with(|ls| ls.iter().filter(|(p, _)| p.id == id).map(|(_, l)| l.quantity).sum::<u32>());
    view! {
        <div class="screen-bar">
            <A href="/waiter" attr:class="back">"← " {tx("floor-title")}</A>
            <h1><Transition fallback=|| tr!("pad-table-unknown")>{title}</Transition></h1>
            <OutboxBadge outbox/>
            <ConnectionBadge live/>
        </div>
        <div class="pad-layout">
            <section class="menu" aria-label=tx("pad-menu")>
                <label class="search">
                    <span class="visually-hidden">{tx("pad-search-label")}</span>
                    <input type="search" placeholder=tx("pad-search") prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
                <Transition fallback=|| view! { <p class="loading">{tx("loading-menu")}</p> }>
                    {move || Suspend::new(async move {
                        match menu.await {
                            Ok(menu) => Either::Left(menu_view(menu, search, add, in_pad)),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                        }
                    })}
                </Transition>
            </section>
            <section class="pad" aria-label=tx("pad-label")>
                <h2>{move || if orders_accept(&orders) { tr!("pad-add-to-order") } else { tr!("pad-new-order") }}</h2>
                {move || lines.with(Vec::is_empty).then(|| view! { <p class="empty">{tx("pad-empty")}</p> })}
                <ul class="pad-lines">
                    {move || lines.get().into_iter().enumerate().map(|(i, (product, line))| pad_line(i, product, line, lines)).collect_view()}
                </ul>
                <label class="covers-field">
                    <span>{tx("covers")}</span>
                    <input type="number" min="1" max="500" inputmode="numeric" placeholder=tx("pad-guests")
                        prop:value=move || covers.get().map(|c| c.to_string()).unwrap_or_default()
                        on:change=move |ev| covers.set(event_target_value(&ev).trim().parse().ok().filter(|c| *c > 0))/>
                </label>
                <Outgoing outbox lines covers table_id/>
                <div class="send-bar">
                    {move || oversell.get().map(|short| view! {
                        <div class="oversell" role="alert">
                            <p><strong>{tx("pad-oversell")} " "</strong>{short}</p>
                            <div class="oversell-actions">
                                <button type="button" class="ghost" on:click=move |_| oversell.set(None)>{tx("pad-change-order")}</button>
                                <button type="button" class="danger" on:click=move |_| send(true)>{tx("pad-send-anyway")}</button>
                            </div>
                        </div>
                    })}
                    <span class="pad-total" aria-label=tx("pad-total")>{move || money(total())}</span>
                    <button
                        type="button"
                        class="primary send"
                        disabled=move || lines.with(Vec::is_empty)
                        on:click=move |_| send(false)
                    >
                        {move || if orders_accept(&orders) { tr!("pad-send-addition") } else { tr!("pad-send") }}
                    </button>
                </div>
            </section>
            <section class="table-orders" aria-label=tx("orders")>
                <h2>{tx("orders")}</h2>
                <p class="error" role="alert" data-testid="order-error">
                    {move || act.value().get().and_then(|r| r.err()).filter(|e| e.shortfalls().is_none()).map(|e| error_text(&e))}
                </p>
                <Transition fallback=|| view! { <p class="loading">{tx("loading-orders")}</p> }>
                    {move || Suspend::new(async move {
                        let all_tables = tables.await.unwrap_or_default();
                        match orders.await {
                            Ok(list) if list.is_empty() => Either::Left(view! { <p class="empty">{tx("orders-none")}</p> }.into_any()),
                            Ok(list) => Either::Left(list.into_iter().map(|o| order_card(o, act, act_target, changed, role, all_tables.clone())).collect_view().into_any()),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// Whether the table's latest open order still takes additions (Send adds to it; takeaway
/// orders are each their own).
fn orders_accept(orders: &Resource<Result<Vec<Order>, UiError>, crate::codec::Json>) -> bool {
    orders.with(|o| {
        o.as_ref().and_then(|r| r.as_ref().ok()).is_some_and(|list| {
            list.iter()
                .any(|o| o.table_id.is_some() && matches!(o.status, OrderStatus::Confirmed | OrderStatus::Preparing))
        })
    })
}

/// The dishes of the pad that ask for more than can be promised, in words.
fn over_promise(lines: &[(MenuProduct, PadLine)]) -> Vec<String> {
    let mut wanted: BTreeMap<Uuid, (String, i64, i64)> = BTreeMap::new();
    for (p, l) in lines {
        if let Some(available) = p.available {
            wanted.entry(p.id).or_insert((p.name.clone(), available, 0)).2 += l.quantity as i64;
        }
    }
    wanted
        .into_values()
        .filter(|(_, available, want)| want > available)
        .map(|(name, available, want)| tr!("pad-over-promise", {"wanted" => want, "dish" => name, "left" => available.max(0)}))
        .collect()
}

/// The orders of this screen's outbox: waiting (offline) or refused, with what to do.
#[component]
fn Outgoing(
    outbox: Outbox,
    lines: RwSignal<Vec<(MenuProduct, PadLine)>>,
    covers: RwSignal<Option<i32>>,
    table_id: Memo<Option<Uuid>>,
) -> impl IntoView {
    move || {
        let mine: Vec<Queued> =
            outbox.items.with(|items| items.iter().filter(|q| q.table_id == table_id.get()).cloned().collect());
        (!mine.is_empty()).then(|| {
            view! {
                <ul class="outgoing" aria-label=tx("outbox-not-sent")>
                    {mine.into_iter().map(|q| {
                        let key = q.key.clone();
                        let edit_key = q.key.clone();
                        let summary = q.lines.iter().map(|l| format!("{}× {}", l.line.quantity, l.name)).collect::<Vec<_>>().join(", ");
                        let refused = q.refused.clone();
                        let refusal = q.refusal.clone();
                        let is_refused = refused.is_some();
                        let back = q.clone();
                        view! {
                            <li class="queued" class:refused=is_refused data-key=q.key.clone()>
                                <span class="queued-state">{if is_refused { tr!("outbox-refused") } else { tr!("outbox-waiting") }}</span>
                                <span class="queued-lines">{summary}</span>
                                {refused.map(|why| view! {
                                    <p class="error" role="alert">{refusal.as_ref().map(|e| error_text(&UiError::App(e.clone()))).unwrap_or(why)}</p>
                                    <div class="queued-actions">
                                        <button type="button" class="ghost" on:click=move |_| {
                                            // Back on the pad to change it (the names and prices it had).
                                            let back = back.clone();
                                            outbox.discard(&edit_key);
                                            covers.set(back.covers);
                                            lines.set(back.lines.into_iter().map(|l| (MenuProduct {
                                                id: l.line.product_id,
                                                name: l.name,
                                                unit: String::new(),
                                                category: String::new(),
                                                price: money(l.price_cents),
                                                price_cents: l.price_cents,
                                                available: None,
                                                sold_out: false,
                                            }, l.line)).collect());
                                        }>{tx("outbox-edit")}</button>
                                        <button type="button" class="danger" on:click=move |_| outbox.discard(&key)>{tx("outbox-discard")}</button>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })
    }
}

fn menu_view(
    menu: Vec<MenuProduct>,
    search: RwSignal<String>,
    add: impl Fn(MenuProduct) + Copy + Send + Sync + 'static,
    in_pad: impl Fn(Uuid) -> u32 + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let mut by_category: Vec<(String, Vec<MenuProduct>)> = Vec::new();
    for p in menu {
        match by_category.last_mut() {
            Some((name, items)) if *name == p.category => items.push(p),
            _ => by_category.push((p.category.clone(), vec![p])),
        }
    }
    by_category
        .into_iter()
        .map(|(category, items)| {
            let items_for_hidden = items.clone();
            let hidden = move || {
                let q = search.get().to_lowercase();
                !q.is_empty() && !items_for_hidden.iter().any(|p| p.name.to_lowercase().contains(&q))
            };
            view! {
                <div class="category" class:hidden=hidden>
                    <h3>{category}</h3>
                    <div class="dishes">
                        {items.into_iter().map(|p| {
                            let name = p.name.to_lowercase();
                            let shown = move || { let q = search.get().to_lowercase(); q.is_empty() || name.contains(&q) };
                            let product = p.clone();
                            let id = p.id;
                            let unit = if p.unit == "pz" { String::new() } else { format!(" {}", p.unit) };
                            let left = p.available.filter(|_| !p.sold_out).map(|n| tr!("pad-left", {"left" => format!("{n}{unit}"), "count" => n}));
                            let (dish, sold_out, price_cents) = (p.name.clone(), p.sold_out, p.price_cents);
                            view! {
                                <button type="button" class="dish" class:sold-out=p.sold_out class:hidden=move || !shown()
                                    aria-label=if sold_out { tr!("pad-add-sold-out", {"dish" => dish}) } else { tr!("pad-add", {"dish" => dish}) }
                                    on:click=move |_| add(product.clone())>
                                    <span class="dish-name">{p.name.clone()}</span>
                                    <span class="dish-price">{money(price_cents)}</span>
                                    {left.map(|l| view! { <span class="dish-left">{l}</span> })}
                                    {p.sold_out.then(|| view! { <span class="sold-out-tag">{tx("pad-sold-out")}</span> })}
                                    {move || {
                                        let n = in_pad(id);
                                        (n > 0).then(|| view! { <span class="in-pad" aria-hidden="true">{n}</span> })
                                    }}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                </div>
            }
        })
        .collect_view()
}

fn pad_line(
    i: usize,
    product: MenuProduct,
    line: PadLine,
    lines: RwSignal<Vec<(MenuProduct, PadLine)>>,
) -> impl IntoView {
    let set = move |f: &dyn Fn(&mut PadLine)| {
        lines.update(|ls| {
            if let Some((_, l)) = ls.get_mut(i) {
                f(l)
            }
        })
    };
    let name = product.name.clone();
    let line_cents = product.price_cents * line.quantity as i64;
    view! {
        <li class="pad-line">
            <div class="pad-line-main">
                <span class="dish-name">{product.name.clone()}</span>
                <span class="line-price">{money(line_cents)}</span>
                <div class="stepper" role="group" aria-label=tr!("pad-quantity-of", {"dish" => name})>
                    <button type="button" aria-label=tr!("pad-one-less", {"dish" => name}) on:click=move |_| {
                        lines.update(|ls| {
                            if let Some((_, l)) = ls.get_mut(i) {
                                if l.quantity > 1 { l.quantity -= 1 } else { ls.remove(i); }
                            }
                        })
                    }>"−"</button>
                    <span class="qty" aria-live="polite">{line.quantity}</span>
                    <button type="button" aria-label=tr!("pad-one-more", {"dish" => name}) on:click=move |_| set(&|l| l.quantity += 1)>"+"</button>
                </div>
            </div>
            <label>
                <span>{tx("pad-note")}</span>
                <input type="text" placeholder=tx("pad-note-example") prop:value=line.notes.clone().unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); set(&|l| l.notes = Some(v.clone()).filter(|v| !v.trim().is_empty())) }/>
            </label>
            <label class="allergy-field">
                <span>{tx("pad-allergy")}</span>
                <input type="text" placeholder=tx("pad-allergy-example") prop:value=line.allergy.clone().unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); set(&|l| l.allergy = Some(v.clone()).filter(|v| !v.trim().is_empty())) }/>
            </label>
        </li>
    }
}

/// What a card's correction form asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Asking {
    Void(Uuid),
    Cancel,
    Move,
}

fn order_card(
    o: Order,
    act: ServerAction<SetOrderStatus>,
    act_target: RwSignal<Option<Uuid>>,
    changed: RwSignal<u64>,
    role: Role,
    tables: Vec<Table>,
) -> impl IntoView {
    let next = match o.status {
        OrderStatus::Ready => Some(("order-serve", OrderStatus::Served)),
        OrderStatus::Served => Some(("order-complete", OrderStatus::Completed)),
        _ => None,
    };
    let id = o.id;
    let status = o.status;
    let asking = RwSignal::new(None::<Asking>);
    let error = RwSignal::new(None::<UiError>);
    let busy = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let may_correct = void_action(status).is_some_and(|a| allowed(role, a));
    let corrections_end = void_action(status).is_none();
    let run = move |call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<Order, UiError>>>>| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = call.await;
            let _ = busy.try_set(false);
            match result {
                Ok(_) => {
                    let _ = asking.try_set(None);
                    let _ = changed.try_update(|n| *n += 1);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };
    let shortfalls = move || {
        let failed = act.value().get().and_then(|r| r.err())?;
        (act_target.get() == Some(id)).then(|| failed.shortfalls().map(<[Shortfall]>::to_vec)).flatten()
    };
    let live_lines = o.items.iter().filter(|i| i.voided_at.is_none()).count();
    let lines_view = o
        .items
        .iter()
        .map(|i| {
            let item_id = i.id;
            let voided = i.voided_at.is_some();
            let allergy = i.modifiers.as_ref().and_then(|m| m.get("allergy")).and_then(|v| v.as_str()).map(str::to_owned);
            let can_void = !voided && !corrections_end && live_lines > 1;
            let (qty, cents) = (i.quantity, line_total(i.quantity, i.unit_price).raw());
            view! {
                <li class:voided=voided>
                    <span class="line-text">{crate::i18n::number(qty)} "× " {i.product_name.clone()}</span>
                    <span class="line-price">{money(cents)}</span>
                    {i.notes.clone().map(|n| view! { <span class="line-note">{n}</span> })}
                    {allergy.map(|a| view! { <span class="line-allergy">{tx("line-allergy")} " " {a}</span> })}
                    {voided.then(|| view! { <span class="line-void">{tx("line-voided")} " " {i.void_reason.clone().unwrap_or_default()}</span> })}
                    {(can_void && may_correct).then(|| view! {
                        <button type="button" class="ghost small" on:click=move |_| { reason.set(String::new()); asking.set(Some(Asking::Void(item_id))) }>
                            {tx("order-void")}
                        </button>
                    })}
                </li>
            }
        })
        .collect_view();
    let move_choices: Vec<(String, String)> = tables
        .iter()
        .filter(|t| Some(t.id) != o.table_id && t.status != TableStatus::OutOfService)
        .map(|t| (t.id.to_string(), t.name.clone()))
        .collect();
    let covers = o.covers;
    let total = o.total.raw();
    view! {
        <article class="order-card" data-status=o.status.as_str() data-order-number=o.order_number.clone()
            aria-label=tr!("order-label", {"order" => o.order_number})>
            <header>
                <span class="number">"#" {o.order_number.clone()}</span>
                <span class="status-pill" data-status=o.status.as_str()>{status_label(status)}</span>
                <span class="order-total" aria-label=tx("order-total")>{money(total)}</span>
            </header>
            {covers.map(|c| view! { <p class="order-covers">{tr!("order-covers", {"covers" => c})}</p> })}
            {(o.status == OrderStatus::Ready).then(|| view! { <p class="ready-notice" role="status">{tx("ready-to-serve")}</p> })}
            <ul class="items">{lines_view}</ul>
            {move || shortfalls().map(|list| view! {
                <div class="shortfall" role="alert" data-testid="shortfall">
                    <strong>{tx("shortfall-title")}</strong>
                    <ul>
                        {list.into_iter().map(|s| {
                            let unit = s.unit.as_str();
                            view! {
                                <li>
                                    {tx("shortfall-not-enough")} " " <span class="dish-name">{s.product_name}</span> ": "
                                    {tr!("shortfall-counts", {
                                        "ordered" => crate::i18n::quantity(s.requested, unit),
                                        "available" => crate::i18n::quantity(s.available, unit),
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p>{tx("shortfall-advice")}</p>
                </div>
            })}
            <p class="error" role="alert">{move || error.get().map(|e| error_text(&e))}</p>
            {move || asking.get().map(|a| match a {
                Asking::Void(item) => reason_form(
                    ReasonForm {
                        group: "void-group",
                        question: "void-question",
                        example: "void-example",
                        keep: "void-keep",
                        confirm: "void-confirm",
                    },
                    reason,
                    asking,
                    busy,
                    move || run(Box::pin(void_line(id, item, reason.get()))),
                ),
                Asking::Cancel => reason_form(
                    ReasonForm {
                        group: "cancel-group",
                        question: "cancel-question",
                        example: "cancel-example",
                        keep: "cancel-keep",
                        confirm: "cancel-confirm",
                    },
                    reason,
                    asking,
                    busy,
                    move || run(Box::pin(cancel_order(id, reason.get()))),
                ),
                Asking::Move => {
                    let choices = move_choices.clone();
                    view! {
                        <div class="ask" role="group" aria-label=tx("move-group")>
                            <label>{tx("move-to")}
                                <select on:change=move |ev| target.set(event_target_value(&ev))>
                                    <option value="">{tx("move-choose")}</option>
                                    <option value="takeaway">{tx("takeaway")}</option>
                                    {choices.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                            </label>
                            <div class="ask-actions">
                                <button type="button" class="ghost" on:click=move |_| asking.set(None)>{tx("move-stay")}</button>
                                <button type="button" class="primary" disabled=move || busy.get() || target.with(String::is_empty)
                                    on:click=move |_| {
                                        let to = target.get();
                                        let table = if to == "takeaway" { None } else { Uuid::parse_str(&to).ok() };
                                        run(Box::pin(edit_order(id, Some(table), None)));
                                    }>{tx("move-confirm")}</button>
                            </div>
                        </div>
                    }.into_any()
                }
            })}
            <div class="card-actions">
                {next.map(|(label, to)| view! {
                    <button type="button" class="primary" disabled=move || act.pending().get()
                        on:click=move |_| {
                            act_target.set(Some(id));
                            act.dispatch(SetOrderStatus { order_id: id, status: to });
                        }>
                        {t(label)}
                    </button>
                })}
                {status.is_open().then(|| view! {
                    <button type="button" class="ghost" on:click=move |_| { target.set(String::new()); asking.set(Some(Asking::Move)) }>{tx("order-move")}</button>
                    <label class="covers-edit">
                        {tx("covers")}
                        <input type="number" min="1" max="500" inputmode="numeric" prop:value=covers.map(|c| c.to_string()).unwrap_or_default()
                            on:change=move |ev| {
                                if let Ok(c) = event_target_value(&ev).trim().parse::<i32>() {
                                    run(Box::pin(edit_order(id, None, Some(c))));
                                }
                            }/>
                    </label>
                })}
                {(!corrections_end && may_correct).then(|| view! {
                    <button type="button" class="danger-ghost" class:hidden=move || asking.get().is_some() on:click=move |_| { reason.set(String::new()); asking.set(Some(Asking::Cancel)) }>{tx("order-cancel")}</button>
                })}
            </div>
            {(!corrections_end && !may_correct).then(|| view! {
                <p class="who-can">{tx("order-who-can")}</p>
            })}
        </article>
    }
}

/// The words (message keys) of a correction that asks why.
struct ReasonForm {
    group: &'static str,
    question: &'static str,
    example: &'static str,
    keep: &'static str,
    confirm: &'static str,
}

/// Asks for the reason of a correction: confirmed only with a reason, once nothing is pending.
fn reason_form(
    words: ReasonForm,
    reason: RwSignal<String>,
    asking: RwSignal<Option<Asking>>,
    busy: RwSignal<bool>,
    confirm: impl Fn() + 'static,
) -> AnyView {
    view! {
        <div class="ask" role="group" aria-label=t(words.group)>
            <label>{t(words.question)} <input type="text" placeholder=t(words.example)
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/></label>
            <div class="ask-actions">
                <button type="button" class="ghost" on:click=move |_| asking.set(None)>{t(words.keep)}</button>
                <button type="button" class="danger" disabled=move || busy.get() || reason.with(|r| r.trim().is_empty())
                    on:click=move |_| confirm()>{t(words.confirm)}</button>
            </div>
        </div>
    }
    .into_any()
}

/// The status as the waiter says it ("Sent", "Cooking"...).
fn status_label(s: OrderStatus) -> String {
    t(&format!("status-{}", s.as_str()))
}
