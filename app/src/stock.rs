//! The manager's stock (`/manager/stock`): receiving a delivery lot by lot (the form stays open
//! and remembers the supplier, so twenty lots are twenty quick entries), what each product has
//! on hand and in which lots (coloured by the days left on the venue's calendar), waste and
//! counted corrections with a reason, the expired lots recorded as waste in one step, and what
//! the next portions of a dish would take (the FEFO preview). Live: the board follows the venue
//! feed, so a serve in the dining room shows here.

use crate::api::SessionUser;
use crate::forms::{FieldError, FormError, invalid};
use crate::i18n::{date, error_text, quantity, tr, tx};
use crate::live::{ConnectionBadge, use_live};
use crate::manage_api::{
    Catalog, LotForm, StockBoard, adjust, fefo_next, load_catalog, load_stock, receive, waste_expired,
};
use beerflow_core::domain::inventory::{Lot, Unit};
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use uuid::Uuid;

const SUPPLIER_KEY: &str = "beerflow.receive.supplier";

/// How many days are left before `expiry` on `today` (negative: expired), its class and words.
pub fn days_left(expiry: NaiveDate, today: NaiveDate, window: u32) -> (i64, &'static str) {
    let days = (expiry - today).num_days();
    let class = if days < 0 {
        "exp-expired"
    } else if days <= i64::from(window) {
        "exp-soon"
    } else {
        "exp-ok"
    };
    (days, class)
}

fn expiry_chip(expiry: Option<NaiveDate>, today: NaiveDate, window: u32) -> impl IntoView {
    match expiry {
        None => Either::Left(view! { <span class="exp-chip exp-none">{tx("stock-no-expiry")}</span> }),
        Some(d) => {
            let (days, class) = days_left(d, today, window);
            let words = match days {
                ..0 => tr!("stock-expired-ago", {"days" => -days}),
                0 => tr!("stock-expires-today"),
                _ => tr!("stock-days-left", {"days" => days}),
            };
            Either::Right(view! {
                <span class=format!("exp-chip {class}") data-days=days>{date(d)} " · " {words}</span>
            })
        }
    }
}

/// The receiving form's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct Receipt {
    product_id: Option<Uuid>,
    lot_code: String,
    quantity: String,
    unit: Option<Unit>,
    cost: String,
    expiry: String,
    location: String,
    supplier_id: Option<Uuid>,
}

const RECEIVE_FIELDS: &[&str] =
    &["product_id", "lot_code", "qty_init", "unit", "cost_per_unit", "expiry_date", "storage_location", "supplier_id"];

#[component]
pub fn StockScreen(user: SessionUser) -> impl IntoView {
    let live = use_live(user.venue_id);
    let version = RwSignal::new(0u32);
    // Choices of the receiving form: loaded once, so the form is not redrawn as stock moves.
    let choices = crate::codec::resource(|| (), |_| load_catalog());
    // Reloaded after a change of its own at once, and at most every 2 s for the venue's events.
    let settled = live.settled(std::time::Duration::from_secs(2));
    let board = crate::codec::resource(move || (version.get(), settled.get()), |_| load_stock());
    let selected = RwSignal::new(None::<Uuid>);
    // The lot being wasted or adjusted: its form is drawn outside the board, so the board
    // following the feed (a serve in the room) never takes a half-typed entry away.
    let adjusting = RwSignal::new(None::<Lot>);
    view! {
        <div class="screen-bar">
            <h1>{tx("stock-title")}</h1>
            <ConnectionBadge live/>
        </div>
        <div class="stock-layout">
            <section class="card receive" aria-label=tx("stock-receive")>
                <h2>{tx("stock-receive")}</h2>
                <Suspense fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match choices.await {
                            Ok(c) => Either::Left(view! { <ReceiveForm catalog=c version/> }),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                        }
                    })}
                </Suspense>
            </section>
            <div class="stock-main">
                <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match board.await {
                            Ok(b) => Either::Left(view! { <Board board=b version selected adjusting/> }),
                            Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
                        }
                    })}
                </Transition>
                {move || adjusting.get().map(|lot| view! { <AdjustForm lot version adjusting/> })}
                {move || selected.get().map(|product_id| view! { <FefoPreview product_id/> })}
            </div>
        </div>
    }
}

