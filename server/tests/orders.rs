//! Tables, orders, serving with FEFO stock deduction, the kitchen display and the venue event
//! log, against the real server on SQLite and PostgreSQL.

mod common;

use common::{
    Backend, DEMO_VENUE, TestApp, assert_error, expect_created as created, expect_ok as ok, expect_status,
    venue_path as v,
};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

on_both_backends!(
    tables_are_managed_with_unique_names_and_an_all_or_nothing_layout,
    table_status_follows_its_orders,
    orders_are_created_with_copied_prices_listed_and_deleted,
    every_status_move_follows_the_state_machine_and_the_role_table,
    each_move_stamps_its_time_once,
    order_numbers_stay_unique_under_concurrent_creation,
    an_idempotency_key_makes_retries_return_the_same_order,
    serving_deducts_stock_by_fefo_and_reports_cost_of_goods,
    a_stock_shortfall_changes_nothing,
    concurrent_serves_never_oversell_a_lot,
    the_kitchen_display_lists_open_tickets_oldest_first,
    the_event_log_records_every_change_with_gapless_seq,
    another_venues_tables_and_orders_are_not_found,
);

const DEMO_T1: &str = "00000000-0000-0000-0000-000000000700";

/// A stock-tracked product of its own (no lots yet).
async fn product(app: &TestApp, token: &str, sku: &str, price: f64, min_stock: Option<f64>) -> Value {
    let body = json!({"name": format!("Dish {sku}"), "unit": "pz", "price": price, "cost": 1.0, "sku": sku,
                      "min_stock": min_stock});
    created(app.post(&v("/products"), token, &body).await).await
}

async fn receive(
    app: &TestApp,
    token: &str,
    product: &Value,
    code: &str,
    qty: f64,
    cost: f64,
    expiry: Option<String>,
) -> Value {
    let body = json!({"product_id": product["id"], "lot_code": code, "qty_init": qty, "unit": "pz",
                      "cost_per_unit": cost, "expiry_date": expiry});
    created(app.post(&v("/lots"), token, &body).await).await
}

async fn new_table(app: &TestApp, token: &str, name: &str) -> Value {
    created(app.post(&v("/tables"), token, &json!({"name": name, "seats": 4, "area": "Test"})).await).await
}

async fn order(app: &TestApp, token: &str, body: Value) -> Value {
    created(app.post(&v("/orders"), token, &body).await).await
}

fn item(product: &Value, qty: f64) -> Value {
    json!({"product_id": product["id"], "quantity": qty})
}

async fn move_to(app: &TestApp, token: &str, order: &Value, status: &str) -> reqwest::Response {
    let path = v(&format!("/orders/{}/status", order["id"].as_str().unwrap()));
    app.patch(&path, token, &json!({"status": status})).await
}

/// Moves an order along the happy path (as admin) until it reaches `target`.
async fn advance(app: &TestApp, admin: &str, order: &Value, target: &str) -> Value {
    let path = ["confirmed", "preparing", "ready", "served", "completed"];
    let mut current = order.clone();
    if target == "draft" {
        return current;
    }
    if target == "cancelled" {
        return ok(move_to(app, admin, &current, "cancelled").await).await;
    }
    let start = path.iter().position(|s| *s == current["status"]).map_or(0, |i| i + 1);
    for step in &path[start..] {
        current = ok(move_to(app, admin, &current, step).await).await;
        if *step == target {
            break;
        }
    }
    current
}

async fn get_table(app: &TestApp, token: &str, id: &str) -> Value {
    ok(app.get(&v(&format!("/tables/{id}")), token).await).await
}

async fn lot_qty(app: &TestApp, token: &str, lot: &Value) -> f64 {
    let lot = ok(app.get(&v(&format!("/lots/{}", lot["id"].as_str().unwrap())), token).await).await;
    lot["qty_current"].as_f64().unwrap()
}

async fn events(app: &TestApp, after: i64) -> Vec<beerflow_core::domain::event::EventRecord> {
    app.services.store.list_events(Uuid::parse_str(DEMO_VENUE).unwrap(), after, 10_000).await.unwrap()
}

async fn latest_seq(app: &TestApp) -> i64 {
    app.services.store.latest_seq(Uuid::parse_str(DEMO_VENUE).unwrap()).await.unwrap()
}

