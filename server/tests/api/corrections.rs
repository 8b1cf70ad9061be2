//! Corrections during a service (issue 13): item-level bump, voids, moving an order to another
//! table, covers, and available to promise. Each refusal changes nothing.

use crate::helpers::{Backend, TestApp, assert_error, expect_as, venue_path as v};
use beerflow_core::domain::inventory::Product;
use beerflow_core::domain::order::{Order, OrderStatus};
use beerflow_core::domain::stock::Promise;
use beerflow_core::domain::table::{Table, TableStatus};
use beerflow_core::domain::{Money, Qty};
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    marking_lines_done_starts_and_finishes_a_ticket,
    voids_follow_the_cancel_permissions_and_leave_the_total_and_the_serve,
    moving_an_order_frees_the_table_it_leaves_and_occupies_the_new_one,
    available_to_promise_counts_what_open_orders_will_draw,
);

async fn dish(app: &TestApp, admin: &str, sku: &str, price: f64, stock: Option<f64>) -> Product {
    let body = json!({"name": format!("Dish {sku}"), "unit": "pz", "price": price, "sku": sku,
                      "track_stock": stock.is_some()});
    let p: Product = app.post_as(&v("/products"), admin, &body, 201).await;
    if let Some(qty) = stock {
        let lot = json!({"product_id": p.id, "lot_code": format!("{sku}-L"), "qty_init": qty, "unit": "pz"});
        let _: Value = app.post_as(&v("/lots"), admin, &lot, 201).await;
    }
    p
}

fn line(p: &Product, qty: f64) -> Value {
    json!({"product_id": p.id, "quantity": qty})
}

async fn mark(app: &TestApp, token: &str, order: &Order, line: usize, done: bool) -> reqwest::Response {
    let path = v(&format!("/orders/{}/items/{}", order.id, order.items[line].id));
    app.patch(&path, token, &json!({ "done": done })).await
}

async fn void(app: &TestApp, token: &str, order: &Order, line: usize, reason: &str) -> reqwest::Response {
    let path = v(&format!("/orders/{}/items/{}/void", order.id, order.items[line].id));
    app.post(&path, token, &json!({ "reason": reason })).await
}

/// The `order_updated` changes and the status moves of `order` in the feed after `seq`.
async fn feed(app: &TestApp, seq: i64, order: Uuid) -> Vec<String> {
    app.events(seq)
        .await
        .into_iter()
        .filter(|e| e.data["order_id"] == json!(order))
        .map(|e| match e.event.as_str() {
            "order_updated" => format!("updated:{}", e.data["change"].as_str().unwrap_or("?")),
            "order_status_changed" => {
                format!("{}->{}", e.data["from_status"].as_str().unwrap(), e.data["status"].as_str().unwrap())
            }
            other => other.to_owned(),
        })
        .collect()
}

