//! Tables, orders, serving with FEFO stock deduction, the kitchen display and the venue event log.

use crate::helpers::{
    Backend, DEMO_T1, DEMO_VENUE, TestApp, assert_error, expect_as, expect_ok as ok, expect_status, money, qty, typed,
    venue_path as v,
};
use beerflow_core::domain::inventory::{Lot, MovementType, Product};
use beerflow_core::domain::order::{KitchenOrder, Order, OrderStatus};
use beerflow_core::domain::table::{Layout, Table, TableStatus};
use beerflow_core::domain::{Qty, Role};
use beerflow_core::services::{LoginResponse, LotTrace};
use chrono::{DateTime, Utc};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

on_both_backends!(
    tables_are_managed_with_unique_names_and_an_all_or_nothing_layout,
    a_tables_position_is_validated_stored_and_cleared,
    a_layout_change_lists_one_to_a_thousand_valid_tables,
    the_floor_plan_changes_in_one_go_over_the_version_it_was_loaded_from,
    adding_removing_and_renaming_a_table_are_venue_events_and_raise_the_plans_version,
    table_status_follows_its_orders,
    orders_are_created_with_copied_prices_listed_and_deleted,
    oversized_orders_quantities_and_modifiers_are_refused_and_write_nothing,
    every_status_move_follows_the_state_machine_and_the_role_table,
    each_move_stamps_its_time_once,
    a_recall_takes_a_ticket_back_a_step_and_clears_the_stamp_it_leaves,
    order_numbers_stay_unique_under_concurrent_creation,
    an_idempotency_key_makes_retries_return_the_same_order,
    serving_deducts_stock_by_fefo_and_reports_cost_of_goods,
    a_stock_shortfall_changes_nothing,
    concurrent_serves_never_oversell_a_lot,
    the_kitchen_display_lists_open_tickets_oldest_first,
    the_event_log_records_every_change_with_gapless_seq,
    another_venues_tables_and_orders_are_not_found,
);

/// A stock-tracked product of its own (no lots yet).
async fn product(app: &TestApp, token: &str, sku: &str, price: f64, min_stock: Option<f64>) -> Product {
    let body = json!({"name": format!("Dish {sku}"), "unit": "pz", "price": price, "cost": 1.0, "sku": sku,
                      "min_stock": min_stock});
    app.post_as(&v("/products"), token, &body, 201).await
}

async fn receive(
    app: &TestApp,
    token: &str,
    product: &Product,
    code: &str,
    qty: f64,
    cost: f64,
    expiry: Option<String>,
) -> Lot {
    let body = json!({"product_id": product.id, "lot_code": code, "qty_init": qty, "unit": "pz",
                      "cost_per_unit": cost, "expiry_date": expiry});
    app.post_as(&v("/lots"), token, &body, 201).await
}

async fn new_table(app: &TestApp, token: &str, name: &str) -> Table {
    app.post_as(&v("/tables"), token, &json!({"name": name, "seats": 4, "area": "Test"}), 201).await
}

fn item(product: &Product, qty: f64) -> Value {
    json!({"product_id": product.id, "quantity": qty})
}

/// Moves an order along the happy path (as admin) until it reaches `target`.
async fn advance(app: &TestApp, admin: &str, order: &Order, target: OrderStatus) -> Order {
    use OrderStatus::*;
    let path = [Confirmed, Preparing, Ready, Served, Completed];
    let mut current = order.clone();
    if target == Draft {
        return current;
    }
    if target == Cancelled {
        return app.move_order(admin, current.id, Cancelled).await;
    }
    let start = path.iter().position(|s| *s == current.status).map_or(0, |i| i + 1);
    for step in &path[start..] {
        current = app.move_order(admin, current.id, *step).await;
        if *step == target {
            break;
        }
    }
    current
}

async fn lot_qty(app: &TestApp, token: &str, lot: &Lot) -> Qty {
    app.lot(token, lot.id).await.qty_current
}

fn ids(orders: &[Order]) -> HashSet<Uuid> {
    orders.iter().map(|o| o.id).collect()
}

async fn tables_are_managed_with_unique_names_and_an_all_or_nothing_layout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;

    // The demo floor is there.
    let floor: Vec<Table> = app.get_as(&v("/tables"), &waiter).await;
    assert_eq!(floor.len(), 10, "{floor:?}");

    let body = json!({"name": "Garden 1", "seats": 6, "area": "Garden",
                      "position_json": {"x": 10, "y": 20.5, "width": 80, "shape": "round"}});
    let t: Table = app.post_as(&v("/tables"), &manager, &body, 201).await;
    assert_eq!(t.status, TableStatus::Free);
    assert_eq!(t.seats, 6);
    assert_eq!(t.area.as_deref(), Some("Garden"));
    let position = t.position_json.as_ref().expect("position_json");
    assert_eq!(position.y, 20.5);
    assert_eq!(position.shape.as_deref(), Some("round"));
    let id = t.id;

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
    assert_eq!(app.get_as::<Vec<Table>>(&v("/tables?area=Garden"), &chef).await.len(), 1);
    assert_eq!(app.get_as::<Vec<Table>>(&v("/tables?status=free"), &chef).await.len(), 11);
    assert_error(app.get(&v("/tables?status=dirty"), &chef).await, 400, "status").await;

    // Update; null clears.
    let patched: Table = app
        .patch_as(&v(&format!("/tables/{id}")), &manager, &json!({"name": "Garden A", "seats": 8, "area": null}))
        .await;
    assert_eq!(patched.name, "Garden A");
    assert_eq!(patched.seats, 8);
    assert_eq!(patched.area, None);
    assert_eq!(patched.position_json.expect("position_json kept").x, 10.0);
    assert_error(app.patch(&v(&format!("/tables/{id}")), &manager, &json!({"name": "T1"})).await, 409, "T1").await;
    assert_error(app.patch(&v(&format!("/tables/{id}")), &manager, &json!({"status": "free"})).await, 400, "status")
        .await;

    // Status by hand: waiters may, the kitchen may not.
    let reserved: Table =
        app.patch_as(&v(&format!("/tables/{id}/status")), &waiter, &json!({"status": "reserved"})).await;
    assert_eq!(reserved.status, TableStatus::Reserved);
    assert_error(app.patch(&v(&format!("/tables/{id}/status")), &chef, &json!({"status": "free"})).await, 403, "role")
        .await;
    assert_error(
        app.patch(&v(&format!("/tables/{id}/status")), &waiter, &json!({"status": "dirty"})).await,
        400,
        "status",
    )
    .await;

    // Layout: all or nothing.
    let before = app.table(&manager, DEMO_T1).await;
    let missing = Uuid::new_v4();
    let bad = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 999, "y": 999}},
        {"id": missing, "position_json": {"x": 1, "y": 1}}]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &bad).await, 404, &missing.to_string()).await;
    assert_eq!(app.table(&manager, DEMO_T1).await.position_json, before.position_json);
    let dup = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 1, "y": 1}},
        {"id": DEMO_T1, "position_json": {"x": 2, "y": 2}}]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &dup).await, 400, "twice").await;
    let good = json!({"tables": [
        {"id": DEMO_T1, "position_json": {"x": 500, "y": 600, "rotation": 45}, "area": "Terrace"},
        {"id": id, "position_json": {"x": 7, "y": 8}}]});
    let changed: Vec<Table> = app.patch_as(&v("/tables/layout"), &manager, &good).await;
    assert_eq!(changed.len(), 2);
    assert_eq!(changed[0].position_json.as_ref().and_then(|p| p.rotation), Some(45.0));
    assert_eq!(changed[0].area.as_deref(), Some("Terrace"));
    assert_eq!(app.table(&waiter, DEMO_T1).await.position_json.expect("position_json").x, 500.0);
    assert_error(app.patch(&v("/tables/layout"), &waiter, &good).await, 403, "role").await;

    // Delete, then the name is free again.
    assert_eq!(app.delete(&v(&format!("/tables/{id}")), &manager).await.status(), 204);
    assert_error(app.get(&v(&format!("/tables/{id}")), &manager).await, 404, "not found").await;
    assert_error(app.delete(&v(&format!("/tables/{id}")), &manager).await, 404, "not found").await;
    let _: Table = app.post_as(&v("/tables"), &manager, &json!({"name": "Garden A", "seats": 2}), 201).await;
}