async fn tables_are_managed_with_unique_names_and_an_all_or_nothing_layout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;

    // The demo floor is there.
    let floor = ok(app.get(&v("/tables"), &waiter).await).await;
    assert_eq!(floor.as_array().unwrap().len(), 10, "{floor}");

    let body = json!({"name": "Garden 1", "seats": 6, "area": "Garden",
                      "position_json": {"x": 10, "y": 20.5, "width": 80, "shape": "round"}});
    let t = created(app.post(&v("/tables"), &manager, &body).await).await;
    assert_eq!(t["status"], "free");
    assert_eq!(t["seats"], 6);
    assert_eq!(t["area"], "Garden");
    assert_eq!(t["position_json"]["y"], 20.5);
    assert_eq!(t["position_json"]["shape"], "round");
    let id = t["id"].as_str().unwrap().to_owned();

    assert_error(app.post(&v("/tables"), &manager, &json!({"name": "Garden 1", "seats": 2})).await, 409, "Garden 1")
        .await;
    assert_error(app.post(&v("/tables"), &manager, &json!({"name": "X", "seats": 0})).await, 400, "seats").await;
    assert_error(app.post(&v("/tables"), &manager, &json!({"name": " ", "seats": 2})).await, 400, "name").await;
    assert_error(
        app.post(&v("/tables"), &manager, &json!({"name": "X", "seats": 2, "status": "free"})).await,
        400,
        "status",
    )
    .await;
    assert_error(
        app.post(&v("/tables"), &manager, &json!({"name": "X", "seats": 2, "position_json": {"x": 1}})).await,
        400,
        "y",
    )
    .await;
    assert_error(app.post(&v("/tables"), &waiter, &json!({"name": "W", "seats": 2})).await, 403, "role").await;

    // Filters.
    let garden = ok(app.get(&v("/tables?area=Garden"), &chef).await).await;
    assert_eq!(garden.as_array().unwrap().len(), 1);
    let free = ok(app.get(&v("/tables?status=free"), &chef).await).await;
    assert_eq!(free.as_array().unwrap().len(), 11);
    assert_error(app.get(&v("/tables?status=dirty"), &chef).await, 400, "status").await;

    // Update; null clears.
    let patched = ok(app
        .patch(&v(&format!("/tables/{id}")), &manager, &json!({"name": "Garden A", "seats": 8, "area": null}))
        .await)
    .await;
    assert_eq!(patched["name"], "Garden A");
    assert_eq!(patched["seats"], 8);
    assert_eq!(patched["area"], Value::Null);
    assert_eq!(patched["position_json"]["x"], 10.0);
    assert_error(app.patch(&v(&format!("/tables/{id}")), &manager, &json!({"name": "T1"})).await, 409, "T1").await;
    assert_error(app.patch(&v(&format!("/tables/{id}")), &manager, &json!({"status": "free"})).await, 400, "status")
        .await;

    // Status by hand: waiters may, the kitchen may not.
    let reserved =
        ok(app.patch(&v(&format!("/tables/{id}/status")), &waiter, &json!({"status": "reserved"})).await).await;
    assert_eq!(reserved["status"], "reserved");
    assert_error(app.patch(&v(&format!("/tables/{id}/status")), &chef, &json!({"status": "free"})).await, 403, "role")
        .await;
    assert_error(
        app.patch(&v(&format!("/tables/{id}/status")), &waiter, &json!({"status": "dirty"})).await,
        400,
        "status",
    )
    .await;

    // Layout: all or nothing.
    let before = get_table(&app, &manager, DEMO_T1).await;
    let missing = Uuid::new_v4();
    let bad = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 999, "y": 999}},
        {"id": missing, "position_json": {"x": 1, "y": 1}}]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &bad).await, 404, &missing.to_string()).await;
    assert_eq!(get_table(&app, &manager, DEMO_T1).await["position_json"], before["position_json"]);
    let dup = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 1, "y": 1}},
        {"id": DEMO_T1, "position_json": {"x": 2, "y": 2}}]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &dup).await, 400, "twice").await;
    let good = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 500, "y": 600, "rotation": 45}, "area": "Terrace"},
        {"id": id, "position_json": {"x": 7, "y": 8}}]});
    let changed = ok(app.patch(&v("/tables/layout"), &manager, &good).await).await;
    assert_eq!(changed.as_array().unwrap().len(), 2);
    assert_eq!(changed[0]["position_json"]["rotation"], 45.0);
    assert_eq!(changed[0]["area"], "Terrace");
    assert_eq!(get_table(&app, &waiter, DEMO_T1).await["position_json"]["x"], 500.0);
    assert_error(app.patch(&v("/tables/layout"), &waiter, &good).await, 403, "role").await;

    // Delete, then the name is free again.
    assert_eq!(app.delete(&v(&format!("/tables/{id}")), &manager).await.status(), 204);
    assert_error(app.get(&v(&format!("/tables/{id}")), &manager).await, 404, "not found").await;
    assert_error(app.delete(&v(&format!("/tables/{id}")), &manager).await, 404, "not found").await;
    created(app.post(&v("/tables"), &manager, &json!({"name": "Garden A", "seats": 2})).await).await;
}

