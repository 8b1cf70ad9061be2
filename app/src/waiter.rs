//! The waiter app (phone and tablet first): the floor with live table colours and a "ready to
//! serve" banner, and per table (or takeaway) the order pad and the table's open orders.
//!
//! The pad sends in one tap (create and confirm) with an idempotency key that only changes once
//! an order went through: the same tap retried on bad Wi-Fi finds the order it already made.

use crate::api::{
    MenuProduct, PadLine, SendOrder, SessionUser, SetOrderStatus, floor, menu, open_orders, ready_orders,
};
use crate::live::{ConnectionBadge, use_live};
use beerflow_core::domain::order::{Order, OrderStatus};
use beerflow_core::domain::stock::Shortfall;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;
use uuid::Uuid;

#[component]
pub fn Floor(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let tables = Resource::new(move || live.version.get(), |_| floor());
    let ready = Resource::new(move || live.version.get(), |_| ready_orders());
    view! {
        <div class="screen-bar">
            <h1>"Floor"</h1>
            <ConnectionBadge live/>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let ready = ready.await.unwrap_or_default();
                (!ready.is_empty()).then(|| view! {
                    <section class="ready-banner" role="status" aria-label="Ready to serve">
                        <h2>"Ready to serve"</h2>
                        <ul>
                            {ready.into_iter().map(|o| {
                                let href = pad_href(o.table_id);
                                let place = o.table_name.clone().unwrap_or_else(|| "Takeaway".into());
                                view! { <li><A href=href>"#" {o.order_number} " · " {place}</A></li> }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
        <Transition fallback=|| view! { <p class="loading">"Loading tables…"</p> }>
            {move || Suspend::new(async move {
                match tables.await {
                    Ok(tables) => {
                        let mut areas: BTreeMap<String, Vec<_>> = BTreeMap::new();
                        for t in tables {
                            areas.entry(t.area.clone().unwrap_or_else(|| "Tables".into())).or_default().push(t);
                        }
                        Either::Left(view! {
                            {areas.into_iter().map(|(area, tables)| view! {
                                <section class="area" aria-label=area.clone()>
                                    <h2>{area.clone()}</h2>
                                    <div class="table-grid">
                                        {tables.into_iter().map(|t| view! {
                                            <A href=format!("/waiter/table/{}", t.id) attr:class="table-tile" attr:data-status=t.status.as_str()>
                                                <span class="table-name">{t.name.clone()}</span>
                                                <span class="table-status">{t.status.as_str().replace('_', " ")}</span>
                                                <span class="table-meta">{t.seats} " seats"
                                                    {(t.open_orders > 0).then(|| format!(" · {} open", t.open_orders))}
                                                </span>
                                            </A>
                                        }).collect_view()}
                                    </div>
                                </section>
                            }).collect_view()}
                            <section class="area" aria-label="Takeaway">
                                <h2>"Takeaway"</h2>
                                <div class="table-grid">
                                    <A href="/waiter/table/takeaway" attr:class="table-tile takeaway">
                                        <span class="table-name">"Takeaway"</span>
                                        <span class="table-status">"no table"</span>
                                    </A>
                                </div>
                            </section>
                        })
                    }
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
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
    let send = ServerAction::<SendOrder>::new();
    let act = ServerAction::<SetOrderStatus>::new();
    let menu = Resource::new(move || (live.version.get(), send.version().get()), |_| menu());
    let tables = Resource::new(|| (), |_| floor());
    let orders = Resource::new(
        move || (table_id.get(), live.version.get(), send.version().get(), act.version().get()),
        |(table, ..)| open_orders(table),
    );
    let lines = RwSignal::new(Vec::<(MenuProduct, PadLine)>::new());
    let key = RwSignal::new(Uuid::new_v4().to_string());
    let search = RwSignal::new(String::new());
    // An order that went through: the pad empties and the next tap gets a new key.
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            lines.set(Vec::new());
            key.set(Uuid::new_v4().to_string());
        }
    });
    let add = move |p: MenuProduct| {
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
    let send_error = move || send.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    // The order the last Serve / Complete was for: a stock shortfall is shown on its card.
    let act_target = RwSignal::new(None::<Uuid>);
    let act_error =
        move || act.value().get().and_then(|r| r.err()).filter(|e| e.shortfalls().is_none()).map(|e| e.to_string());
    // Awaited inside the boundary, so the server renders the table's name in the first paint.
    let title = move || {
        Suspend::new(async move {
            match table_id.get() {
                None => "Takeaway".to_owned(),
                Some(id) => tables
                    .await
                    .ok()
                    .and_then(|ts| ts.into_iter().find(|t| t.id == id).map(|t| format!("Table {}", t.name)))
                    .unwrap_or_else(|| "Table".into()),
            }
        })
    };
    view! {
        <div class="screen-bar">
            <A href="/waiter" attr:class="back">"← Floor"</A>
            <h1><Transition fallback=|| "Table">{title}</Transition></h1>
            <ConnectionBadge live/>
        </div>
        <div class="pad-layout">
            <section class="menu" aria-label="Menu">
                <label class="search">
                    <span class="visually-hidden">"Search the menu"</span>
                    <input type="search" placeholder="Search dishes" prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
                <Transition fallback=|| view! { <p class="loading">"Loading the menu…"</p> }>
                    {move || Suspend::new(async move {
                        match menu.await {
                            Ok(menu) => Either::Left(menu_view(menu, search, add)),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                        }
                    })}
                </Transition>
            </section>
            <section class="pad" aria-label="Order pad">
                <h2>"New order"</h2>
                {move || lines.with(Vec::is_empty).then(|| view! { <p class="empty">"Tap dishes to add them."</p> })}
                <ul class="pad-lines">
                    {move || lines.get().into_iter().enumerate().map(|(i, (product, line))| pad_line(i, product, line, lines)).collect_view()}
                </ul>
                <button
                    type="button"
                    class="primary send"
                    disabled=move || send.pending().get() || lines.with(Vec::is_empty)
                    on:click=move |_| {
                        let pad = lines.get().into_iter().map(|(_, l)| l).collect();
                        send.dispatch(SendOrder { table_id: table_id.get(), lines: pad, key: key.get(), covers: None });
                    }
                >
                    {move || if send.pending().get() { "Sending…" } else { "Send to kitchen" }}
                </button>
                <p class="error" role="alert">{send_error}</p>
            </section>
            <section class="table-orders" aria-label="Orders">
                <h2>"Orders"</h2>
                <p class="error" role="alert" data-testid="order-error">{act_error}</p>
                <Transition fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
                    {move || Suspend::new(async move {
                        match orders.await {
                            Ok(list) if list.is_empty() => Either::Left(view! { <p class="empty">"No open orders."</p> }.into_any()),
                            Ok(list) => Either::Left(list.into_iter().map(|o| order_card(o, act, act_target)).collect_view().into_any()),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

fn menu_view(
    menu: Vec<MenuProduct>,
    search: RwSignal<String>,
    add: impl Fn(MenuProduct) + Copy + Send + Sync + 'static,
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
                            view! {
                                <button type="button" class="dish" class:sold-out=p.sold_out class:hidden=move || !shown()
                                    aria-label=format!("Add {}{}", p.name, if p.sold_out { " (sold out)" } else { "" })
                                    on:click=move |_| add(product.clone())>
                                    <span class="dish-name">{p.name.clone()}</span>
                                    <span class="dish-price">{p.price.clone()}</span>
                                    {p.sold_out.then(|| view! { <span class="sold-out-tag">"Sold out"</span> })}
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
    view! {
        <li class="pad-line">
            <div class="pad-line-main">
                <span class="dish-name">{product.name.clone()}</span>
                <div class="stepper" role="group" aria-label=format!("Quantity of {name}")>
                    <button type="button" aria-label=format!("One less {name}") on:click=move |_| {
                        lines.update(|ls| {
                            if let Some((_, l)) = ls.get_mut(i) {
                                if l.quantity > 1 { l.quantity -= 1 } else { ls.remove(i); }
                            }
                        })
                    }>"−"</button>
                    <span class="qty" aria-live="polite">{line.quantity}</span>
                    <button type="button" aria-label=format!("One more {}", product.name) on:click=move |_| set(&|l| l.quantity += 1)>"+"</button>
                </div>
            </div>
            <label>
                <span>"Note"</span>
                <input type="text" placeholder="e.g. no onions" prop:value=line.notes.clone().unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); set(&|l| l.notes = Some(v.clone()).filter(|v| !v.trim().is_empty())) }/>
            </label>
            <label class="allergy-field">
                <span>"Allergy"</span>
                <input type="text" placeholder="e.g. nuts" prop:value=line.allergy.clone().unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); set(&|l| l.allergy = Some(v.clone()).filter(|v| !v.trim().is_empty())) }/>
            </label>
        </li>
    }
}

fn order_card(o: Order, act: ServerAction<SetOrderStatus>, act_target: RwSignal<Option<Uuid>>) -> impl IntoView {
    let next = match o.status {
        OrderStatus::Ready => Some(("Serve", OrderStatus::Served)),
        OrderStatus::Served => Some(("Complete", OrderStatus::Completed)),
        _ => None,
    };
    let id = o.id;
    let shortfalls = move || {
        let failed = act.value().get().and_then(|r| r.err())?;
        (act_target.get() == Some(id)).then(|| failed.shortfalls().map(<[Shortfall]>::to_vec)).flatten()
    };
    view! {
        <article class="order-card" data-status=o.status.as_str() data-order-number=o.order_number.clone()
            aria-label=format!("Order {}", o.order_number)>
            <header>
                <span class="number">"#" {o.order_number.clone()}</span>
                <span class="status-pill" data-status=o.status.as_str()>{status_label(o.status)}</span>
            </header>
            {(o.status == OrderStatus::Ready).then(|| view! { <p class="ready-notice" role="status">"Ready to serve"</p> })}
            <ul class="items">
                {o.items.iter().map(|i| view! { <li>{i.quantity.to_string()} "× " {i.product_name.clone()}</li> }).collect_view()}
            </ul>
            {move || shortfalls().map(|list| view! {
                <div class="shortfall" role="alert" data-testid="shortfall">
                    <strong>"Cannot serve: insufficient stock"</strong>
                    <ul>
                        {list.into_iter().map(|s| {
                            let unit = s.unit.as_str();
                            view! {
                                <li>
                                    <span class="dish-name">{s.product_name}</span> ": "
                                    {format!("{} {unit} ordered, {} {unit} in stock", s.requested, s.available)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {next.map(|(label, to)| view! {
                <button type="button" class="primary" disabled=move || act.pending().get()
                    on:click=move |_| {
                        act_target.set(Some(id));
                        act.dispatch(SetOrderStatus { order_id: id, status: to });
                    }>
                    {label}
                </button>
            })}
        </article>
    }
}

fn status_label(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Draft => "Draft",
        OrderStatus::Confirmed => "Sent",
        OrderStatus::Preparing => "Cooking",
        OrderStatus::Ready => "Ready",
        OrderStatus::Served => "Served",
        OrderStatus::Completed => "Completed",
        OrderStatus::Cancelled => "Cancelled",
    }
}