async fn a_tables_position_is_validated_stored_and_cleared(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let path = v(&format!("/tables/{DEMO_T1}"));
    let position = json!({"x": 12.5, "y": 30, "width": 100, "height": 60.5, "shape": "rect", "rotation": -90});
    let moved: Table = app.patch_as(&path, &manager, &json!({"position_json": position})).await;
    let stored = app.table(&manager, DEMO_T1).await;
    assert_eq!(stored, moved);
    let p = stored.position_json.clone().expect("position_json");
    assert_eq!((p.x, p.y, p.width, p.height, p.rotation), (12.5, 30.0, Some(100.0), Some(60.5), Some(-90.0)));
    assert_eq!(p.shape.as_deref(), Some("rect"));

    let cases = [
        (json!({"x": 1, "y": 1, "width": -1}), "position_json.width"),
        (json!({"x": 1, "y": 1, "height": 0}), "position_json.height"),
        (json!({"x": 2.0e6, "y": 1}), "position_json.x"),
        (json!({"x": 1, "y": -2.0e6}), "position_json.y"),
        (json!({"x": 1, "y": 1, "rotation": 1.0e7}), "position_json.rotation"),
        (json!({"x": 1, "y": 1, "shape": " "}), "position_json.shape"),
        (json!({"x": 1, "y": 1, "shape": "a".repeat(21)}), "position_json.shape"),
        (json!({"x": 1}), "missing field `y`"),
        (json!({"x": 1, "y": 1, "z": 1}), "unknown field `z`"),
    ];
    for (position, needle) in cases {
        assert_error(app.patch(&path, &manager, &json!({"position_json": position})).await, 400, needle).await;
    }
    // A bad position refuses the whole patch, the valid name too.
    let body = json!({"name": "T1 bis", "position_json": {"x": 1, "y": 1, "width": 0}});
    assert_error(app.patch(&path, &manager, &body).await, 400, "position_json.width").await;
    // JSON has no infinity: a number too large for a float is refused as it is read.
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&manager)
        .header("Content-Type", "application/json")
        .body(r#"{"position_json": {"x": 1e999, "y": 1}}"#)
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "position_json").await;
    assert_eq!(app.table(&manager, DEMO_T1).await, stored, "refused patches changed nothing");

    // `null` takes the table off the floor plan and keeps the rest.
    let cleared: Table = app.patch_as(&path, &manager, &json!({"position_json": null})).await;
    assert_eq!(cleared.position_json, None);
    let after = app.table(&manager, DEMO_T1).await;
    assert_eq!((after.position_json, after.name.as_str(), after.seats), (None, "T1", stored.seats));
}

async fn a_layout_change_lists_one_to_a_thousand_valid_tables(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let before: Vec<Table> = app.get_as(&v("/tables"), &manager).await;
    let entry = |id: Uuid| json!({"id": id, "position_json": {"x": 1, "y": 1}});
    let too_many: Vec<Value> = (0..1001).map(|_| entry(Uuid::new_v4())).collect();
    let bad_width = json!({"id": Uuid::from_u128(0x701), "position_json": {"x": 1, "y": 1, "width": -4}});
    let cases = [
        (json!({"tables": []}), "tables: must list at least one table"),
        (json!({"tables": too_many}), "at most 1000"),
        (json!({"tables": [entry(DEMO_T1), bad_width]}), "tables[1].position_json.width"),
    ];
    for (body, needle) in cases {
        assert_error(app.patch(&v("/tables/layout"), &manager, &body).await, 400, needle).await;
    }
    let after: Vec<Table> = app.get_as(&v("/tables"), &manager).await;
    assert_eq!(after, before, "nothing moved");
    // A thousand is fine as far as the count goes: the unknown ids are what is refused.
    let thousand: Vec<Value> = (0..1000).map(|_| entry(Uuid::new_v4())).collect();
    assert_error(app.patch(&v("/tables/layout"), &manager, &json!({"tables": thousand})).await, 404, "not found").await;
}

async fn layout(app: &TestApp, token: &str) -> Layout {
    app.get_as(&v("/tables/layout"), token).await
}