async fn marking_lines_done_starts_and_finishes_a_ticket(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let chef = app.token("chef").await;
    let waiter = app.token("waiter1").await;
    let (a, b) = (dish(&app, &admin, "IB-A", 9.0, None).await, dish(&app, &admin, "IB-B", 4.5, None).await);
    let order = app.create_order(&waiter, &json!({"items": [line(&a, 2.0), line(&b, 1.0)]})).await;
    // A draft is not in the kitchen yet: nothing to mark.
    assert_error(mark(&app, &chef, &order, 0, true).await, 409, "only tickets in the kitchen").await;
    let order = app.move_order(&waiter, order.id, Confirmed).await;
    let seq = app.latest_seq().await;

    // A waiter does not bump lines; the ticket is as it was.
    assert_error(mark(&app, &waiter, &order, 0, true).await, 403, "").await;
    assert_eq!(app.order(&admin, order.id).await, order);
    // An unknown line: 404 naming it.
    let path = v(&format!("/orders/{}/items/{}", order.id, Uuid::new_v4()));
    assert_error(app.patch(&path, &chef, &json!({"done": true})).await, 404, "item_id").await;
    assert_error(
        app.patch(&v(&format!("/orders/{}/items/{}", order.id, order.items[0].id)), &chef, &json!({})).await,
        400,
        "done",
    )
    .await;

    // The first line done starts the ticket; the line is stamped, the other not.
    let started: Order = expect_as(mark(&app, &chef, &order, 0, true).await, 200).await;
    assert_eq!(started.status, Preparing);
    assert!(started.kitchen_started_at.is_some());
    assert!(started.items[0].done_at.is_some() && started.items[1].done_at.is_none());
    // Marking it again keeps its first time.
    let again: Order = expect_as(mark(&app, &chef, &order, 0, true).await, 200).await;
    assert_eq!(again.items[0].done_at, started.items[0].done_at);
    // The last line done: ready.
    let ready: Order = expect_as(mark(&app, &chef, &order, 1, true).await, 200).await;
    assert_eq!(ready.status, Ready);
    assert!(ready.ready_at.is_some());
    // Not done after all: back to preparing, the ready stamp cleared.
    let back: Order = expect_as(mark(&app, &chef, &order, 1, false).await, 200).await;
    assert_eq!((back.status, back.ready_at, back.items[1].done_at), (Preparing, None, None));
    assert_eq!(app.order(&admin, order.id).await, back, "as stored");
    // Order-level Ready still works in one touch.
    let ready = app.move_order(&chef, order.id, Ready).await;
    // Served: the lines cannot be marked any more.
    let served = app.move_order(&waiter, ready.id, Served).await;
    assert_error(mark(&app, &chef, &served, 0, false).await, 409, "served").await;

    assert_eq!(
        feed(&app, seq, order.id).await,
        [
            "updated:item_done",
            "confirmed->preparing",
            "updated:item_done",
            "updated:item_done",
            "preparing->ready",
            "updated:item_undone",
            "ready->preparing",
            "preparing->ready",
            "ready->served",
        ]
    );
}

async fn voids_follow_the_cancel_permissions_and_leave_the_total_and_the_serve(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let manager = app.token("manager").await;
    let chef = app.token("chef").await;
    let waiter = app.token("waiter1").await;
    let a = dish(&app, &admin, "VD-A", 10.0, Some(10.0)).await;
    let b = dish(&app, &admin, "VD-B", 2.5, Some(10.0)).await;
    let c = dish(&app, &admin, "VD-C", 1.0, Some(10.0)).await;
    let order = app.create_order(&waiter, &json!({"items": [line(&a, 1.0), line(&b, 2.0), line(&c, 3.0)]})).await;
    assert_eq!(order.total, Money::from_raw(1800));
    let order = app.move_order(&waiter, order.id, Confirmed).await;
    let seq = app.latest_seq().await;

    // A reason is required; the kitchen does not void.
    assert_error(void(&app, &waiter, &order, 1, "  ").await, 400, "reason").await;
    assert_error(
        app.post(&v(&format!("/orders/{}/items/{}/void", order.id, order.items[1].id)), &waiter, &json!({})).await,
        400,
        "reason",
    )
    .await;
    assert_error(void(&app, &chef, &order, 1, "wrong dish").await, 403, "").await;
    assert_eq!(app.order(&admin, order.id).await, order, "nothing written");

    // Confirmed: the waiter voids a line; it stays, marked, out of the total.
    let voided: Order = expect_as(void(&app, &waiter, &order, 1, "guest changed mind").await, 200).await;
    assert_eq!(voided.items.len(), 3);
    assert!(voided.items[1].voided_at.is_some());
    assert_eq!(voided.items[1].void_reason.as_deref(), Some("guest changed mind"));
    assert_eq!(voided.total, Money::from_raw(1300));
    assert_eq!(app.order(&admin, order.id).await, voided, "as stored");
    // Twice: 409.
    assert_error(void(&app, &waiter, &voided, 1, "again").await, 409, "voided").await;
    // A voided line cannot be bumped.
    assert_error(mark(&app, &chef, &voided, 1, true).await, 409, "voided").await;

    // Preparing: only a manager may void, and the message says so.
    let preparing = app.move_order(&chef, order.id, Preparing).await;
    let refused = assert_error(void(&app, &waiter, &preparing, 2, "burnt").await, 403, "manager").await;
    assert!(refused["message"].as_str().unwrap().contains("preparing"), "{refused}");
    assert_eq!(app.order(&admin, order.id).await, preparing, "nothing written");
    // The first line is done; voiding the other line left makes the ticket ready.
    let done: Order = expect_as(mark(&app, &chef, &preparing, 0, true).await, 200).await;
    assert_eq!(done.status, Preparing);
    let ready: Order = expect_as(void(&app, &manager, &done, 2, "out of it").await, 200).await;
    assert_eq!(ready.status, Ready);
    assert_eq!(ready.total, Money::from_raw(1000));
    // The last line left cannot be voided: cancel the order instead.
    assert_error(void(&app, &manager, &ready, 0, "all of it").await, 409, "cancel the order").await;

    // Serving takes only the line still on the order.
    let served = app.move_order(&waiter, order.id, Served).await;
    let lots = |p: &Product| format!("?product_id={}", p.id);
    assert_eq!(app.lots(&admin, &lots(&a)).await[0].qty_current, Qty::whole(9));
    assert_eq!(app.lots(&admin, &lots(&b)).await[0].qty_current, Qty::whole(10));
    assert_eq!(app.lots(&admin, &lots(&c)).await[0].qty_current, Qty::whole(10));
    assert!(served.items[1].allocations.is_empty() && served.items[2].allocations.is_empty());
    // Served: too late to void.
    assert_error(void(&app, &manager, &served, 0, "late").await, 409, "served").await;

    let events = feed(&app, seq, order.id).await;
    assert_eq!(
        events,
        [
            "updated:item_voided",
            "confirmed->preparing",
            "updated:item_done",
            "updated:item_voided",
            "preparing->ready",
            "ready->served",
        ]
    );
    let last_void = app
        .events(seq)
        .await
        .into_iter()
        .rfind(|e| e.event == "order_updated" && e.data["change"] == "item_voided")
        .unwrap();
    assert_eq!(last_void.data["total"].as_f64(), Some(10.0));
}