async fn table_status_follows_its_orders(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "TS-1", 5.0, None).await;
    receive(&app, &admin, &dish, "TS-LOT", 100.0, 1.0, None).await;
    let table = new_table(&app, &admin, "Round table").await;
    let tid = table["id"].as_str().unwrap();

    // Two rounds on one table.
    let first = order(&app, &waiter, json!({"table_id": tid, "covers": 2, "items": [item(&dish, 1.0)]})).await;
    assert_eq!(first["table_name"], "Round table");
    let t = get_table(&app, &waiter, tid).await;
    assert_eq!(t["status"], "occupied");
    assert_eq!(t["open_orders"], 1);
    let second = order(&app, &waiter, json!({"table_id": tid, "items": [item(&dish, 2.0)]})).await;
    assert_eq!(get_table(&app, &waiter, tid).await["open_orders"], 2);

    // free / out_of_service by hand while orders are open: 409; other statuses are fine.
    for status in ["free", "out_of_service"] {
        assert_error(
            app.patch(&v(&format!("/tables/{tid}/status")), &waiter, &json!({"status": status})).await,
            409,
            "open",
        )
        .await;
    }
    assert_error(app.delete(&v(&format!("/tables/{tid}")), &admin).await, 409, "open").await;

    // Completing one round keeps it occupied; completing the last makes it cleaning.
    advance(&app, &admin, &first, "completed").await;
    assert_eq!(get_table(&app, &waiter, tid).await["status"], "occupied");
    advance(&app, &admin, &second, "completed").await;
    let t = get_table(&app, &waiter, tid).await;
    assert_eq!(t["status"], "cleaning");
    assert_eq!(t["open_orders"], 0);
    ok(app.patch(&v(&format!("/tables/{tid}/status")), &waiter, &json!({"status": "free"})).await).await;

    // Cancelling the last open order of a table with nothing served frees it.
    let third = order(&app, &waiter, json!({"table_id": tid, "items": [item(&dish, 1.0)]})).await;
    assert_eq!(get_table(&app, &waiter, tid).await["status"], "occupied");
    advance(&app, &admin, &third, "confirmed").await;
    ok(move_to(&app, &waiter, &third, "cancelled").await).await;
    assert_eq!(get_table(&app, &waiter, tid).await["status"], "free");

    // Deleting the only draft frees it too.
    let draft = order(&app, &waiter, json!({"table_id": tid})).await;
    assert_eq!(get_table(&app, &waiter, tid).await["status"], "occupied");
    assert_eq!(app.delete(&v(&format!("/orders/{}", draft["id"].as_str().unwrap())), &waiter).await.status(), 204);
    assert_eq!(get_table(&app, &waiter, tid).await["status"], "free");

    // Out of service: no orders.
    ok(app.patch(&v(&format!("/tables/{tid}/status")), &waiter, &json!({"status": "out_of_service"})).await).await;
    assert_error(app.post(&v("/orders"), &waiter, &json!({"table_id": tid, "items": []})).await, 409, "out of service")
        .await;
    assert_error(app.post(&v("/orders"), &waiter, &json!({"table_id": Uuid::new_v4()})).await, 404, "table_id").await;
    // The table can be deleted once nothing is open.
    assert_eq!(app.delete(&v(&format!("/tables/{tid}")), &admin).await.status(), 204);
}