async fn the_floor_plan_changes_in_one_go_over_the_version_it_was_loaded_from(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let waiter = app.token("waiter1").await;
    let start = layout(&app, &waiter).await;
    assert_eq!((start.layout_version, start.tables.len()), (0, 10), "{start:?}");
    let id = |name: &str| start.tables.iter().find(|t| t.name == name).unwrap().id;
    let (t1, t2, t3, t4) = (id("T1"), id("T2"), id("T3"), id("T4"));

    // One save: T1 moved, T2 renamed with other seats, a table added, T3 removed.
    let save = json!({
        "layout_version": 0,
        "tables": [
            {"id": t1, "position_json": {"x": 300, "y": 40, "width": 90, "height": 90, "shape": "square", "rotation": 45}},
            {"id": t2, "position_json": {"x": 160, "y": 40}, "name": "T2 bis", "seats": 3}],
        "create": [{"name": "Window 1", "seats": 2, "area": "Sala", "position_json": {"x": 600, "y": 300, "shape": "round"}}],
        "delete": [t3]});
    assert_error(app.patch(&v("/tables/layout"), &waiter, &save).await, 403, "role").await;
    let res = app.patch(&v("/tables/layout"), &manager, &save).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["layout-version"], "1");
    let changed: Vec<Table> = res.json().await.unwrap();
    let names: Vec<&str> = changed.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["T1", "T2 bis", "Window 1"]);
    assert_eq!((changed[1].seats, changed[2].seats, changed[2].status), (3, 2, TableStatus::Free));
    let after = layout(&app, &manager).await;
    assert_eq!(after.layout_version, 1);
    assert_eq!(after.tables.len(), 10, "one added, one removed");
    assert!(after.tables.iter().all(|t| t.id != t3));
    let t1_now = after.tables.iter().find(|t| t.id == t1).unwrap();
    assert_eq!(t1_now.position_json.as_ref().and_then(|p| p.rotation), Some(45.0));

    // A second manager's save made over the plan as it was before: refused, nothing written.
    let stale = json!({"layout_version": 0, "tables": [{"id": t4, "position_json": {"x": 1, "y": 1}}]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &stale).await, 409, "changed by someone else").await;
    assert_eq!(layout(&app, &manager).await, after);
    // Without a version the contract's plain layout change still works (and raises it).
    let plain = json!({"tables": [{"id": t4, "position_json": {"x": 40, "y": 180}}]});
    let _: Vec<Table> = app.patch_as(&v("/tables/layout"), &manager, &plain).await;
    let after = layout(&app, &manager).await;
    assert_eq!(after.layout_version, 2);

    // Removing a table with an open order refuses the whole save.
    let dish = product(&app, &manager, "LAY-1", 4.0, None).await;
    receive(&app, &manager, &dish, "LAY-LOT", 5.0, 1.0, None).await;
    let _ = app.create_order(&waiter, &json!({"table_id": t4, "items": [item(&dish, 1.0)]})).await;
    let busy = json!({"layout_version": 2,
        "tables": [{"id": t1, "position_json": {"x": 900, "y": 900}}], "delete": [t4]});
    assert_error(app.patch(&v("/tables/layout"), &manager, &busy).await, 409, "open order").await;
    let held = layout(&app, &manager).await;
    assert_eq!(held.layout_version, 2);
    assert_eq!(held.tables.iter().find(|t| t.id == t1).unwrap().position_json, t1_now.position_json);

    // Bad input names the field or rule and changes nothing.
    let entry = |id: Uuid| json!({"id": id, "position_json": {"x": 5, "y": 5}});
    let cases = [
        (json!({"tables": [], "create": [{"name": "T1", "seats": 2}]}), 409, "T1"),
        (json!({"tables": [], "create": [{"name": "N", "seats": 2}, {"name": "n", "seats": 2}]}), 409, "added twice"),
        (json!({"tables": [entry(t1)], "delete": [t1]}), 400, "both changed and deleted"),
        (json!({"tables": [{"id": t1, "position_json": {"x": 1, "y": 1}, "seats": 0}]}), 400, "tables[0].seats"),
        (json!({"tables": [{"id": t1, "position_json": {"x": 1, "y": 1}, "name": " "}]}), 400, "tables[0].name"),
        (json!({"tables": [], "create": [{"name": "N", "seats": 500}]}), 400, "create[0].seats"),
        (
            json!({"tables": [], "create": [{"name": "N", "seats": 2, "status": "free"}]}),
            400,
            "[0].status: unknown field",
        ),
        (json!({"tables": [], "delete": [Uuid::new_v4()]}), 404, "delete"),
        (json!({"tables": [entry(t1)], "layout_version": -1}), 400, "layout_version"),
        (json!({"tables": [], "create": [], "delete": []}), 400, "at least one table"),
    ];
    for (body, status, needle) in cases {
        assert_error(app.patch(&v("/tables/layout"), &manager, &body).await, status, needle).await;
    }
    assert_eq!(layout(&app, &manager).await, held, "refused changes wrote nothing");
}

async fn adding_removing_and_renaming_a_table_are_venue_events_and_raise_the_plans_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let waiter = app.token("waiter1").await;
    let from = app.latest_seq().await;
    let t: Table =
        app.post_as(&v("/tables"), &manager, &json!({"name": "Bar 9", "seats": 2, "area": "Bancone"}), 201).await;
    let _: Table = app.patch_as(&v(&format!("/tables/{}", t.id)), &manager, &json!({"name": "Bar 10"})).await;
    // A status is not the plan: the version stays.
    let _: Table = app.patch_as(&v(&format!("/tables/{}/status", t.id)), &waiter, &json!({"status": "reserved"})).await;
    // Nor is a patch that changes nothing.
    let _: Table = app.patch_as(&v(&format!("/tables/{}", t.id)), &manager, &json!({"seats": 2})).await;
    assert_eq!(app.delete(&v(&format!("/tables/{}", t.id)), &manager).await.status(), 204);
    assert_eq!(layout(&app, &waiter).await.layout_version, 3);

    let log = app.events(from).await;
    let names: Vec<&str> = log.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["table_created", "tables_layout_changed", "table_status_changed", "table_deleted"]);
    assert_eq!(
        log[0].data,
        json!({"table_id": t.id, "table_name": "Bar 9", "area": "Bancone", "seats": 2, "layout_version": 1})
    );
    assert_eq!(log[1].data, json!({"table_ids": [t.id], "layout_version": 2}));
    assert_eq!(log[3].data, json!({"table_id": t.id, "table_name": "Bar 10", "layout_version": 3}));
}