#[component]
fn ReceiveForm(catalog: Catalog, version: RwSignal<u32>) -> impl IntoView {
    let products =
        StoredValue::new(catalog.products.into_iter().filter(|p| p.active && p.track_stock).collect::<Vec<_>>());
    let suppliers = StoredValue::new(catalog.suppliers.into_iter().filter(|s| s.active).collect::<Vec<_>>());
    let form = RwSignal::new(Receipt::default());
    // The supplier of the last delivery keyed in on this device (in the browser, once live).
    Effect::new(move |_| {
        let remembered = crate::saved::load::<Uuid>(SUPPLIER_KEY)
            .filter(|id| suppliers.with_value(|s| s.iter().any(|s| s.id == *id)));
        if remembered.is_some() {
            form.update(|f| f.supplier_id = remembered);
        }
    });
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let received = RwSignal::new(Vec::<(Lot, String)>::new());
    let product_select = NodeRef::<leptos::html::Select>::new();
    let unit_of = move |id: Option<Uuid>| {
        id.and_then(|id| products.with_value(|ps| ps.iter().find(|p| p.id == id).map(|p| p.unit)))
    };
    let submit = move || {
        let f = form.get_untracked();
        let Some(unit) = f.unit.or_else(|| unit_of(f.product_id)) else {
            error.set(Some(crate::error::UiError::App(
                beerflow_core::AppError::bad_request("product_id: pick the product")
                    .keyed("err-required", [("field", "product_id".to_owned())]),
            )));
            return;
        };
        let lot = LotForm {
            product_id: f.product_id,
            lot_code: f.lot_code.clone(),
            quantity: f.quantity.clone(),
            unit,
            cost_per_unit: f.cost.clone(),
            expiry_date: NaiveDate::parse_from_str(f.expiry.trim(), "%Y-%m-%d").ok(),
            storage_location: f.location.clone(),
            supplier_id: f.supplier_id,
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match receive(lot).await {
                Ok(lot) => {
                    error.set(None);
                    if let Some(s) = f.supplier_id {
                        crate::saved::save(SUPPLIER_KEY, &s);
                    }
                    let name = products.with_value(|ps| {
                        ps.iter().find(|p| p.id == lot.product_id).map(|p| p.name.clone()).unwrap_or_default()
                    });
                    received.update(|r| r.insert(0, (lot, name)));
                    // The next line of the delivery: same supplier, place and product to start from.
                    form.update(|r| {
                        r.lot_code.clear();
                        r.quantity.clear();
                        r.cost.clear();
                        r.expiry.clear();
                    });
                    version.update(|v| *v += 1);
                    if let Some(select) = product_select.get_untracked() {
                        let _ = select.focus();
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let text = move |id: &'static str,
                     key: &'static str,
                     field: &'static str,
                     mode: &'static str,
                     get: fn(&Receipt) -> String,
                     set: fn(&mut Receipt, String)| {
        view! {
            <div>
                <label for=id>{tx(key)}</label>
                <input id=id inputmode=mode autocomplete="off" aria-invalid=invalid(error, field)
                    prop:value=move || form.with(get)
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
                <FieldError error field/>
            </div>
        }
    };
    view! {
        <form class="stack-form" id="receive-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <label for="r-product">{tx("stock-product")}</label>
            <select id="r-product" node_ref=product_select aria-invalid=invalid(error, "product_id") on:change=move |ev| {
                let id = event_target_value(&ev).parse().ok();
                form.update(|f| { f.product_id = id; f.unit = unit_of(id); });
            }>
                <option value="">{tx("stock-pick-product")}</option>
                {products.with_value(|ps| ps.iter().map(|p| {
                    let id = p.id;
                    view! { <option value=id.to_string() selected=move || form.with(|f| f.product_id == Some(id))>{p.name.clone()}</option> }
                }).collect_view())}
            </select>
            <FieldError error field="product_id"/>
            {text("r-lot", "stock-lot-code", "lot_code", "text", |f| f.lot_code.clone(), |f, v| f.lot_code = v)}
            <div class="field-row">
                {text("r-qty", "stock-quantity", "qty_init", "decimal", |f| f.quantity.clone(), |f, v| f.quantity = v)}
                <div>
                    <label for="r-unit">{tx("menu-unit")}</label>
                    <select id="r-unit" on:change=move |ev| {
                        let u = Unit::parse(&event_target_value(&ev));
                        form.update(|f| f.unit = u);
                    }>
                        {Unit::ALL.into_iter().map(|u| view! {
                            <option value=u.as_str() selected=move || form.with(|f| f.unit.or_else(|| unit_of(f.product_id)) == Some(u))>{u.as_str()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="field-row">
                {text("r-cost", "stock-cost", "cost_per_unit", "decimal", |f| f.cost.clone(), |f, v| f.cost = v)}
                <div>
                    <label for="r-expiry">{tx("stock-expiry")}</label>
                    <input id="r-expiry" type="date" aria-invalid=invalid(error, "expiry_date")
                        prop:value=move || form.with(|f| f.expiry.clone())
                        on:input=move |ev| form.update(|f| f.expiry = event_target_value(&ev))/>
                    <FieldError error field="expiry_date"/>
                </div>
            </div>
            {text("r-location", "stock-location", "storage_location", "text", |f| f.location.clone(), |f, v| f.location = v)}
            <label for="r-supplier">{tx("menu-supplier")}</label>
            <select id="r-supplier" on:change=move |ev| {
                let id = event_target_value(&ev).parse().ok();
                form.update(|f| f.supplier_id = id);
            }>
                <option value="">{tx("menu-none")}</option>
                {suppliers.with_value(|ss| ss.iter().map(|s| {
                    let id = s.id;
                    view! { <option value=id.to_string() selected=move || form.with(|f| f.supplier_id == Some(id))>{s.name.clone()}</option> }
                }).collect_view())}
            </select>
            <button type="submit" class="primary" disabled=move || busy.get()>{tx("stock-receive-button")}</button>
            <FormError error fields=RECEIVE_FIELDS/>
        </form>
        <ul class="received" aria-label=tx("stock-received") role="status">
            {move || received.get().into_iter().map(|(lot, name)| view! {
                <li>
                    {tr!("stock-received-line", {"lot" => lot.lot_code.clone(), "product" => name, "qty" => quantity(lot.qty_init, lot.unit.as_str())})}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Board(
    board: StockBoard,
    version: RwSignal<u32>,
    selected: RwSignal<Option<Uuid>>,
    adjusting: RwSignal<Option<Lot>>,
) -> impl IntoView {
    let StockBoard { summary, lots } = board;
    let today = summary.today;
    let window = summary.expiring_within_days;
    let error = RwSignal::new(None);
    let record_waste = move |lot_id: Uuid| {
        leptos::task::spawn_local(async move {
            match waste_expired(lot_id).await {
                Ok(_) => {
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let expired = summary.expired_lots.clone();
    let lots = StoredValue::new(lots);
    let names = StoredValue::new(summary.products.iter().map(|p| (p.product_id, p.name.clone())).collect::<Vec<_>>());
    view! {
        {(!expired.is_empty()).then(|| view! {
            <section class="card expired-lots" aria-label=tx("stock-expired")>
                <h2>{tx("stock-expired")}</h2>
                <p class="hint">{tx("stock-expired-hint")}</p>
                <ul>
                    {expired.into_iter().map(|l| {
                        let id = l.lot_id;
                        view! {
                            <li>
                                <span class="row-name">{l.product_name.clone()}</span>
                                <span class="lot-code">{l.lot_code.clone()}</span>
                                {expiry_chip(l.expiry_date, today, window)}
                                <span class="num">{quantity(l.qty_current, l.unit.as_str())}</span>
                                <button type="button" class="danger small" on:click=move |_| record_waste(id)
                                    aria-label=tr!("stock-waste-expired-named", {"lot" => l.lot_code.clone()})>
                                    {tx("stock-waste-expired")}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="error" role="alert">{move || error.get().map(|e| error_text(&e))}</p>
            </section>
        })}
        <section class="card" aria-label=tx("stock-on-hand")>
            <h2>{tx("stock-on-hand")}</h2>
            <table class="manage-table stock-table">
                <thead><tr>
                    <th scope="col">{tx("stock-product")}</th>
                    <th scope="col" class="num">{tx("stock-col-on-hand")}</th>
                    <th scope="col" class="num">{tx("stock-col-lots")}</th>
                    <th scope="col">{tx("stock-col-next-expiry")}</th>
                    <th scope="col"><span class="visually-hidden">{tx("menu-col-actions")}</span></th>
                </tr></thead>
                <tbody>
                    {summary.products.into_iter().map(|p| {
                        let id = p.product_id;
                        let unit = p.unit.as_str().to_owned();
                        view! {
                            <tr class:below-min=p.below_min class:selected=move || selected.get() == Some(id) data-product=p.name.clone()>
                                <td>
                                    <span class="row-name">{p.name.clone()}</span>
                                    {p.below_min.then(|| view! {
                                        <span class="badge warn">{tr!("stock-below-min", {"qty" => quantity(p.min_stock.unwrap_or_default(), &unit)})}</span>
                                    })}
                                    {(p.expired_qty > beerflow_core::domain::Qty::ZERO).then(|| view! {
                                        <span class="badge danger">{tr!("stock-expired-qty", {"qty" => quantity(p.expired_qty, &unit)})}</span>
                                    })}
                                </td>
                                <td class="num">{quantity(p.qty_on_hand, &unit)}</td>
                                <td class="num">{p.lot_count}</td>
                                <td>{p.next_expiry.map(|d| expiry_chip(Some(d), today, window))}</td>
                                <td class="row-actions">
                                    <button type="button" class="small" aria-expanded=move || (selected.get() == Some(id)).to_string()
                                        aria-label=tr!("stock-lots-of", {"product" => p.name.clone()})
                                        on:click=move |_| {
                                            selected.update(|s| *s = if *s == Some(id) { None } else { Some(id) });
                                            adjusting.set(None);
                                        }>
                                        {tx("stock-lots")}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {move || selected.get().map(|id| {
            let name = names.with_value(|ns| ns.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone())).unwrap_or_default();
            let mut mine: Vec<Lot> = lots.with_value(|ls| ls.iter().filter(|l| l.product_id == id).cloned().collect());
            // The order FEFO takes them in: earliest expiry first, no expiry last.
            mine.sort_by_key(|l| (l.expiry_date.is_none(), l.expiry_date, l.received_at));
            view! { <ProductLots name lots=mine today window adjusting/> }
        })}
    }
}

#[component]
fn ProductLots(
    name: String,
    lots: Vec<Lot>,
    today: NaiveDate,
    window: u32,
    adjusting: RwSignal<Option<Lot>>,
) -> impl IntoView {
    let is = move |id: Uuid| adjusting.with(|a| a.as_ref().is_some_and(|l| l.id == id));
    view! {
        <section class="card product-lots" aria-label=tr!("stock-lots-of", {"product" => name.clone()})>
            <h2>{tr!("stock-lots-of", {"product" => name.clone()})}</h2>
            {if lots.is_empty() {
                Either::Left(view! { <p class="empty">{tx("stock-no-lots")}</p> })
            } else {
                Either::Right(view! {
                    <ul class="lot-list">
                        {lots.into_iter().map(|l| {
                            let id = l.id;
                            let code = l.lot_code.clone();
                            let lot = l.clone();
                            view! {
                                <li data-lot=l.lot_code.clone()>
                                    <div class="lot-row">
                                        <span class="lot-code">{l.lot_code.clone()}</span>
                                        {expiry_chip(l.expiry_date, today, window)}
                                        <span class="num">{quantity(l.qty_current, l.unit.as_str())}</span>
                                        <span class="row-sub">{l.storage_location.clone().unwrap_or_default()}</span>
                                        <button type="button" class="small ghost" aria-expanded=move || is(id).to_string()
                                            aria-label=tr!("stock-adjust-named", {"lot" => code.clone()})
                                            on:click=move |_| {
                                                let next = (!is(id)).then(|| lot.clone());
                                                adjusting.set(next);
                                            }>
                                            {tx("stock-adjust")}
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}

const ADJUST_FIELDS: &[&str] = &["quantity", "reason"];

#[component]
fn AdjustForm(lot: Lot, version: RwSignal<u32>, adjusting: RwSignal<Option<Lot>>) -> impl IntoView {
    let qty = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let waste = RwSignal::new(true);
    let error = RwSignal::new(None);
    let id = lot.id;
    let submit = move || {
        let (q, r, w) = (qty.get_untracked(), reason.get_untracked(), waste.get_untracked());
        leptos::task::spawn_local(async move {
            match adjust(id, q, r, w).await {
                Ok(_) => {
                    adjusting.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let qty_id = format!("adj-qty-{id}");
    let reason_id = format!("adj-reason-{id}");
    view! {
        <section class="card" aria-label=tr!("stock-adjust-named", {"lot" => lot.lot_code.clone()})>
        <h2>{tr!("stock-adjust-named", {"lot" => lot.lot_code.clone()})}</h2>
        <form class="adjust-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <div class="segmented" role="group" aria-label=tx("stock-adjust-kind")>
                <button type="button" aria-pressed=move || waste.get().to_string() on:click=move |_| waste.set(true)>{tx("stock-waste")}</button>
                <button type="button" aria-pressed=move || (!waste.get()).to_string() on:click=move |_| waste.set(false)>{tx("stock-correction")}</button>
            </div>
            <p class="hint">{move || if waste.get() { tr!("stock-waste-hint") } else { tr!("stock-correction-hint") }}</p>
            <div class="field-row">
                <div>
                    <label for=qty_id.clone()>{tr!("stock-adjust-qty", {"unit" => lot.unit.as_str()})}</label>
                    <input id=qty_id inputmode="decimal" autocomplete="off" aria-invalid=invalid(error, "quantity")
                        prop:value=move || qty.get() on:input=move |ev| qty.set(event_target_value(&ev))/>
                    <FieldError error field="quantity"/>
                </div>
                <div>
                    <label for=reason_id.clone()>{tx("stock-reason")}</label>
                    <input id=reason_id autocomplete="off" aria-invalid=invalid(error, "reason")
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <FieldError error field="reason"/>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{move || if waste.get() { tr!("stock-record-waste") } else { tr!("stock-record-correction") }}</button>
                <button type="button" class="ghost" on:click=move |_| adjusting.set(None)>{tx("cancel")}</button>
            </div>
            <FormError error fields=ADJUST_FIELDS/>
        </form>
        </section>
    }
}

/// "What would the next N portions take": the FEFO rule run without writing anything.
#[component]
fn FefoPreview(product_id: Uuid) -> impl IntoView {
    let portions = RwSignal::new("10".to_owned());
    let preview = Action::new(move |n: &String| fefo_next(product_id, n.clone()));
    let input_id = format!("fefo-{product_id}");
    view! {
        <form class="card fefo-preview" aria-label=tx("stock-fefo-title") novalidate on:submit=move |ev| { ev.prevent_default(); preview.dispatch(portions.get_untracked()); }>
            <h3>{tx("stock-fefo-title")}</h3>
            <div class="fefo-ask">
                <label for=input_id.clone()>{tx("stock-fefo-portions")}</label>
                <input id=input_id inputmode="decimal" autocomplete="off" prop:value=move || portions.get()
                    on:input=move |ev| portions.set(event_target_value(&ev))/>
                <button type="submit">{tx("stock-fefo-show")}</button>
            </div>
            {move || preview.value().get().map(|r| match r {
                Ok(p) => Either::Left(view! {
                    <ol class="fefo-result" aria-label=tx("stock-fefo-title")>
                        {p.allocations.iter().map(|a| view! {
                            <li data-lot=a.lot_code.clone()>
                                <span class="lot-code">{a.lot_code.clone()}</span>
                                " · " {crate::i18n::number(a.quantity)}
                                {a.expiry_date.map(|d| format!(" · {}", tr!("recall-expires", {"date" => date(d)})))}
                            </li>
                        }).collect_view()}
                    </ol>
                    {(!p.sufficient).then(|| view! {
                        <p class="error">{tr!("stock-fefo-short", {"available" => crate::i18n::number(p.available)})}</p>
                    })}
                }),
                Err(e) => Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> }),
            })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_colour_the_expiry_on_the_venues_calendar() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(days_left(day(3), today, 3), (-1, "exp-expired"));
        assert_eq!(days_left(day(4), today, 3), (0, "exp-soon"));
        assert_eq!(days_left(day(7), today, 3), (3, "exp-soon"));
        assert_eq!(days_left(day(8), today, 3), (4, "exp-ok"));
    }
}