async fn orders_are_created_with_copied_prices_listed_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let dish = product(&app, &admin, "OC-1", 4.5, None).await;
    let other = product(&app, &admin, "OC-2", 12.25, None).await;

    let body = json!({"table_id": DEMO_T1, "covers": 3, "notes": "birthday", "items": [
        {"product_id": dish["id"], "quantity": 3, "notes": "no onions", "modifiers": {"cooking": "medium", "extra": ["cheese"]}},
        {"product_id": other["id"], "quantity": 0.5}]});
    let o = order(&app, &waiter, body).await;
    assert_eq!(o["status"], "draft");
    assert_eq!(o["covers"], 3);
    assert_eq!(o["notes"], "birthday");
    assert_eq!(o["table_id"], DEMO_T1);
    assert_eq!(o["table_name"], "T1");
    assert_eq!(o["venue_id"], DEMO_VENUE);
    assert_eq!(o["items"].as_array().unwrap().len(), 2);
    assert_eq!(o["items"][0]["unit_price"], 4.5);
    assert_eq!(o["items"][0]["product_name"], "Dish OC-1");
    assert_eq!(o["items"][0]["notes"], "no onions");
    assert_eq!(o["items"][0]["modifiers"]["cooking"], "medium");
    assert_eq!(o["items"][0]["allocations"], json!([]));
    assert_eq!(o["items"][1]["quantity"], 0.5);
    // 3 x 4.50 + 0.5 x 12.25 = 13.50 + 6.125 -> 6.13 = 19.63
    assert_eq!(o["total"], 19.63);
    assert_eq!(o["cost_of_goods"], Value::Null);
    assert!(!o["order_number"].as_str().unwrap().is_empty());
    let id = o["id"].as_str().unwrap().to_owned();

    // Prices are copied at order time.
    ok(app.patch(&v(&format!("/products/{}", dish["id"].as_str().unwrap())), &admin, &json!({"price": 9.0})).await)
        .await;
    let again = ok(app.get(&v(&format!("/orders/{id}")), &chef).await).await;
    assert_eq!(again["items"][0]["unit_price"], 4.5);
    assert_eq!(again["total"], 19.63);

    // Adding items uses the new price and updates the total.
    let added =
        ok(app.post(&v(&format!("/orders/{id}/items")), &waiter, &json!({"items": [item(&dish, 1.0)]})).await).await;
    assert_eq!(added["items"].as_array().unwrap().len(), 3);
    assert_eq!(added["items"][2]["unit_price"], 9);
    assert_eq!(added["total"], 28.63);

    // An empty order is fine; bad input is refused and writes nothing.
    let empty = order(&app, &waiter, json!({"items": []})).await;
    assert_eq!(empty["table_id"], Value::Null);
    assert_eq!(empty["total"], 0);
    let before = ok(app.get(&v("/orders"), &admin).await).await.as_array().unwrap().len();
    assert_error(
        app.post(&v("/orders"), &waiter, &json!({"items": [item(&dish, 0.0)]})).await,
        400,
        "items[0].quantity",
    )
    .await;
    assert_error(app.post(&v("/orders"), &waiter, &json!({"items": [item(&dish, -1.0)]})).await, 400, "quantity").await;
    assert_error(
        app.post(
            &v("/orders"),
            &waiter,
            &json!({"items": [item(&dish, 1.0), {"product_id": Uuid::new_v4(), "quantity": 1}]}),
        )
        .await,
        404,
        "items[1].product_id",
    )
    .await;
    assert_error(app.post(&v("/orders"), &waiter, &json!({"items": [], "colour": "red"})).await, 400, "colour").await;
    assert_error(app.post(&v("/orders"), &waiter, &json!({"covers": 0})).await, 400, "covers").await;
    assert_error(
        app.post(&v("/orders"), &waiter, &json!({"items": [{"product_id": "nope", "quantity": 1}]})).await,
        400,
        "",
    )
    .await;
    assert_error(app.post(&v("/orders"), &chef, &json!({"items": []})).await, 403, "role").await;
    assert_eq!(ok(app.get(&v("/orders"), &admin).await).await.as_array().unwrap().len(), before);
    // A product taken off the menu cannot be ordered.
    assert_eq!(app.delete(&v(&format!("/products/{}", other["id"].as_str().unwrap())), &admin).await.status(), 204);
    assert_error(app.post(&v("/orders"), &waiter, &json!({"items": [item(&other, 1.0)]})).await, 409, "no longer")
        .await;
    assert_error(app.post(&v(&format!("/orders/{id}/items")), &waiter, &json!({"items": []})).await, 400, "items")
        .await;

    // Listing with filters.
    advance(&app, &admin, &o, "confirmed").await;
    let since = chrono::Utc::now();
    let late = order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await;
    advance(&app, &admin, &late, "ready").await;
    let ids = |list: &Value| -> HashSet<String> {
        list.as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };
    let confirmed = ok(app.get(&v("/orders?status=confirmed"), &chef).await).await;
    assert_eq!(ids(&confirmed), HashSet::from([id.clone()]));
    let both = ok(app.get(&v("/orders?status=confirmed&status=ready"), &chef).await).await;
    assert_eq!(ids(&both), HashSet::from([id.clone(), late["id"].as_str().unwrap().to_owned()]));
    let by_table = ok(app.get(&v(&format!("/orders?table_id={DEMO_T1}")), &chef).await).await;
    assert_eq!(ids(&by_table), HashSet::from([id.clone()]));
    let since_q =
        ok(app.get(&v(&format!("/orders?since={}", since.to_rfc3339().replace('+', "%2B"))), &chef).await).await;
    assert_eq!(ids(&since_q), HashSet::from([late["id"].as_str().unwrap().to_owned()]));
    let page = ok(app.get(&v("/orders?limit=1"), &chef).await).await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_error(app.get(&v("/orders?status=eaten"), &chef).await, 400, "status").await;
    assert_error(app.get(&v("/orders?since=yesterday"), &chef).await, 400, "since").await;
    assert_error(app.get(&v("/orders?table_id=7"), &chef).await, 400, "table_id").await;
    assert_error(app.get(&v("/orders?limit=0"), &chef).await, 400, "limit").await;

    // Items only while draft, confirmed or preparing.
    assert_error(
        app.post(
            &v(&format!("/orders/{}/items", late["id"].as_str().unwrap())),
            &waiter,
            &json!({"items": [item(&dish, 1.0)]}),
        )
        .await,
        409,
        "ready",
    )
    .await;

    // Delete: draft or cancelled only.
    assert_error(app.delete(&v(&format!("/orders/{id}")), &waiter).await, 409, "confirmed").await;
    let eid = empty["id"].as_str().unwrap();
    assert_eq!(app.delete(&v(&format!("/orders/{eid}")), &waiter).await.status(), 204);
    assert_error(app.get(&v(&format!("/orders/{eid}")), &waiter).await, 404, "not found").await;
    ok(move_to(&app, &admin, &o, "cancelled").await).await;
    assert_eq!(app.delete(&v(&format!("/orders/{id}")), &admin).await.status(), 204);
    assert_error(app.delete(&v(&format!("/orders/{id}")), &admin).await, 404, "not found").await;
}