async fn patch_order(app: &TestApp, token: &str, id: Uuid, body: Value) -> reqwest::Response {
    app.patch(&v(&format!("/orders/{id}")), token, &body).await
}

async fn moving_an_order_frees_the_table_it_leaves_and_occupies_the_new_one(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let a = dish(&app, &admin, "MV-A", 8.0, None).await;
    let table = |name: &str| json!({"name": name, "seats": 4, "area": "Test"});
    let from: Table = app.post_as(&v("/tables"), &admin, &table("Move from"), 201).await;
    let to: Table = app.post_as(&v("/tables"), &admin, &table("Move to"), 201).await;
    let broken: Table = app.post_as(&v("/tables"), &admin, &table("Broken"), 201).await;
    let _: Table =
        app.patch_as(&v(&format!("/tables/{}/status", broken.id)), &admin, &json!({"status": "out_of_service"})).await;
    let order = app.create_order(&waiter, &json!({"table_id": from.id, "items": [line(&a, 1.0)]})).await;
    let order = app.move_order(&waiter, order.id, Confirmed).await;
    assert_eq!(app.table(&waiter, from.id).await.status, TableStatus::Occupied);
    let patch = |body: Value| patch_order(&app, &waiter, order.id, body);

    // Refused, naming the field, and nothing changes.
    assert_error(patch(json!({"table_id": broken.id})).await, 409, "out of service").await;
    assert_error(patch(json!({"table_id": Uuid::new_v4()})).await, 404, "table_id").await;
    assert_error(patch(json!({"covers": 0})).await, 400, "covers").await;
    assert_error(patch(json!({"table": to.id})).await, 400, "table").await;
    assert_error(app.patch(&v(&format!("/orders/{}", order.id)), &chef, &json!({"covers": 2})).await, 403, "").await;
    assert_eq!(app.order(&admin, order.id).await, order);
    assert_eq!(app.table(&waiter, from.id).await.status, TableStatus::Occupied);
    assert_eq!(app.table(&waiter, to.id).await.status, TableStatus::Free);

    // Moved with its covers: the old table is free (nobody ate there), the new one occupied.
    let seq = app.latest_seq().await;
    let moved: Order = expect_as(patch(json!({"table_id": to.id, "covers": 3})).await, 200).await;
    assert_eq!((moved.table_id, moved.table_name.as_deref(), moved.covers), (Some(to.id), Some("Move to"), Some(3)));
    assert_eq!(app.order(&admin, order.id).await, moved, "as stored");
    assert_eq!(app.table(&waiter, from.id).await.status, TableStatus::Free);
    assert_eq!(app.table(&waiter, to.id).await.status, TableStatus::Occupied);
    let events = app.events(seq).await;
    let names: Vec<String> = events
        .iter()
        .map(|e| match e.event.as_str() {
            "table_status_changed" => {
                format!("{}:{}", e.data["table_name"].as_str().unwrap(), e.data["status"].as_str().unwrap())
            }
            other => format!("{other}:{}", e.data["change"].as_str().unwrap_or("")),
        })
        .collect();
    assert_eq!(names, ["order_updated:moved", "Move to:occupied", "Move from:free"]);
    assert_eq!(events[0].data["table_id"], json!(to.id));
    assert_eq!(events[0].data["table_name"], "Move to");

    // Served, then moved back: the table it leaves is to be cleaned.
    app.move_order(&chef, order.id, Ready).await;
    app.move_order(&waiter, order.id, Served).await;
    let back: Order = expect_as(patch(json!({"table_id": from.id})).await, 200).await;
    assert_eq!(back.table_id, Some(from.id));
    assert_eq!(app.table(&waiter, to.id).await.status, TableStatus::Cleaning);
    // To takeaway: no table.
    let away: Order = expect_as(patch(json!({"table_id": null, "notes": "to go"})).await, 200).await;
    assert_eq!((away.table_id, away.table_name, away.notes.as_deref()), (None, None, Some("to go")));
    assert_eq!(app.table(&waiter, from.id).await.status, TableStatus::Cleaning);
    // Completed orders are history: 409.
    app.move_order(&waiter, order.id, Completed).await;
    assert_error(patch(json!({"covers": 2})).await, 409, "only open orders").await;
    // The cleaned table is set free by the waiter.
    let free: Table =
        app.patch_as(&v(&format!("/tables/{}/status", from.id)), &waiter, &json!({"status": "free"})).await;
    assert_eq!(free.status, TableStatus::Free);
}