async fn table_status_follows_its_orders(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "TS-1", 5.0, None).await;
    receive(&app, &admin, &dish, "TS-LOT", 100.0, 1.0, None).await;
    let table = new_table(&app, &admin, "Round table").await;
    let tid = table.id;
    let set_status = |status: &str| {
        let (app, waiter, path, body) = (&app, &waiter, v(&format!("/tables/{tid}/status")), json!({"status": status}));
        async move { app.patch(&path, waiter, &body).await }
    };

    // Two rounds on one table.
    let first = app.create_order(&waiter, &json!({"table_id": tid, "covers": 2, "items": [item(&dish, 1.0)]})).await;
    assert_eq!(first.table_name.as_deref(), Some("Round table"));
    let t = app.table(&waiter, tid).await;
    assert_eq!(t.status, TableStatus::Occupied);
    assert_eq!(t.open_orders, 1);
    let second = app.create_order(&waiter, &json!({"table_id": tid, "items": [item(&dish, 2.0)]})).await;
    assert_eq!(app.table(&waiter, tid).await.open_orders, 2);

    // free / out_of_service by hand while orders are open: 409; other statuses are fine.
    for status in ["free", "out_of_service"] {
        assert_error(set_status(status).await, 409, "open").await;
    }
    assert_error(app.delete(&v(&format!("/tables/{tid}")), &admin).await, 409, "open").await;

    // Completing one round keeps it occupied; completing the last makes it cleaning.
    advance(&app, &admin, &first, OrderStatus::Completed).await;
    assert_eq!(app.table(&waiter, tid).await.status, TableStatus::Occupied);
    advance(&app, &admin, &second, OrderStatus::Completed).await;
    let t = app.table(&waiter, tid).await;
    assert_eq!(t.status, TableStatus::Cleaning);
    assert_eq!(t.open_orders, 0);
    ok(set_status("free").await).await;

    // Cancelling the last open order of a table with nothing served frees it.
    let third = app.create_order(&waiter, &json!({"table_id": tid, "items": [item(&dish, 1.0)]})).await;
    assert_eq!(app.table(&waiter, tid).await.status, TableStatus::Occupied);
    advance(&app, &admin, &third, OrderStatus::Confirmed).await;
    app.move_order(&waiter, third.id, OrderStatus::Cancelled).await;
    assert_eq!(app.table(&waiter, tid).await.status, TableStatus::Free);

    // Deleting the only draft frees it too.
    let draft = app.create_order(&waiter, &json!({"table_id": tid})).await;
    assert_eq!(app.table(&waiter, tid).await.status, TableStatus::Occupied);
    assert_eq!(app.delete(&v(&format!("/orders/{}", draft.id)), &waiter).await.status(), 204);
    assert_eq!(app.table(&waiter, tid).await.status, TableStatus::Free);

    // Out of service: no orders.
    ok(set_status("out_of_service").await).await;
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
        {"product_id": dish.id, "quantity": 3, "notes": "no onions",
         "modifiers": {"cooking": "medium", "extra": ["cheese"]}},
        {"product_id": other.id, "quantity": 0.5}]});
    let o = app.create_order(&waiter, &body).await;
    assert_eq!(o.status, OrderStatus::Draft);
    assert_eq!(o.covers, Some(3));
    assert_eq!(o.notes.as_deref(), Some("birthday"));
    assert_eq!(o.table_id, Some(DEMO_T1));
    assert_eq!(o.table_name.as_deref(), Some("T1"));
    assert_eq!(o.venue_id, DEMO_VENUE);
    assert_eq!(o.items.len(), 2);
    assert_eq!(o.items[0].unit_price, money(4.5));
    assert_eq!(o.items[0].product_name, "Dish OC-1");
    assert_eq!(o.items[0].notes.as_deref(), Some("no onions"));
    assert_eq!(o.items[0].modifiers.as_ref().expect("modifiers")["cooking"], "medium");
    assert!(o.items[0].allocations.is_empty());
    assert_eq!(o.items[1].quantity, qty(0.5));
    // 3 x 4.50 + 0.5 x 12.25 = 13.50 + 6.125 -> 6.13 = 19.63
    assert_eq!(o.total, money(19.63));
    assert_eq!(o.cost_of_goods, None);
    assert!(!o.order_number.is_empty());
    let id = o.id;

    // Prices are copied at order time.
    let _: Product = app.patch_as(&v(&format!("/products/{}", dish.id)), &admin, &json!({"price": 9.0})).await;
    let again = app.order(&chef, id).await;
    assert_eq!(again.items[0].unit_price, money(4.5));
    assert_eq!(again.total, money(19.63));

    // Adding items uses the new price and updates the total.
    let raw =
        ok(app.post(&v(&format!("/orders/{id}/items")), &waiter, &json!({"items": [item(&dish, 1.0)]})).await).await;
    // Whole amounts are written as integers.
    assert_eq!(raw["items"][2]["unit_price"], 9);
    let added: Order = typed(&raw);
    assert_eq!(added.items.len(), 3);
    assert_eq!(added.total, money(28.63));

    // An empty order is fine; bad input is refused and writes nothing.
    let raw = expect_status(app.post(&v("/orders"), &waiter, &json!({"items": []})).await, 201).await;
    assert_eq!(raw["total"], 0);
    let empty: Order = typed(&raw);
    assert_eq!(empty.table_id, None);
    let before = app.orders(&admin, "").await.len();
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
    assert_eq!(app.orders(&admin, "").await.len(), before);
    // A product taken off the menu cannot be ordered.
    assert_eq!(app.delete(&v(&format!("/products/{}", other.id)), &admin).await.status(), 204);
    assert_error(app.post(&v("/orders"), &waiter, &json!({"items": [item(&other, 1.0)]})).await, 409, "no longer")
        .await;
    assert_error(app.post(&v(&format!("/orders/{id}/items")), &waiter, &json!({"items": []})).await, 400, "items")
        .await;

    // Listing with filters.
    advance(&app, &admin, &o, OrderStatus::Confirmed).await;
    let since = chrono::Utc::now();
    let late = app.create_order(&waiter, &json!({"items": [item(&dish, 1.0)]})).await;
    advance(&app, &admin, &late, OrderStatus::Ready).await;
    assert_eq!(ids(&app.orders(&chef, "?status=confirmed").await), HashSet::from([id]));
    assert_eq!(ids(&app.orders(&chef, "?status=confirmed&status=ready").await), HashSet::from([id, late.id]));
    assert_eq!(ids(&app.orders(&chef, &format!("?table_id={DEMO_T1}")).await), HashSet::from([id]));
    let since_q = app.orders(&chef, &format!("?since={}", since.to_rfc3339().replace('+', "%2B"))).await;
    assert_eq!(ids(&since_q), HashSet::from([late.id]));
    assert_eq!(app.orders(&chef, "?limit=1").await.len(), 1);
    assert_error(app.get(&v("/orders?status=eaten"), &chef).await, 400, "status").await;
    assert_error(app.get(&v("/orders?since=yesterday"), &chef).await, 400, "since").await;
    assert_error(app.get(&v("/orders?table_id=7"), &chef).await, 400, "table_id").await;
    assert_error(app.get(&v("/orders?limit=0"), &chef).await, 400, "limit").await;

    // Items only while draft, confirmed or preparing.
    assert_error(
        app.post(&v(&format!("/orders/{}/items", late.id)), &waiter, &json!({"items": [item(&dish, 1.0)]})).await,
        409,
        "ready",
    )
    .await;

    // Delete: draft or cancelled only.
    assert_error(app.delete(&v(&format!("/orders/{id}")), &waiter).await, 409, "confirmed").await;
    let eid = empty.id;
    assert_eq!(app.delete(&v(&format!("/orders/{eid}")), &waiter).await.status(), 204);
    assert_error(app.get(&v(&format!("/orders/{eid}")), &waiter).await, 404, "not found").await;
    app.move_order(&admin, o.id, OrderStatus::Cancelled).await;
    assert_eq!(app.delete(&v(&format!("/orders/{id}")), &admin).await.status(), 204);
    assert_error(app.delete(&v(&format!("/orders/{id}")), &admin).await, 404, "not found").await;
}