async fn every_status_move_follows_the_state_machine_and_the_role_table(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "SM-1", 3.0, None).await;
    receive(&app, &admin, &dish, "SM-LOT", 10_000.0, 1.0, None).await;
    let tokens = [
        ("admin", admin.clone()),
        ("manager", app.token("manager").await),
        ("waiter", app.token("waiter1").await),
        ("kitchen", app.token("chef").await),
    ];
    let statuses = ["draft", "confirmed", "preparing", "ready", "served", "completed", "cancelled"];
    let legal: HashSet<(&str, &str)> = [
        ("draft", "confirmed"),
        ("draft", "cancelled"),
        ("confirmed", "preparing"),
        ("confirmed", "ready"),
        ("confirmed", "cancelled"),
        ("preparing", "ready"),
        ("preparing", "cancelled"),
        ("ready", "served"),
        ("ready", "cancelled"),
        ("served", "completed"),
    ]
    .into_iter()
    .collect();
    let may = |role: &str, from: &str, to: &str| match (from, to) {
        (_, "preparing") | (_, "ready") => role != "waiter",
        ("preparing" | "ready", "cancelled") => role == "admin" || role == "manager",
        _ => role != "kitchen",
    };
    let mut checked = 0;
    for from in statuses {
        for to in statuses {
            for (role, token) in &tokens {
                let o = order(&app, &admin, json!({"items": [item(&dish, 1.0)]})).await;
                let o = advance(&app, &admin, &o, from).await;
                assert_eq!(o["status"], from);
                let res = move_to(&app, token, &o, to).await;
                let expected = if !legal.contains(&(from, to)) {
                    409
                } else if !may(role, from, to) {
                    403
                } else {
                    200
                };
                let body = expect_status(res, expected).await;
                if expected == 200 {
                    assert_eq!(body["status"], to);
                } else {
                    let after = ok(app.get(&v(&format!("/orders/{}", o["id"].as_str().unwrap())), &admin).await).await;
                    assert_eq!(after["status"], from, "{from} -> {to} as {role} changed the order");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7 * 7 * 4);
}

async fn each_move_stamps_its_time_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "ST-1", 3.0, None).await;
    receive(&app, &admin, &dish, "ST-LOT", 10.0, 1.0, None).await;

    let empty = order(&app, &admin, json!({})).await;
    assert_error(move_to(&app, &admin, &empty, "confirmed").await, 409, "no items").await;
    assert_error(move_to(&app, &admin, &empty, "bogus").await, 400, "").await;

    let o = order(&app, &admin, json!({"items": [item(&dish, 1.0)]})).await;
    let stamps = ["confirmed_at", "kitchen_started_at", "ready_at", "served_at", "completed_at", "cancelled_at"];
    for s in stamps {
        assert_eq!(o[s], Value::Null, "{s}");
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut current = o.clone();
    for (status, stamp) in [
        ("confirmed", "confirmed_at"),
        ("preparing", "kitchen_started_at"),
        ("ready", "ready_at"),
        ("served", "served_at"),
        ("completed", "completed_at"),
    ] {
        current = ok(move_to(&app, &admin, &current, status).await).await;
        let at = current[stamp].as_str().unwrap_or_else(|| panic!("{stamp} set")).to_owned();
        chrono::DateTime::parse_from_rfc3339(&at).unwrap();
        // Earlier stamps are unchanged.
        for (s, v) in &seen {
            assert_eq!(current[s.as_str()].as_str().unwrap(), v, "{s} changed");
        }
        seen.push((stamp.to_owned(), at));
    }
    assert_eq!(current["cancelled_at"], Value::Null);
    // Completed is final.
    assert_error(move_to(&app, &admin, &current, "cancelled").await, 409, "completed").await;

    // A cancellation keeps its reason.
    let c = order(&app, &admin, json!({"items": [item(&dish, 1.0)]})).await;
    let path = v(&format!("/orders/{}/status", c["id"].as_str().unwrap()));
    let cancelled = ok(app.patch(&path, &admin, &json!({"status": "cancelled", "reason": "guest left"})).await).await;
    assert_eq!(cancelled["cancel_reason"], "guest left");
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(cancelled["confirmed_at"], Value::Null);
}

async fn order_numbers_stay_unique_under_concurrent_creation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let waiter2 = app.token("waiter2").await;
    let results = join_all((0..50).map(|i| {
        let token = if i % 2 == 0 { waiter.clone() } else { waiter2.clone() };
        let app = &app;
        async move { created(app.post(&v("/orders"), &token, &json!({"items": []})).await).await }
    }))
    .await;
    let numbers: HashSet<String> = results.iter().map(|o| o["order_number"].as_str().unwrap().to_owned()).collect();
    assert_eq!(numbers.len(), 50, "{numbers:?}");
    assert!(numbers.iter().all(|n| n.len() <= 6), "short numbers: {numbers:?}");
    // Consecutive: 1..=50 for a fresh venue.
    let mut sorted: Vec<i64> = numbers.iter().map(|n| n.parse().unwrap()).collect();
    sorted.sort();
    assert_eq!(sorted, (1..=50).collect::<Vec<_>>());
}