async fn available_to_promise_counts_what_open_orders_will_draw(backend: Backend) {
    use OrderStatus::*;
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let waiter = app.token("waiter1").await;
    let salad = dish(&app, &admin, "ATP-S", 9.0, Some(12.0)).await;
    let untracked = dish(&app, &admin, "ATP-U", 3.0, None).await;
    let promise = |list: &[Promise]| {
        let p = list.iter().find(|p| p.product_id == salad.id).expect("tracked product listed");
        (p.usable, p.promised, p.available)
    };
    let list: Vec<Promise> = app.get_as(&v("/stock/available"), &waiter).await;
    assert_eq!(promise(&list), (Qty::whole(12), Qty::ZERO, Qty::whole(12)));
    assert!(list.iter().all(|p| p.product_id != untracked.id), "untracked products have no limit");

    // A draft promises nothing; a confirmed order promises its lines; a voided line not.
    let draft = app.create_order(&waiter, &json!({"items": [line(&salad, 5.0)]})).await;
    let sent = app.create_order(&waiter, &json!({"items": [line(&salad, 4.0), line(&salad, 3.0)]})).await;
    let sent = app.move_order(&waiter, sent.id, Confirmed).await;
    let list: Vec<Promise> = app.get_as(&v("/stock/available"), &waiter).await;
    assert_eq!(promise(&list), (Qty::whole(12), Qty::whole(7), Qty::whole(5)));
    let _: Order = expect_as(void(&app, &waiter, &sent, 1, "mistake").await, 200).await;
    let list: Vec<Promise> = app.get_as(&v("/stock/available"), &waiter).await;
    assert_eq!(promise(&list), (Qty::whole(12), Qty::whole(4), Qty::whole(8)));
    // Served: the stock is gone and nothing is promised any more.
    let admin_ready = app.move_order(&admin, sent.id, Ready).await;
    app.move_order(&waiter, admin_ready.id, Served).await;
    let list: Vec<Promise> = app.get_as(&v("/stock/available"), &waiter).await;
    assert_eq!(promise(&list), (Qty::whole(8), Qty::ZERO, Qty::whole(8)));
    // Oversold: negative, and still accepted (counts can be wrong).
    app.move_order(&waiter, draft.id, Confirmed).await;
    let more = app.create_order(&waiter, &json!({"items": [line(&salad, 6.0)]})).await;
    app.move_order(&waiter, more.id, Confirmed).await;
    let list: Vec<Promise> = app.get_as(&v("/stock/available"), &waiter).await;
    assert_eq!(promise(&list), (Qty::whole(8), Qty::whole(11), Qty::whole(-3)));
}