async fn oversized_orders_quantities_and_modifiers_are_refused_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "OS-1", 2.0, None).await;
    let lines = |n: usize| -> Vec<Value> { (0..n).map(|_| item(&dish, 1.0)).collect() };
    // The largest allowed: 200 lines, 10000 of a dish, 4096 bytes of modifiers.
    let full = app.create_order(&waiter, &json!({"items": lines(200)})).await;
    assert_eq!((full.items.len(), full.total), (200, money(400.0)));
    // `{"note":"…"}` is 11 bytes around the note.
    let modifiers = json!({"note": "x".repeat(4096 - 11)});
    let big = json!({"items": [{"product_id": dish.id, "quantity": 10000, "modifiers": modifiers}]});
    let big = app.create_order(&waiter, &big).await;
    assert_eq!(big.items[0].quantity, qty(10000.0));
    assert_eq!(big.items[0].modifiers.as_ref().map(|m| m["note"].as_str().unwrap().len()), Some(4085));

    let before = app.orders(&admin, "?limit=1000").await.len();
    let too_long = json!({"note": "x".repeat(4096 - 10)});
    let cases = [
        (json!({"items": lines(201)}), "items: at most 200 items per request"),
        (json!({"items": [item(&dish, 10000.001)]}), "items[0].quantity: must be at most 10000"),
        (json!({"items": [item(&dish, 1.0), item(&dish, 20000.0)]}), "items[1].quantity"),
        (
            json!({"items": [item(&dish, 1.0), {"product_id": dish.id, "quantity": 1, "modifiers": too_long}]}),
            "items[1].modifiers: must be at most 4096 bytes",
        ),
    ];
    for (body, needle) in &cases {
        assert_error(app.post(&v("/orders"), &waiter, body).await, 400, needle).await;
    }
    assert_eq!(app.orders(&admin, "?limit=1000").await.len(), before, "no order was written");

    // Adding to an order has the same limits, and a refused addition adds nothing.
    let path = v(&format!("/orders/{}/items", big.id));
    for (body, needle) in &cases {
        assert_error(app.post(&path, &waiter, body).await, 400, needle).await;
    }
    let again = app.order(&admin, big.id).await;
    assert_eq!((again.items.len(), again.total), (1, money(20000.0)));
}