async fn an_idempotency_key_makes_retries_return_the_same_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let waiter2 = app.token("waiter2").await;
    let dish = product(&app, &admin, "ID-1", 3.0, None).await;
    let body = json!({"table_id": DEMO_T1, "items": [item(&dish, 2.0)]});
    let send = |token: &str, key: &str| {
        app.client.post(app.url(&v("/orders"))).bearer_auth(token).header("Idempotency-Key", key).json(&body).send()
    };
    let first = send(&waiter, "tap-1").await.unwrap();
    let first = created(first).await;
    let retry = send(&waiter, "tap-1").await.unwrap();
    let retry = ok(retry).await;
    assert_eq!(first["id"], retry["id"]);
    assert_eq!(first["order_number"], retry["order_number"]);
    // Another user's same key is another order.
    let other = created(send(&waiter2, "tap-1").await.unwrap()).await;
    assert_ne!(other["id"], first["id"]);
    // Concurrent retries of one tap create one order.
    let seq_before = latest_seq(&app).await;
    let answers = join_all((0..10).map(|_| send(&waiter, "tap-2"))).await;
    let mut ids = HashSet::new();
    let mut created_count = 0;
    for res in answers {
        let res = res.unwrap();
        if res.status().as_u16() == 201 {
            created_count += 1;
        } else {
            assert_eq!(res.status().as_u16(), 200);
        }
        let o: Value = res.json().await.unwrap();
        ids.insert(o["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created_count, 1);
    assert_eq!(ids.len(), 1);
    let new_orders = events(&app, seq_before).await.iter().filter(|e| e.event == "new_order").count();
    assert_eq!(new_orders, 1);
    let all = ok(app.get(&v("/orders"), &admin).await).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_error(
        app.client
            .post(app.url(&v("/orders")))
            .bearer_auth(&waiter)
            .header("Idempotency-Key", "x".repeat(300))
            .json(&body)
            .send()
            .await
            .unwrap(),
        400,
        "Idempotency-Key",
    )
    .await;
}

async fn serving_deducts_stock_by_fefo_and_reports_cost_of_goods(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let today = chrono::Utc::now().date_naive();
    let day = |d: i64| Some((today + chrono::Duration::days(d)).to_string());
    let dish = product(&app, &admin, "FE-1", 10.0, Some(5.0)).await;
    let late = receive(&app, &admin, &dish, "LATE", 10.0, 3.0, day(20)).await;
    let soon = receive(&app, &admin, &dish, "SOON", 3.0, 2.0, day(3)).await;
    let expired = receive(&app, &admin, &dish, "GONE", 5.0, 1.0, day(-3)).await;
    // Not tracked: served without stock.
    let coffee = created(
        app.post(
            &v("/products"),
            &admin,
            &json!({"name": "Coffee", "unit": "pz", "price": 1.5, "cost": 0.3, "track_stock": false}),
        )
        .await,
    )
    .await;

    let o = order(
        &app,
        &waiter,
        json!({"table_id": DEMO_T1, "items": [item(&dish, 2.0), item(&coffee, 2.0), item(&dish, 3.0)]}),
    )
    .await;
    let o = advance(&app, &admin, &o, "ready").await;
    let served = ok(move_to(&app, &waiter, &o, "served").await).await;
    assert_eq!(served["status"], "served");
    // FEFO: SOON (3) first, then 2 from LATE; the expired lot is never used.
    let items = served["items"].as_array().unwrap();
    assert_eq!(items[0]["allocated_lot_id"], soon["id"]);
    assert_eq!(items[0]["allocations"], json!([{"lot_id": soon["id"], "lot_code": "SOON", "quantity": 2}]));
    assert_eq!(items[2]["allocated_lot_id"], soon["id"]);
    assert_eq!(
        items[2]["allocations"],
        json!([{"lot_id": soon["id"], "lot_code": "SOON", "quantity": 1}, {"lot_id": late["id"], "lot_code": "LATE", "quantity": 2}])
    );
    assert_eq!(items[1]["allocated_lot_id"], Value::Null);
    assert_eq!(items[1]["allocations"], json!([]));
    assert_eq!(lot_qty(&app, &admin, &soon).await, 0.0);
    assert_eq!(lot_qty(&app, &admin, &late).await, 8.0);
    assert_eq!(lot_qty(&app, &admin, &expired).await, 5.0);
    // Cost: 3 x 2.00 + 2 x 3.00 (lots) + 2 x 0.30 (untracked product's cost) = 12.60; total 53.00.
    assert_eq!(served["cost_of_goods"], 12.6);
    assert_eq!(served["total"], 53);

    // One OUT movement per lot used, negative, referring to the order.
    let oid = served["id"].as_str().unwrap();
    let moves =
        ok(app.get(&v(&format!("/stock/movements?reference_type=order&reference_id={oid}")), &admin).await).await;
    let moves = moves.as_array().unwrap();
    assert_eq!(moves.len(), 2, "{moves:?}");
    let mut by_lot: Vec<(String, f64)> =
        moves.iter().map(|m| (m["lot_code"].as_str().unwrap().to_owned(), m["quantity"].as_f64().unwrap())).collect();
    by_lot.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(by_lot, vec![("LATE".to_owned(), -2.0), ("SOON".to_owned(), -3.0)]);
    assert!(moves.iter().all(|m| m["movement_type"] == "OUT" && m["reference_id"] == oid));

    // Completing writes no more stock.
    advance(&app, &admin, &served, "completed").await;
    let moves = ok(app.get(&v(&format!("/stock/movements?reference_id={oid}")), &admin).await).await;
    assert_eq!(moves.as_array().unwrap().len(), 2);

    // The lot's trace names the order, its table and the time.
    let trace = ok(app.get(&v(&format!("/lots/{}/trace", soon["id"].as_str().unwrap())), &admin).await).await;
    let out: Vec<&Value> =
        trace["movements"].as_array().unwrap().iter().filter(|m| m["movement_type"] == "OUT").collect();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["order_id"], oid);
    assert_eq!(out[0]["order_number"], served["order_number"]);
    assert_eq!(out[0]["table_name"], "T1");
    assert!(out[0]["created_at"].is_string());
    let receipt = trace["movements"].as_array().unwrap().iter().find(|m| m["movement_type"] == "IN").unwrap();
    assert_eq!(receipt["order_id"], Value::Null);

    // 8 left, min 5: serving 4 leaves 4 < 5 and raises one low-stock alert.
    let seq = latest_seq(&app).await;
    let next = order(&app, &waiter, json!({"items": [item(&dish, 4.0)]})).await;
    let next = advance(&app, &admin, &next, "served").await;
    assert_eq!(next["cost_of_goods"], 12);
    let alerts: Vec<_> = events(&app, seq).await.into_iter().filter(|e| e.event == "stock_alert").collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].data["product_id"], dish["id"]);
    assert_eq!(alerts[0].data["kind"], "low");
    assert_eq!(alerts[0].data["qty_on_hand"], 4);
}

