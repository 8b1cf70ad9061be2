//! The manager's recall screen (`/manager/recall`): pick a lot by its code or product, see where
//! it came from and everything that happened to it, and above all which orders it was served to,
//! at which table and when; download the trace as CSV for the health authority. The food-safety
//! trace of the lot's `GET .../lots/{id}/trace`, through the same use case.

use crate::api::{LotRecall, RecallEntry, RecallLot, SessionUser, recall_lots, recall_trace};
use crate::i18n::{date, error_text, moment, quantity, t, tr, tx};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

#[component]
pub fn Recall(user: SessionUser) -> impl IntoView {
    let _ = user;
    let query = use_query_map();
    let selected = Memo::new(move |_| query.with(|q| q.get("lot").and_then(|s| s.parse::<Uuid>().ok())));
    let search = RwSignal::new(String::new());
    let lots = crate::codec::resource(move || search.get(), recall_lots);
    let trace = crate::codec::resource(
        move || selected.get(),
        |lot| async move {
            match lot {
                Some(id) => recall_trace(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <div class="screen-bar">
            <h1>{tx("recall-title")}</h1>
        </div>
        <p class="lead">{tx("recall-lead")}</p>
        <div class="recall">
            <section class="card recall-search" aria-label=tx("recall-lots")>
                <label for="recall-q">{tx("recall-search")}</label>
                <input id="recall-q" type="search" autocomplete="off" placeholder=tx("recall-search-hint")
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match lots.await {
                            Ok(list) if list.is_empty() => Either::Left(view! { <p class="empty">{tx("recall-no-lots")}</p> }),
                            Ok(list) => Either::Right(Either::Left(view! {
                                <ul class="recall-lots">
                                    {list.into_iter().map(|l| lot_link(l, selected)).collect_view()}
                                </ul>
                            })),
                            Err(e) => Either::Right(Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> })),
                        }
                    })}
                </Transition>
            </section>
            <section class="card recall-trace" aria-label=tx("recall-trace")>
                <Transition fallback=|| view! { <p class="loading">{tx("loading")}</p> }>
                    {move || Suspend::new(async move {
                        match trace.await {
                            Ok(Some(trace)) => Either::Left(trace_view(trace)),
                            Ok(None) => Either::Right(Either::Left(view! { <p class="empty">{tx("recall-pick")}</p> })),
                            Err(e) => Either::Right(Either::Right(view! { <p class="error" role="alert">{error_text(&e)}</p> })),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

fn lot_link(l: RecallLot, selected: Memo<Option<Uuid>>) -> impl IntoView {
    let id = l.id;
    let current = move || (selected.get() == Some(id)).then_some("page");
    let expiry = l.expiry_date.map(|d| tr!("recall-expires", {"date" => date(d)}));
    view! {
        <li>
            <A href=format!("/manager/recall?lot={id}") attr:aria-current=current attr:class="recall-lot">
                <span class="lot-code">{l.lot_code.clone()}</span>
                <span class="lot-product">{l.product_name.clone()}</span>
                <span class="lot-meta">
                    {tr!("recall-received", {"date" => date(l.received_at.date_naive())})}
                    {expiry.map(|e| format!(" · {e}"))}
                    " · " {tr!("recall-left", {"qty" => quantity(l.qty_current, &l.unit)})}
                </span>
            </A>
        </li>
    }
}

/// An order the lot was served to: (order id, number, table, first served, quantity served in all).
type Served = (Uuid, String, Option<String>, chrono::DateTime<chrono::Utc>, i64);

/// The orders the lot was served to, each once, in the order they were served.
fn served_orders(entries: &[RecallEntry]) -> Vec<Served> {
    let mut orders: Vec<Served> = Vec::new();
    for e in entries.iter().filter(|e| e.kind == "OUT") {
        let Some((id, number, table)) = &e.order else { continue };
        match orders.iter_mut().find(|o| o.0 == *id) {
            Some(o) => o.4 += -e.quantity.raw(),
            None => orders.push((*id, number.clone(), table.clone(), e.at, -e.quantity.raw())),
        }
    }
    orders
}

fn trace_view(trace: LotRecall) -> impl IntoView {
    let LotRecall { lot, supplier, storage_location, entries } = trace;
    let unit = lot.unit.clone();
    let served = served_orders(&entries);
    let csv = trace_csv(&lot, &entries, moment);
    let href = format!("data:text/csv;charset=utf-8,{}", percent_encode(&csv));
    let file = format!("recall-{}.csv", lot.lot_code.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"));
    let none = || tr!("recall-none");
    let served_count = served.len();
    view! {
        <h2>{lot.product_name.clone()} " · " {tr!("recall-lot", {"code" => lot.lot_code.clone()})}</h2>
        <dl class="recall-facts">
            <dt>{tx("recall-received-at")}</dt><dd>{moment(lot.received_at)}</dd>
            <dt>{tx("recall-supplier")}</dt><dd>{supplier.unwrap_or_else(none)}</dd>
            <dt>{tx("recall-expiry")}</dt><dd>{lot.expiry_date.map(date).unwrap_or_else(none)}</dd>
            <dt>{tx("recall-location")}</dt><dd>{storage_location.unwrap_or_else(none)}</dd>
            <dt>{tx("recall-qty-in")}</dt><dd>{quantity(lot.qty_init, &unit)}</dd>
            <dt>{tx("recall-qty-left")}</dt><dd>{quantity(lot.qty_current, &unit)}</dd>
        </dl>
        <a class="button" href=href download=file>{tx("recall-csv")}</a>
        <h3>{tr!("recall-served", {"orders" => served_count})}</h3>
        {if served.is_empty() {
            Either::Left(view! { <p class="empty">{tx("recall-not-served")}</p> })
        } else {
            let unit = unit.clone();
            Either::Right(view! {
                <table class="recall-orders">
                    <thead><tr>
                        <th scope="col">{tx("recall-col-order")}</th>
                        <th scope="col">{tx("recall-col-table")}</th>
                        <th scope="col">{tx("recall-col-served")}</th>
                        <th scope="col">{tx("recall-col-qty")}</th>
                    </tr></thead>
                    <tbody>
                        {served.into_iter().map(|(_, number, table, at, milli)| view! {
                            <tr>
                                <td>"#" {number}</td>
                                <td>{table.unwrap_or_else(|| tr!("takeaway"))}</td>
                                <td>{moment(at)}</td>
                                <td>{quantity(beerflow_core::domain::Qty::from_raw(milli), &unit)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })
        }}
        <h3>{tx("recall-movements")}</h3>
        <table class="recall-movements">
            <thead><tr>
                <th scope="col">{tx("recall-col-time")}</th>
                <th scope="col">{tx("recall-col-movement")}</th>
                <th scope="col">{tx("recall-col-qty")}</th>
                <th scope="col">{tx("recall-col-what")}</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let what = match (&e.order, &e.reason) {
                        (Some((_, number, table)), _) => format!(
                            "#{number} · {}",
                            table.clone().unwrap_or_else(|| tr!("takeaway"))
                        ),
                        (None, Some(reason)) => reason.clone(),
                        (None, None) => String::new(),
                    };
                    view! {
                        <tr data-movement=e.kind.clone()>
                            <td>{moment(e.at)}</td>
                            <td>{t(&format!("movement-{}", e.kind.to_lowercase()))}</td>
                            <td class="num">{quantity(e.quantity, &unit)}</td>
                            <td>{what}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The trace as CSV (RFC 4180, a header line, one line per movement, oldest first): the time on
/// the venue's clock (`local`) and in UTC, the movement, the signed quantity (a dot for the
/// decimals, as spreadsheets and scripts read it) with its unit, the order and table, the reason.
pub fn trace_csv(
    lot: &RecallLot,
    entries: &[RecallEntry],
    local: impl Fn(chrono::DateTime<chrono::Utc>) -> String,
) -> String {
    let mut out =
        String::from("lot_code,product,time_venue,time_utc,movement,quantity,unit,order_number,table,reason\r\n");
    for e in entries {
        let (number, table) = match &e.order {
            Some((_, number, table)) => (number.as_str(), table.as_deref().unwrap_or("takeaway")),
            None => ("", ""),
        };
        let fields = [
            lot.lot_code.clone(),
            lot.product_name.clone(),
            local(e.at),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.kind.clone(),
            crate::i18n::format_qty(e.quantity.raw(), "."),
            lot.unit.clone(),
            number.to_owned(),
            table.to_owned(),
            e.reason.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). A field
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading apostrophe.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '@']) || (value.starts_with('-') && value.parse::<f64>().is_err()) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// `text` for a `data:` URL: every byte but the unreserved ones percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use beerflow_core::domain::Qty;
    use chrono::TimeZone;

    fn lot() -> RecallLot {
        RecallLot {
            id: Uuid::nil(),
            lot_code: "MOZ-7".into(),
            product_name: "Mozzarella, fior di latte".into(),
            unit: "kg".into(),
            qty_init: Qty::whole(5),
            qty_current: Qty::from_raw(4_750),
            expiry_date: None,
            received_at: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
        }
    }

    #[test]
    fn the_csv_has_a_line_per_movement_with_quoting_and_both_clocks() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 19, 5, 0).unwrap();
        let entries = vec![
            RecallEntry { at, kind: "IN".into(), quantity: Qty::whole(5), reason: None, order: None },
            RecallEntry {
                at,
                kind: "OUT".into(),
                quantity: Qty::from_raw(-250),
                reason: None,
                order: Some((Uuid::nil(), "20261201-0007".into(), Some("T1".into()))),
            },
            RecallEntry {
                at,
                kind: "WASTE".into(),
                quantity: Qty::from_raw(-1_500),
                reason: Some("=dropped, \"sorry\"".into()),
                order: None,
            },
        ];
        let csv = trace_csv(&lot(), &entries, |_| "01/12/2026 20:05".into());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "lot_code,product,time_venue,time_utc,movement,quantity,unit,order_number,table,reason");
        assert_eq!(lines[1], "MOZ-7,\"Mozzarella, fior di latte\",01/12/2026 20:05,2026-12-01T19:05:00Z,IN,5,kg,,,");
        assert_eq!(
            lines[2],
            "MOZ-7,\"Mozzarella, fior di latte\",01/12/2026 20:05,2026-12-01T19:05:00Z,OUT,-0.25,kg,20261201-0007,T1,"
        );
        assert_eq!(
            lines[3],
            "MOZ-7,\"Mozzarella, fior di latte\",01/12/2026 20:05,2026-12-01T19:05:00Z,WASTE,-1.5,kg,,,\"'=dropped, \"\"sorry\"\"\""
        );
        assert_eq!(lines[4], "", "the last line ends with CRLF");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn each_order_is_listed_once_with_what_it_took_in_all() {
        let at = |m| chrono::Utc.with_ymd_and_hms(2026, 12, 1, 19, m, 0).unwrap();
        let order =
            |n: &str, t: Option<&str>| Some((Uuid::from_u128(n.len() as u128), n.to_owned(), t.map(str::to_owned)));
        let out = |m, milli, o| RecallEntry {
            at: at(m),
            kind: "OUT".into(),
            quantity: Qty::from_raw(milli),
            reason: None,
            order: o,
        };
        let entries = vec![
            RecallEntry { at: at(0), kind: "IN".into(), quantity: Qty::whole(5), reason: None, order: None },
            out(1, -1_000, order("7", Some("T1"))),
            out(2, -500, order("12", None)),
            out(3, -250, order("7", Some("T1"))),
        ];
        let served = served_orders(&entries);
        let summary: Vec<_> =
            served.iter().map(|(_, n, t, at, q)| (n.as_str(), t.as_deref(), at.format("%M").to_string(), *q)).collect();
        assert_eq!(summary, [("7", Some("T1"), "01".into(), 1_250), ("12", None, "02".into(), 500)]);
    }

    #[test]
    fn a_data_url_carries_every_byte() {
        assert_eq!(percent_encode("a,b\r\n€"), "a%2Cb%0D%0A%E2%82%AC");
    }
}