async fn every_status_move_follows_the_state_machine_and_the_role_table(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "SM-1", 3.0, None).await;
    receive(&app, &admin, &dish, "SM-LOT", 10_000.0, 1.0, None).await;
    let tokens = [
        (Role::Admin, admin.clone()),
        (Role::Manager, app.token("manager").await),
        (Role::Waiter, app.token("waiter1").await),
        (Role::Kitchen, app.token("chef").await),
    ];
    // The statuses by their names in the contract: requests and answers use these words.
    let statuses = [
        ("draft", Draft),
        ("confirmed", Confirmed),
        ("preparing", Preparing),
        ("ready", Ready),
        ("served", Served),
        ("completed", Completed),
        ("cancelled", Cancelled),
    ];
    let legal: HashSet<(OrderStatus, OrderStatus)> = [
        (Draft, Confirmed),
        (Draft, Cancelled),
        (Confirmed, Preparing),
        (Confirmed, Ready),
        (Confirmed, Cancelled),
        (Preparing, Ready),
        (Preparing, Cancelled),
        (Preparing, Confirmed),
        (Ready, Served),
        (Ready, Cancelled),
        (Ready, Preparing),
        (Served, Completed),
    ]
    .into_iter()
    .collect();
    let may = |role: Role, from: OrderStatus, to: OrderStatus| match (from, to) {
        (_, Preparing) | (_, Ready) | (Preparing, Confirmed) => role != Role::Waiter,
        (Preparing | Ready, Cancelled) => role == Role::Admin || role == Role::Manager,
        _ => role != Role::Kitchen,
    };
    let mut checked = 0;
    for (_, from) in statuses {
        for (to_name, to) in statuses {
            for (role, token) in &tokens {
                let o = app.create_order(&admin, &json!({"items": [item(&dish, 1.0)]})).await;
                let o = advance(&app, &admin, &o, from).await;
                assert_eq!(o.status, from);
                let res = app.patch_status(token, o.id, to_name).await;
                let expected = if !legal.contains(&(from, to)) {
                    409
                } else if !may(*role, from, to) {
                    403
                } else {
                    200
                };
                let body = expect_status(res, expected).await;
                if expected == 200 {
                    assert_eq!(body["status"], to_name);
                    assert_eq!(typed::<Order>(&body).status, to);
                } else {
                    let after = app.order(&admin, o.id).await;
                    assert_eq!(after.status, from, "{from} -> {to} as {role} changed the order");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7 * 7 * 4);
}

async fn a_recall_takes_a_ticket_back_a_step_and_clears_the_stamp_it_leaves(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let chef = app.token("chef").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "RC-1", 3.0, None).await;
    receive(&app, &admin, &dish, "RC-LOT", 100.0, 1.0, None).await;
    let order = app.create_order(&waiter, &json!({"items": [item(&dish, 1.0)]})).await;
    let ready = advance(&app, &admin, &order, Ready).await;
    let started = ready.kitchen_started_at.expect("started");
    assert!(ready.ready_at.is_some());
    let seq = app.latest_seq().await;

    // A waiter may not recall; the ticket stays as it was.
    assert_error(app.patch_status(&waiter, order.id, "preparing").await, 403, "").await;
    assert_eq!(app.order(&admin, order.id).await.status, Ready);

    // Bumped by mistake: back to preparing, the ready stamp cleared, the start kept.
    let back = app.move_order(&chef, order.id, Preparing).await;
    assert_eq!((back.status, back.ready_at, back.kitchen_started_at), (Preparing, None, Some(started)));
    // Started by mistake: back to confirmed, the start cleared.
    let back = app.move_order(&chef, order.id, Confirmed).await;
    assert_eq!((back.status, back.kitchen_started_at), (Confirmed, None));
    assert_eq!(back.confirmed_at, ready.confirmed_at, "the confirmation keeps its time");
    assert_eq!(app.order(&admin, order.id).await, back, "as stored");
    // Forward again: each state is stamped anew.
    let again = app.move_order(&chef, order.id, Preparing).await;
    assert!(again.kitchen_started_at.is_some_and(|t| t > started));
    let again = app.move_order(&chef, order.id, Ready).await;
    assert!(again.ready_at.is_some_and(|t| t > ready.ready_at.unwrap()));

    // Every move is in the venue's feed, the recalls with where they came from.
    let moves: Vec<(String, String)> = app
        .events(seq)
        .await
        .into_iter()
        .filter(|e| e.event == "order_status_changed" && e.data["order_id"] == json!(order.id))
        .map(|e| (e.data["from_status"].as_str().unwrap().to_owned(), e.data["status"].as_str().unwrap().to_owned()))
        .collect();
    let expected =
        [("ready", "preparing"), ("preparing", "confirmed"), ("confirmed", "preparing"), ("preparing", "ready")];
    assert_eq!(moves, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    // The kitchen display lists it once, ready.
    let board: Vec<Order> = app.get_as(&v("/orders/kitchen-display"), &chef).await;
    assert_eq!(board.iter().filter(|o| o.id == order.id).map(|o| o.status).collect::<Vec<_>>(), [Ready]);
}

/// An order's time stamps by their names in the contract.
fn stamps(o: &Order) -> [(&'static str, Option<DateTime<Utc>>); 6] {
    [
        ("confirmed_at", o.confirmed_at),
        ("kitchen_started_at", o.kitchen_started_at),
        ("ready_at", o.ready_at),
        ("served_at", o.served_at),
        ("completed_at", o.completed_at),
        ("cancelled_at", o.cancelled_at),
    ]
}

fn stamp(o: &Order, name: &str) -> Option<DateTime<Utc>> {
    stamps(o).into_iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no stamp {name}")).1
}

async fn each_move_stamps_its_time_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "ST-1", 3.0, None).await;
    receive(&app, &admin, &dish, "ST-LOT", 10.0, 1.0, None).await;

    let empty = app.create_order(&admin, &json!({})).await;
    assert_error(app.patch_status(&admin, empty.id, "confirmed").await, 409, "no items").await;
    assert_error(app.patch_status(&admin, empty.id, "bogus").await, 400, "").await;

    let o = app.create_order(&admin, &json!({"items": [item(&dish, 1.0)]})).await;
    for (s, at) in stamps(&o) {
        assert_eq!(at, None, "{s}");
    }
    let mut seen: Vec<(&str, DateTime<Utc>)> = Vec::new();
    let mut current = o.clone();
    for (status, name) in [
        ("confirmed", "confirmed_at"),
        ("preparing", "kitchen_started_at"),
        ("ready", "ready_at"),
        ("served", "served_at"),
        ("completed", "completed_at"),
    ] {
        let raw = ok(app.patch_status(&admin, current.id, status).await).await;
        // The contract's time stamps are RFC 3339.
        let text = raw[name].as_str().unwrap_or_else(|| panic!("{name} set"));
        chrono::DateTime::parse_from_rfc3339(text).unwrap();
        current = typed(&raw);
        let at = stamp(&current, name).unwrap_or_else(|| panic!("{name} set"));
        // Earlier stamps are unchanged.
        for (s, v) in &seen {
            assert_eq!(stamp(&current, s), Some(*v), "{s} changed");
        }
        seen.push((name, at));
    }
    assert_eq!(current.cancelled_at, None);
    // Completed is final.
    assert_error(app.patch_status(&admin, current.id, "cancelled").await, 409, "completed").await;

    // A cancellation keeps its reason.
    let c = app.create_order(&admin, &json!({"items": [item(&dish, 1.0)]})).await;
    let path = v(&format!("/orders/{}/status", c.id));
    let cancelled: Order = app.patch_as(&path, &admin, &json!({"status": "cancelled", "reason": "guest left"})).await;
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("guest left"));
    assert!(cancelled.cancelled_at.is_some());
    assert_eq!(cancelled.confirmed_at, None);
}