async fn a_stock_shortfall_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let plenty = product(&app, &admin, "SF-OK", 5.0, None).await;
    let scarce = product(&app, &admin, "SF-LOW", 5.0, None).await;
    let ok_lot = receive(&app, &admin, &plenty, "SF-OK-1", 10.0, 1.0, None).await;
    let low_lot = receive(&app, &admin, &scarce, "SF-LOW-1", 2.5, 1.0, None).await;

    let o = order(&app, &waiter, json!({"items": [item(&plenty, 1.0), item(&scarce, 2.0), item(&scarce, 1.0)]})).await;
    let o = advance(&app, &admin, &o, "ready").await;
    let seq = latest_seq(&app).await;
    let err = assert_error(move_to(&app, &waiter, &o, "served").await, 400, "insufficient").await;
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("Dish SF-LOW"), "{message}");
    assert!(message.contains("requested 3"), "{message}");
    assert!(message.contains("available 2.5"), "{message}");
    assert!(!message.contains("SF-OK"), "{message}");

    let after = ok(app.get(&v(&format!("/orders/{}", o["id"].as_str().unwrap())), &admin).await).await;
    assert_eq!(after["status"], "ready");
    assert_eq!(after["served_at"], Value::Null);
    assert_eq!(after["cost_of_goods"], Value::Null);
    assert!(after["items"].as_array().unwrap().iter().all(|i| i["allocations"] == json!([])));
    assert_eq!(lot_qty(&app, &admin, &ok_lot).await, 10.0);
    assert_eq!(lot_qty(&app, &admin, &low_lot).await, 2.5);
    let moves = ok(app.get(&v("/stock/movements?reference_type=order"), &admin).await).await;
    assert_eq!(moves.as_array().unwrap().len(), 0);
    assert_eq!(latest_seq(&app).await, seq, "no event for a refused serve");
}

async fn concurrent_serves_never_oversell_a_lot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "CC-1", 5.0, None).await;
    let lot = receive(&app, &admin, &dish, "CC-LOT", 20.0, 1.0, None).await;
    let mut ready = Vec::new();
    for _ in 0..40 {
        let o = order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await;
        ready.push(advance(&app, &admin, &o, "ready").await);
    }
    let answers = join_all(ready.iter().map(|o| move_to(&app, &waiter, o, "served"))).await;
    let (mut served, mut refused) = (0, 0);
    for res in answers {
        match res.status().as_u16() {
            200 => served += 1,
            400 => {
                assert_error(res, 400, "insufficient").await;
                refused += 1;
            }
            other => panic!("unexpected status {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!((served, refused), (20, 20));
    assert_eq!(lot_qty(&app, &admin, &lot).await, 0.0);
    let moves = ok(app
        .get(&v(&format!("/stock/movements?lot_id={}&reference_type=order", lot["id"].as_str().unwrap())), &admin)
        .await)
    .await;
    let sum: f64 = moves.as_array().unwrap().iter().map(|m| m["quantity"].as_f64().unwrap()).sum();
    assert_eq!(sum, -20.0);
    assert_eq!(moves.as_array().unwrap().len(), 20);
    let still_ready = ok(app.get(&v("/orders?status=ready"), &admin).await).await;
    assert_eq!(still_ready.as_array().unwrap().len(), 20);
}

async fn the_kitchen_display_lists_open_tickets_oldest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let dish = product(&app, &admin, "KD-1", 5.0, None).await;
    receive(&app, &admin, &dish, "KD-LOT", 100.0, 1.0, None).await;
    let body = json!({"table_id": DEMO_T1, "notes": "allergy: nuts", "items": [
        {"product_id": dish["id"], "quantity": 2, "notes": "well done", "modifiers": {"side": "salad"}}]});
    let a = advance(&app, &admin, &order(&app, &waiter, body).await, "confirmed").await;
    let b = advance(&app, &admin, &order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await, "preparing").await;
    let c = advance(&app, &admin, &order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await, "ready").await;
    // Not on the display: draft, served, completed, cancelled.
    order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await;
    advance(&app, &admin, &order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await, "served").await;
    advance(&app, &admin, &order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await, "completed").await;
    advance(&app, &admin, &order(&app, &waiter, json!({"items": [item(&dish, 1.0)]})).await, "cancelled").await;

    let kds = ok(app.get(&v("/orders/kitchen-display"), &chef).await).await;
    let list = kds.as_array().unwrap();
    let ids: Vec<&Value> = list.iter().map(|o| &o["id"]).collect();
    assert_eq!(ids, vec![&a["id"], &b["id"], &c["id"]]);
    let first = &list[0];
    assert_eq!(first["status"], "confirmed");
    assert_eq!(first["table_name"], "T1");
    assert_eq!(first["notes"], "allergy: nuts");
    assert_eq!(first["items"][0]["product_name"], "Dish KD-1");
    assert_eq!(first["items"][0]["quantity"], 2);
    assert_eq!(first["items"][0]["notes"], "well done");
    assert_eq!(first["items"][0]["modifiers"]["side"], "salad");
    assert!(first["confirmed_at"].is_string());
    assert!(first["elapsed_seconds"].as_i64().is_some_and(|s| (0..120).contains(&s)), "{first}");
    assert!(list[1]["kitchen_started_at"].is_string());
    assert!(list[2]["ready_at"].is_string());
    // Every role reads it.
    ok(app.get(&v("/orders/kitchen-display"), &waiter).await).await;

    // /health reports the kitchen's load.
    let health = ok(app.client.get(app.url("/health")).send().await.unwrap()).await;
    let kitchen = &health["details"]["kitchen"];
    assert_eq!(kitchen["status"], "up", "{health}");
    assert_eq!(kitchen["active_kitchen_orders"], 3);
    assert_eq!(kitchen["stuck_orders"], 0);
    assert!(kitchen["average_preparation_minutes"].as_f64().is_some_and(|m| m >= 0.0), "{health}");
}

async fn the_event_log_records_every_change_with_gapless_seq(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let waiter_id = ok(app.get("/api/v1/auth/me", &waiter).await).await["id"].as_str().unwrap().to_owned();
    let dish = product(&app, &admin, "EV-1", 5.0, Some(1.0)).await;
    receive(&app, &admin, &dish, "EV-LOT", 2.0, 1.0, None).await;
    // Inventory changes are not venue events.
    assert_eq!(latest_seq(&app).await, 0);

    let o = order(&app, &waiter, json!({"table_id": DEMO_T1, "covers": 2, "items": [item(&dish, 1.0)]})).await;
    let oid = o["id"].as_str().unwrap();
    ok(app.post(&v(&format!("/orders/{oid}/items")), &waiter, &json!({"items": [item(&dish, 1.0)]})).await).await;
    let o = advance(&app, &admin, &o, "served").await;
    advance(&app, &admin, &o, "completed").await;
    ok(app.patch(&v(&format!("/tables/{DEMO_T1}/status")), &waiter, &json!({"status": "free"})).await).await;
    // Setting the same status again changes nothing and records nothing.
    ok(app.patch(&v(&format!("/tables/{DEMO_T1}/status")), &waiter, &json!({"status": "free"})).await).await;
    ok(app
        .patch(&v("/tables/layout"), &admin, &json!({"tables": [{"id": DEMO_T1, "position_json": {"x": 1, "y": 2}}]}))
        .await)
    .await;

    let log = events(&app, 0).await;
    let names: Vec<&str> = log.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "new_order",
            "table_status_changed",
            "order_updated",
            "order_status_changed",
            "order_status_changed",
            "order_status_changed",
            "order_status_changed",
            "stock_alert",
            "order_status_changed",
            "table_status_changed",
            "table_status_changed",
            "tables_layout_changed",
        ]
    );
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    let new_order = &log[0].data;
    assert_eq!(new_order["order_id"], oid);
    assert_eq!(new_order["order_number"], o["order_number"]);
    assert_eq!(new_order["table_id"], DEMO_T1);
    assert_eq!(new_order["table_name"], "T1");
    assert_eq!(new_order["status"], "draft");
    assert_eq!(new_order["item_count"], 1);
    assert_eq!(new_order["covers"], 2);
    assert_eq!(new_order["created_by"], waiter_id.as_str());
    assert_eq!(
        log[1].data,
        json!({"table_id": DEMO_T1, "table_name": "T1", "from_status": "free", "status": "occupied"})
    );
    assert_eq!(log[2].data, json!({"order_id": oid, "order_number": o["order_number"], "item_count": 2, "total": 10}));
    let confirm = &log[3].data;
    assert_eq!(confirm["from_status"], "draft");
    assert_eq!(confirm["status"], "confirmed");
    assert_eq!(confirm["table_name"], "T1");
    assert!(confirm["changed_by"].is_string());
    assert_eq!(log[7].data["kind"], "low");
    assert_eq!(log[7].data["qty_on_hand"], 0);
    assert_eq!(log[8].data["status"], "completed");
    assert_eq!(log[9].data["status"], "cleaning");
    assert_eq!(log[10].data["from_status"], "cleaning");
    assert_eq!(log[11].data, json!({"table_ids": [DEMO_T1]}));
    assert!(log.windows(2).all(|w| w[0].ts <= w[1].ts));
    // Reading after a seq returns the rest, in order.
    let tail = events(&app, 10).await;
    assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![11, 12]);

    // Concurrent writers: no gaps, no duplicates.
    join_all((0..30).map(|_| {
        let app = &app;
        let waiter = &waiter;
        async move { created(app.post(&v("/orders"), waiter, &json!({"items": []})).await).await }
    }))
    .await;
    let log = events(&app, 0).await;
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=42).collect::<Vec<_>>());
    assert_eq!(latest_seq(&app).await, 42);
}

async fn another_venues_tables_and_orders_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "AV-1", 5.0, None).await;
    let o = order(&app, &admin, json!({"items": [item(&dish, 1.0)]})).await;
    let other = app.services.add_venue("Elsewhere", "Europe/Rome").await.unwrap();
    app.services
        .add_user(other.id, "boss@elsewhere.test", "Boss", beerflow_core::domain::Role::Admin, "password123")
        .await
        .unwrap();
    let res = app.login("boss@elsewhere.test", "password123").await;
    let boss = ok(res).await["access_token"].as_str().unwrap().to_owned();
    let theirs = |p: &str| format!("/api/v1/venues/{}{p}", other.id);
    let oid = o["id"].as_str().unwrap();
    assert_error(app.get(&theirs(&format!("/orders/{oid}")), &boss).await, 404, "not found").await;
    assert_error(app.get(&theirs(&format!("/tables/{DEMO_T1}")), &boss).await, 404, "not found").await;
    assert_error(
        app.patch(&theirs(&format!("/orders/{oid}/status")), &boss, &json!({"status": "cancelled"})).await,
        404,
        "not found",
    )
    .await;
    assert_error(app.post(&theirs("/orders"), &boss, &json!({"table_id": DEMO_T1})).await, 404, "table_id").await;
    assert_error(app.post(&theirs("/orders"), &boss, &json!({"items": [item(&dish, 1.0)]})).await, 404, "product_id")
        .await;
    assert_eq!(ok(app.get(&theirs("/orders/kitchen-display"), &boss).await).await, json!([]));
    // And the demo venue is not theirs.
    assert_error(app.get(&v("/orders"), &boss).await, 403, "venue").await;
}