async fn order_numbers_stay_unique_under_concurrent_creation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let waiter2 = app.token("waiter2").await;
    let results = join_all((0..50).map(|i| {
        let token = if i % 2 == 0 { waiter.clone() } else { waiter2.clone() };
        let app = &app;
        async move { app.create_order(&token, &json!({"items": []})).await }
    }))
    .await;
    let numbers: HashSet<String> = results.into_iter().map(|o| o.order_number).collect();
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
    let first: Order = expect_as(send(&waiter, "tap-1").await.unwrap(), 201).await;
    let retry: Order = expect_as(send(&waiter, "tap-1").await.unwrap(), 200).await;
    assert_eq!(first.id, retry.id);
    assert_eq!(first.order_number, retry.order_number);
    // Another user's same key is another order.
    let other: Order = expect_as(send(&waiter2, "tap-1").await.unwrap(), 201).await;
    assert_ne!(other.id, first.id);
    // Concurrent retries of one tap create one order.
    let seq_before = app.latest_seq().await;
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
        let o: Order = res.json().await.unwrap();
        ids.insert(o.id);
    }
    assert_eq!(created_count, 1);
    assert_eq!(ids.len(), 1);
    let new_orders = app.events(seq_before).await.iter().filter(|e| e.event == "new_order").count();
    assert_eq!(new_orders, 1);
    assert_eq!(app.orders(&admin, "").await.len(), 3);
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
    let body = json!({"name": "Coffee", "unit": "pz", "price": 1.5, "cost": 0.3, "track_stock": false});
    let coffee: Product = app.post_as(&v("/products"), &admin, &body, 201).await;

    let o = app
        .create_order(
            &waiter,
            &json!({"table_id": DEMO_T1, "items": [item(&dish, 2.0), item(&coffee, 2.0), item(&dish, 3.0)]}),
        )
        .await;
    let o = advance(&app, &admin, &o, OrderStatus::Ready).await;
    let raw = ok(app.patch_status(&waiter, o.id, "served").await).await;
    let served: Order = typed(&raw);
    assert_eq!(served.status, OrderStatus::Served);
    // FEFO: SOON (3) first, then 2 from LATE; the expired lot is never used.
    let items = &served.items;
    assert_eq!(items[0].allocated_lot_id, Some(soon.id));
    // An allocation is written exactly so, whole quantities as integers.
    assert_eq!(raw["items"][0]["allocations"], json!([{"lot_id": soon.id, "lot_code": "SOON", "quantity": 2}]));
    assert_eq!(items[2].allocated_lot_id, Some(soon.id));
    assert_eq!(
        raw["items"][2]["allocations"],
        json!([{"lot_id": soon.id, "lot_code": "SOON", "quantity": 1},
               {"lot_id": late.id, "lot_code": "LATE", "quantity": 2}])
    );
    assert_eq!(items[1].allocated_lot_id, None);
    assert!(items[1].allocations.is_empty());
    assert_eq!(lot_qty(&app, &admin, &soon).await, Qty::ZERO);
    assert_eq!(lot_qty(&app, &admin, &late).await, qty(8.0));
    assert_eq!(lot_qty(&app, &admin, &expired).await, qty(5.0));
    // Cost: 3 x 2.00 + 2 x 3.00 (lots) + 2 x 0.30 (untracked product's cost) = 12.60; total 53.00.
    assert_eq!(served.cost_of_goods, Some(money(12.6)));
    assert_eq!(raw["total"], 53);

    // One OUT movement per lot used, negative, referring to the order.
    let oid = served.id;
    let moves = app.movements(&admin, &format!("?reference_type=order&reference_id={oid}")).await;
    assert_eq!(moves.len(), 2, "{moves:?}");
    let mut by_lot: Vec<(&str, Qty)> = moves.iter().map(|m| (m.lot_code.as_str(), m.quantity)).collect();
    by_lot.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(by_lot, vec![("LATE", qty(-2.0)), ("SOON", qty(-3.0))]);
    assert!(moves.iter().all(|m| m.movement_type == MovementType::Out && m.reference_id == Some(oid)));

    // Completing writes no more stock.
    advance(&app, &admin, &served, OrderStatus::Completed).await;
    assert_eq!(app.movements(&admin, &format!("?reference_id={oid}")).await.len(), 2);

    // The lot's trace names the order, its table and the time.
    let trace: LotTrace = app.get_as(&v(&format!("/lots/{}/trace", soon.id)), &admin).await;
    let out: Vec<_> = trace.movements.iter().filter(|m| m.movement.movement_type == MovementType::Out).collect();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].order_id, Some(oid));
    assert_eq!(out[0].order_number.as_ref(), Some(&served.order_number));
    assert_eq!(out[0].table_name.as_deref(), Some("T1"));
    // Typed, `created_at` is a timestamp.
    assert!(out[0].movement.created_at <= chrono::Utc::now());
    let receipt = trace.movements.iter().find(|m| m.movement.movement_type == MovementType::In).unwrap();
    assert_eq!(receipt.order_id, None);

    // 8 left, min 5: serving 4 leaves 4 < 5 and raises one low-stock alert.
    let seq = app.latest_seq().await;
    let next = app.create_order(&waiter, &json!({"items": [item(&dish, 4.0)]})).await;
    let next = advance(&app, &admin, &next, OrderStatus::Ready).await;
    let raw = ok(app.patch_status(&admin, next.id, "served").await).await;
    assert_eq!(raw["cost_of_goods"], 12);
    let alerts: Vec<_> = app.events(seq).await.into_iter().filter(|e| e.event == "stock_alert").collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].data["product_id"], dish.id.to_string());
    assert_eq!(alerts[0].data["kind"], "low");
    assert_eq!(alerts[0].data["qty_on_hand"], 4);
    assert_eq!(alerts[0].data["unit"], "pz", "the alert names the product's unit");
}

async fn a_stock_shortfall_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let plenty = product(&app, &admin, "SF-OK", 5.0, None).await;
    let scarce = product(&app, &admin, "SF-LOW", 5.0, None).await;
    let ok_lot = receive(&app, &admin, &plenty, "SF-OK-1", 10.0, 1.0, None).await;
    let low_lot = receive(&app, &admin, &scarce, "SF-LOW-1", 2.5, 1.0, None).await;

    let body = json!({"items": [item(&plenty, 1.0), item(&scarce, 2.0), item(&scarce, 1.0)]});
    let o = app.create_order(&waiter, &body).await;
    let o = advance(&app, &admin, &o, OrderStatus::Ready).await;
    let seq = app.latest_seq().await;
    let err = assert_error(app.patch_status(&waiter, o.id, "served").await, 400, "insufficient").await;
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("Dish SF-LOW"), "{message}");
    assert!(message.contains("requested 3"), "{message}");
    assert!(message.contains("available 2.5"), "{message}");
    assert!(!message.contains("SF-OK"), "{message}");

    let after = app.order(&admin, o.id).await;
    assert_eq!(after.status, OrderStatus::Ready);
    assert_eq!(after.served_at, None);
    assert_eq!(after.cost_of_goods, None);
    assert!(after.items.iter().all(|i| i.allocations.is_empty()));
    assert_eq!(lot_qty(&app, &admin, &ok_lot).await, qty(10.0));
    assert_eq!(lot_qty(&app, &admin, &low_lot).await, qty(2.5));
    assert_eq!(app.movements(&admin, "?reference_type=order").await.len(), 0);
    assert_eq!(app.latest_seq().await, seq, "no event for a refused serve");
}

async fn concurrent_serves_never_oversell_a_lot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let dish = product(&app, &admin, "CC-1", 5.0, None).await;
    let lot = receive(&app, &admin, &dish, "CC-LOT", 20.0, 1.0, None).await;
    let mut ready = Vec::new();
    for _ in 0..40 {
        let o = app.create_order(&waiter, &json!({"items": [item(&dish, 1.0)]})).await;
        ready.push(advance(&app, &admin, &o, OrderStatus::Ready).await);
    }
    let answers = join_all(ready.iter().map(|o| app.patch_status(&waiter, o.id, "served"))).await;
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
    assert_eq!(lot_qty(&app, &admin, &lot).await, Qty::ZERO);
    let moves = app.movements(&admin, &format!("?lot_id={}&reference_type=order", lot.id)).await;
    let sum: Qty = moves.iter().map(|m| m.quantity).sum();
    assert_eq!(sum, qty(-20.0));
    assert_eq!(moves.len(), 20);
    assert_eq!(app.orders(&admin, "?status=ready").await.len(), 20);
}

async fn the_kitchen_display_lists_open_tickets_oldest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let dish = product(&app, &admin, "KD-1", 5.0, None).await;
    receive(&app, &admin, &dish, "KD-LOT", 100.0, 1.0, None).await;
    let one = json!({"items": [item(&dish, 1.0)]});
    let body = json!({"table_id": DEMO_T1, "notes": "allergy: nuts", "items": [
        {"product_id": dish.id, "quantity": 2, "notes": "well done", "modifiers": {"side": "salad"}}]});
    let a = advance(&app, &admin, &app.create_order(&waiter, &body).await, OrderStatus::Confirmed).await;
    let b = advance(&app, &admin, &app.create_order(&waiter, &one).await, OrderStatus::Preparing).await;
    let c = advance(&app, &admin, &app.create_order(&waiter, &one).await, OrderStatus::Ready).await;
    // Not on the display: draft, served, completed, cancelled.
    app.create_order(&waiter, &one).await;
    for status in [OrderStatus::Served, OrderStatus::Completed, OrderStatus::Cancelled] {
        advance(&app, &admin, &app.create_order(&waiter, &one).await, status).await;
    }

    let raw = ok(app.get(&v("/orders/kitchen-display"), &chef).await).await;
    // Whole quantities are written as integers.
    assert_eq!(raw[0]["items"][0]["quantity"], 2);
    let list: Vec<KitchenOrder> = typed(&raw);
    let ids: Vec<Uuid> = list.iter().map(|k| k.order.id).collect();
    assert_eq!(ids, vec![a.id, b.id, c.id]);
    let first = &list[0];
    assert_eq!(first.order.status, OrderStatus::Confirmed);
    assert_eq!(first.order.table_name.as_deref(), Some("T1"));
    assert_eq!(first.order.notes.as_deref(), Some("allergy: nuts"));
    let line = &first.order.items[0];
    assert_eq!(line.product_name, "Dish KD-1");
    assert_eq!(line.quantity, qty(2.0));
    assert_eq!(line.notes.as_deref(), Some("well done"));
    assert_eq!(line.modifiers.as_ref().expect("modifiers")["side"], "salad");
    assert!(first.order.confirmed_at.is_some());
    assert!((0..120).contains(&first.elapsed_seconds), "{first:?}");
    assert!(list[1].order.kitchen_started_at.is_some());
    assert!(list[2].order.ready_at.is_some());
    // Every role reads it.
    let _: Vec<KitchenOrder> = app.get_as(&v("/orders/kitchen-display"), &waiter).await;

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
    let waiter_id = app.me(&waiter).await.id;
    let dish = product(&app, &admin, "EV-1", 5.0, Some(1.0)).await;
    receive(&app, &admin, &dish, "EV-LOT", 2.0, 1.0, None).await;
    // Inventory changes are not venue events.
    assert_eq!(app.latest_seq().await, 0);

    let o = app.create_order(&waiter, &json!({"table_id": DEMO_T1, "covers": 2, "items": [item(&dish, 1.0)]})).await;
    let oid = o.id;
    let _: Order =
        app.post_as(&v(&format!("/orders/{oid}/items")), &waiter, &json!({"items": [item(&dish, 1.0)]}), 200).await;
    let o = advance(&app, &admin, &o, OrderStatus::Served).await;
    advance(&app, &admin, &o, OrderStatus::Completed).await;
    let free = json!({"status": "free"});
    let _: Table = app.patch_as(&v(&format!("/tables/{DEMO_T1}/status")), &waiter, &free).await;
    // Setting the same status again changes nothing and records nothing.
    let _: Table = app.patch_as(&v(&format!("/tables/{DEMO_T1}/status")), &waiter, &free).await;
    let layout = json!({"tables": [{"id": DEMO_T1, "position_json": {"x": 1, "y": 2}}]});
    let _: Vec<Table> = app.patch_as(&v("/tables/layout"), &admin, &layout).await;

    // The log keeps each event's data as the live feed sends it: checked as JSON.
    let log = app.events(0).await;
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
    assert_eq!(new_order["order_id"], oid.to_string());
    assert_eq!(new_order["order_number"], o.order_number);
    assert_eq!(new_order["table_id"], DEMO_T1.to_string());
    assert_eq!(new_order["table_name"], "T1");
    assert_eq!(new_order["status"], "draft");
    assert_eq!(new_order["item_count"], 1);
    assert_eq!(new_order["covers"], 2);
    assert_eq!(new_order["created_by"], waiter_id.to_string());
    assert_eq!(
        log[1].data,
        json!({"table_id": DEMO_T1, "table_name": "T1", "from_status": "free", "status": "occupied"})
    );
    assert_eq!(
        log[2].data,
        json!({"order_id": oid, "order_number": o.order_number, "item_count": 2, "total": 10,
               "change": "items_added", "table_id": DEMO_T1, "table_name": "T1"})
    );
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
    assert_eq!(log[11].data, json!({"table_ids": [DEMO_T1], "layout_version": 1}));
    assert!(log.windows(2).all(|w| w[0].ts <= w[1].ts));
    // Reading after a seq returns the rest, in order.
    let tail = app.events(10).await;
    assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![11, 12]);

    // Concurrent writers: no gaps, no duplicates.
    let empty = json!({"items": []});
    join_all((0..30).map(|_| app.create_order(&waiter, &empty))).await;
    let log = app.events(0).await;
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=42).collect::<Vec<_>>());
    assert_eq!(app.latest_seq().await, 42);
}

async fn another_venues_tables_and_orders_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let dish = product(&app, &admin, "AV-1", 5.0, None).await;
    let o = app.create_order(&admin, &json!({"items": [item(&dish, 1.0)]})).await;
    let other = app.services.add_venue("Elsewhere", "Europe/Rome").await.unwrap();
    app.services.add_user(other.id, "boss@elsewhere.test", "Boss", Role::Admin, "password123").await.unwrap();
    let login: LoginResponse = expect_as(app.login("boss@elsewhere.test", "password123").await, 200).await;
    let boss = login.access_token;
    let theirs = |p: &str| format!("/api/v1/venues/{}{p}", other.id);
    let oid = o.id;
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
    assert!(app.get_as::<Vec<KitchenOrder>>(&theirs("/orders/kitchen-display"), &boss).await.is_empty());
    // And the demo venue is not theirs.
    assert_error(app.get(&v("/orders"), &boss).await, 403, "venue").await;
}
