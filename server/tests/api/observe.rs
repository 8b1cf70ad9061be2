//! What operators watch (issue 17): `/metrics` moving as the venue works, labels without ids,
//! slow operations, the alerts nothing raised before (late tickets, expiring and expired lots),
//! once each and replayed, and the liveness and readiness checks.

use crate::helpers::ws::{self, Ws, connect, next, send};
use crate::helpers::{Backend, DEMO_T1, DEMO_VENUE, TestApp, signed_in_browser, venue_path};
use beerflow_core::domain::stock::StockSummary;
use beerflow_core::observe::{Operation, Thresholds};
use beerflow_core::services::Raised;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

on_both_backends!(
    metrics_move_as_orders_tables_and_the_kitchen_display_are_used,
    labels_name_routes_by_their_template_never_by_an_id,
    sockets_and_deliveries_show_in_the_metrics_while_they_last,
    a_slow_operation_is_counted_logged_and_raised_as_a_high_kitchen_alert,
    late_tickets_and_expiring_lots_raise_their_alerts_once_and_they_replay,
    liveness_and_readiness_say_whether_to_send_this_instance_traffic,
);

const BURGER: Uuid = Uuid::from_u128(0x400);

/// `/metrics` parsed: each sample (`name{labels}`) and its value.
async fn scrape(app: &TestApp) -> BTreeMap<String, f64> {
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    parse(&res.text().await.unwrap())
}

fn parse(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (sample, value) = l.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {l}"));
            (sample.to_owned(), value.parse().unwrap_or_else(|_| panic!("not a value: {l}")))
        })
        .collect()
}

/// A sample's value (0 when it is not exported yet).
fn value(m: &BTreeMap<String, f64>, sample: &str) -> f64 {
    m.get(sample).copied().unwrap_or(0.0)
}

fn op(name: &str, outcome: &str) -> String {
    format!("beerflow_operations_total{{operation=\"{name}\",outcome=\"{outcome}\"}}")
}

/// Scrapes until `sample` reaches `want` (the server counts a socket or a delivery as the
/// client sees it, not before), or fails after 10 s.
async fn until(app: &TestApp, sample: &str, want: f64) -> BTreeMap<String, f64> {
    let started = std::time::Instant::now();
    loop {
        let m = scrape(app).await;
        if value(&m, sample) == want {
            return m;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{sample} stayed at {} (want {want})", value(&m, sample));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn metrics_move_as_orders_tables_and_the_kitchen_display_are_used(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = scrape(&app).await;
    assert_eq!(value(&before, &format!("beerflow_build_info{{version=\"{}\"}}", env!("CARGO_PKG_VERSION"))), 1.0);
    assert_eq!(value(&before, &op("order_creation", "success")), 0.0);
    assert!(value(&before, "beerflow_db_pool_max_connections") >= 1.0, "{before:?}");
    let (waiter, manager, chef) = (app.token("waiter1").await, app.token("manager").await, app.token("chef").await);

    // Through the REST API.
    let order = app
        .create_order(&waiter, &json!({"table_id": DEMO_T1, "items": [{"product_id": BURGER, "quantity": 1}]}))
        .await;
    let res =
        app.patch(&venue_path(&format!("/orders/{}/status", order.id)), &waiter, &json!({"status": "confirmed"})).await;
    assert_eq!(res.status().as_u16(), 200);
    // A refused move is an operation that failed.
    let res =
        app.patch(&venue_path(&format!("/orders/{}/status", order.id)), &waiter, &json!({"status": "draft"})).await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post(
            &venue_path(&format!("/orders/{}/items", order.id)),
            &waiter,
            &json!({"items": [{"product_id": BURGER, "quantity": 1}]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app.get(&venue_path("/orders/kitchen-display"), &chef).await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app.post(&venue_path("/tables"), &manager, &json!({"name": "Patio 9", "seats": 2})).await;
    assert_eq!(res.status().as_u16(), 201);
    let table: Value = res.json().await.unwrap();
    let res = app
        .patch(
            &venue_path(&format!("/tables/{}/status", table["id"].as_str().unwrap())),
            &waiter,
            &json!({"status": "reserved"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    let m = scrape(&app).await;
    assert_eq!(value(&m, &op("order_creation", "success")), 1.0);
    assert_eq!(value(&m, &op("order_status_update", "success")), 1.0);
    assert_eq!(value(&m, &op("order_status_update", "failure")), 1.0);
    assert_eq!(value(&m, &op("order_add_items", "success")), 1.0);
    assert_eq!(value(&m, &op("kds_query", "success")), 1.0);
    assert_eq!(value(&m, &op("table_creation", "success")), 1.0);
    assert_eq!(value(&m, &op("table_status_update", "success")), 1.0);
    assert_eq!(value(&m, "beerflow_order_transitions_total{from=\"draft\",to=\"confirmed\"}"), 1.0);
    let latency = "beerflow_operation_duration_seconds_count{operation=\"order_creation\",outcome=\"success\"}";
    assert_eq!(value(&m, latency), 1.0);
    assert_eq!(
        value(
            &m,
            "beerflow_operation_duration_seconds_bucket{operation=\"order_creation\",outcome=\"success\",le=\"+Inf\"}"
        ),
        1.0
    );
    assert_eq!(value(&m, "beerflow_kitchen_open_tickets"), 1.0);

    // The pad's server function is the same operation as its REST twin.
    let browser = signed_in_browser(&app, "waiter1").await;
    use leptos::server_fn::ServerFn;
    let body =
        json!({"table_id": null, "lines": [{"product_id": BURGER, "quantity": 1}], "key": Uuid::new_v4().to_string()});
    let res = browser.post(app.url(app::api::SendOrder::PATH)).json(&body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    let m = scrape(&app).await;
    assert_eq!(value(&m, &op("order_creation", "success")), 2.0);
    assert_eq!(value(&m, &op("order_status_update", "success")), 2.0, "the send also confirmed it");
    assert_eq!(value(&m, "beerflow_order_transitions_total{from=\"draft\",to=\"confirmed\"}"), 2.0);

    // A serve the stock cannot cover is counted as a shortfall.
    let burger = app.get(&venue_path(&format!("/products/{BURGER}")), &manager).await.json::<Value>().await.unwrap();
    assert_eq!(burger["track_stock"], true, "{burger}");
    let big = app.create_order(&waiter, &json!({"items": [{"product_id": BURGER, "quantity": 9000}]})).await;
    for status in ["confirmed", "preparing", "ready"] {
        let who = if status == "confirmed" { &waiter } else { &chef };
        let res = app.patch(&venue_path(&format!("/orders/{}/status", big.id)), who, &json!({"status": status})).await;
        assert_eq!(res.status().as_u16(), 200, "{status}");
    }
    let res =
        app.patch(&venue_path(&format!("/orders/{}/status", big.id)), &waiter, &json!({"status": "served"})).await;
    assert_eq!(res.status().as_u16(), 400);
    let m = scrape(&app).await;
    assert_eq!(value(&m, "beerflow_serve_shortfalls_total"), 1.0);
    assert_eq!(value(&m, "beerflow_order_transitions_total{from=\"preparing\",to=\"ready\"}"), 1.0);
}

async fn labels_name_routes_by_their_template_never_by_an_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let order = app.create_order(&waiter, &json!({})).await;
    assert_eq!(app.get(&venue_path(&format!("/orders/{}", order.id)), &waiter).await.status().as_u16(), 200);
    let nobody = Uuid::new_v4();
    assert_eq!(app.get(&venue_path(&format!("/orders/{nobody}")), &waiter).await.status().as_u16(), 404);
    assert_eq!(app.client.get(app.url(&format!("/no/such/{nobody}"))).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(app.client.get(app.url(&format!("/api/v1/{nobody}"))).send().await.unwrap().status().as_u16(), 404);
    let page = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);

    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let m = parse(&text);
    let by_id = "beerflow_http_requests_total{method=\"GET\",route=\"/api/v1/venues/{venue_id}/orders/{id}\",status=";
    assert_eq!(value(&m, &format!("{by_id}\"2xx\"}}")), 1.0, "{text}");
    assert_eq!(value(&m, &format!("{by_id}\"4xx\"}}")), 1.0, "{text}");
    assert_eq!(
        value(&m, "beerflow_http_requests_total{method=\"GET\",route=\"/login\",status=\"2xx\"}"),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&m, "beerflow_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"4xx\"}"),
        2.0,
        "{text}"
    );
    assert_eq!(
        value(&m, "beerflow_http_requests_total{method=\"POST\",route=\"/api/v1/auth/login\",status=\"2xx\"}"),
        1.0,
        "{text}"
    );
    // No label anywhere carries an id or a raw path a client chose.
    for id in [order.id, nobody, DEMO_VENUE] {
        assert!(!text.contains(&id.to_string()), "{id} in the metrics:\n{text}");
    }
    assert!(!text.contains("/no/such"), "{text}");
    let uuid = regex_free_uuid_check(&text);
    assert!(uuid.is_none(), "a UUID in a label: {uuid:?}");
}

/// The first UUID-shaped word in `text` (8-4-4-4-12 hex digits), if any.
fn regex_free_uuid_check(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .find(|w| w.len() == 36 && Uuid::parse_str(w).is_ok())
        .map(str::to_owned)
}

/// Joins the demo venue; the venue's latest seq.
async fn join(ws: &mut Ws, last_seq: Option<i64>) -> i64 {
    ws::join(ws, last_seq).await["data"]["seq"].as_i64().unwrap()
}

/// The next venue event named `name`, skipping others; panics after 10 s without one.
async fn next_named(ws: &mut Ws, name: &str) -> Value {
    loop {
        let e = next(ws).await;
        if e["event"] == name {
            return e;
        }
    }
}

/// Nothing more after what was read: a ping's answer is the very next frame.
async fn nothing_more(ws: &mut Ws) {
    send(ws, "ping", json!({})).await;
    let e = next(ws).await;
    assert_eq!(e["event"], "pong", "an unexpected frame: {e}");
}

async fn sockets_and_deliveries_show_in_the_metrics_while_they_last(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (chef, waiter) = (app.token("chef").await, app.token("waiter1").await);
    let open = "beerflow_realtime_connections{transport=\"websocket\"}";
    assert_eq!(value(&scrape(&app).await, open), 0.0);
    let mut ws = connect(&app, &chef).await;
    join(&mut ws, None).await;
    let m = until(&app, open, 1.0).await;
    assert_eq!(value(&m, "beerflow_realtime_joined_venues"), 1.0);
    assert_eq!(value(&m, "beerflow_realtime_joined_clients"), 1.0);
    assert_eq!(value(&m, "beerflow_realtime_connections{transport=\"socketio\"}"), 0.0);

    app.create_order(&waiter, &json!({"table_id": DEMO_T1})).await;
    next_named(&mut ws, "new_order").await;
    next_named(&mut ws, "table_status_changed").await;
    let live = "beerflow_event_deliveries_total{transport=\"websocket\",kind=\"live\"}";
    let m = until(&app, live, 2.0).await;
    assert_eq!(value(&m, "beerflow_event_delivery_seconds_count{transport=\"websocket\"}"), 2.0);
    assert_eq!(value(&m, "beerflow_venue_events_total"), 2.0);
    // A reconnect replays what was missed: replayed, not live.
    drop(ws);
    until(&app, open, 0.0).await;
    let mut ws = connect(&app, &chef).await;
    join(&mut ws, Some(0)).await;
    next_named(&mut ws, "table_status_changed").await;
    let m = until(&app, "beerflow_event_deliveries_total{transport=\"websocket\",kind=\"replay\"}", 2.0).await;
    assert_eq!(value(&m, live), 2.0);
    drop(ws);
    until(&app, "beerflow_realtime_joined_clients", 0.0).await;
    let m = until(&app, open, 0.0).await;
    assert_eq!(value(&m, "beerflow_realtime_joined_venues"), 0.0);
}

async fn a_slow_operation_is_counted_logged_and_raised_as_a_high_kitchen_alert(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (chef, waiter) = (app.token("chef").await, app.token("waiter1").await);
    let mut ws = connect(&app, &chef).await;
    join(&mut ws, None).await;
    // Thresholds of nothing: every order creation is slow, and slow enough to alert.
    let mut thresholds = Thresholds::default();
    thresholds.set(Operation::OrderCreation, Duration::ZERO);
    thresholds.alert_after = Duration::ZERO;
    app.services.observe.set_thresholds(thresholds);

    let order = app.create_order(&waiter, &json!({})).await;
    let alert = next_named(&mut ws, "kitchen_alert").await;
    assert_eq!(alert["data"]["priority"], "high", "{alert}");
    assert_eq!(alert["data"]["code"], "slow_operation", "{alert}");
    assert_eq!(alert["data"]["operation"], "order_creation", "{alert}");
    assert_eq!(alert["data"]["order_number"], order.order_number, "{alert}");
    assert!(alert["data"]["message"].as_str().unwrap().contains("order_creation"), "{alert}");
    let m = scrape(&app).await;
    assert_eq!(value(&m, "beerflow_slow_operations_total{operation=\"order_creation\"}"), 1.0);
    assert_eq!(value(&m, "beerflow_slow_operations_total{operation=\"kds_query\"}"), 0.0);
    assert_eq!(value(&m, "beerflow_alerts_raised_total{kind=\"slow_operation\"}"), 1.0);
    // A burst of slow operations is one banner a minute, but each is counted.
    app.create_order(&waiter, &json!({})).await;
    next_named(&mut ws, "new_order").await;
    nothing_more(&mut ws).await;
    assert_eq!(value(&scrape(&app).await, "beerflow_slow_operations_total{operation=\"order_creation\"}"), 2.0);
    // The alert is a venue event like any other: it replays.
    let mut again = connect(&app, &chef).await;
    join(&mut again, Some(0)).await;
    let replayed = next_named(&mut again, "kitchen_alert").await;
    assert_eq!(replayed["seq"], alert["seq"]);
}

async fn late_tickets_and_expiring_lots_raise_their_alerts_once_and_they_replay(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (chef, waiter, manager) = (app.token("chef").await, app.token("waiter1").await, app.token("manager").await);
    // What the demo has expiring within 3 days and expired, on the venue's calendar.
    let summary: StockSummary = app.get_as(&venue_path("/stock/summary?days=3"), &manager).await;
    assert!(!summary.expiring_lots.is_empty() && !summary.expired_lots.is_empty(), "{summary:?}");
    let order = app
        .create_order(&waiter, &json!({"table_id": DEMO_T1, "items": [{"product_id": BURGER, "quantity": 1}]}))
        .await;
    let res =
        app.patch(&venue_path(&format!("/orders/{}/status", order.id)), &waiter, &json!({"status": "confirmed"})).await;
    assert_eq!(res.status().as_u16(), 200);
    let mut ws = connect(&app, &chef).await;
    let before = join(&mut ws, None).await;

    // The watch's first scan runs at once: lots that expired before the server started are found.
    let watch = app.services.watch_alerts(Duration::from_millis(100));
    let mut expiring = Vec::new();
    let mut expired = Vec::new();
    while expiring.len() + expired.len() < summary.expiring_lots.len() + summary.expired_lots.len() {
        let e = next_named(&mut ws, "stock_alert").await;
        // Each lot with the unit of its product, which the screens say its quantities in.
        let lot = (e["data"]["lot_code"].as_str().unwrap().to_owned(), e["data"]["unit"].to_string());
        match e["data"]["kind"].as_str() {
            Some("expiring") => expiring.push(lot),
            Some("expired") => expired.push(lot),
            other => panic!("unexpected kind {other:?}: {e}"),
        }
    }
    let codes = |lots: &[beerflow_core::domain::stock::SummaryLot]| {
        let mut c: Vec<(String, String)> =
            lots.iter().map(|l| (l.lot_code.clone(), serde_json::to_value(l.unit).unwrap().to_string())).collect();
        c.sort();
        c
    };
    expiring.sort();
    expired.sort();
    assert_eq!(expiring, codes(&summary.expiring_lots));
    assert_eq!(expired, codes(&summary.expired_lots));

    // The ticket was confirmed 40 minutes ago (past the demo's red threshold): one alert.
    backdate_confirmation(&app, order.id, 40).await;
    let late = next_named(&mut ws, "kitchen_alert").await;
    assert_eq!(late["data"]["priority"], "high", "{late}");
    assert_eq!(late["data"]["code"], "ticket_late", "{late}");
    assert_eq!(late["data"]["order_id"], order.id.to_string());
    assert_eq!(late["data"]["order_number"], order.order_number);
    assert_eq!(late["data"]["table_name"], "T1");
    assert!(late["data"]["minutes"].as_i64().unwrap() >= 40, "{late}");
    // Once: more scans (the watch's, and one by hand) raise nothing more.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.services.raise_due_alerts(chrono::Utc::now()).await.unwrap(), Raised::default());
    nothing_more(&mut ws).await;
    watch.abort();
    let m = scrape(&app).await;
    assert_eq!(value(&m, "beerflow_alerts_raised_total{kind=\"ticket_late\"}"), 1.0);
    assert_eq!(value(&m, "beerflow_alerts_raised_total{kind=\"stock_expired\"}"), summary.expired_lots.len() as f64);
    assert_eq!(value(&m, "beerflow_kitchen_late_tickets"), 1.0);

    // Another instance on the same database (or this one after a restart) raises nothing again.
    if backend == Backend::Postgres {
        let other = TestApp::spawn_on(app.db.share(), None).await;
        assert_eq!(other.services.raise_due_alerts(chrono::Utc::now()).await.unwrap(), Raised::default());
    }

    // A client that was away gets them all again, in order, from its last seq.
    let mut back = connect(&app, &chef).await;
    join(&mut back, Some(before)).await;
    let mut replayed = Vec::new();
    for _ in 0..expiring.len() + expired.len() + 1 {
        let e = next(&mut back).await;
        replayed.push(e["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(replayed.iter().filter(|e| *e == "stock_alert").count(), expiring.len() + expired.len());
    assert_eq!(replayed.last().map(String::as_str), Some("kitchen_alert"));
    nothing_more(&mut back).await;
}

/// Moves an order's confirmation `minutes` into the past, as if it had waited that long.
async fn backdate_confirmation(app: &TestApp, order_id: Uuid, minutes: i64) {
    let at = beerflow_core::store::now_micros() - chrono::Duration::minutes(minutes);
    if app.db.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        sqlx::query("UPDATE orders SET confirmed_at = $1 WHERE id = $2")
            .bind(at)
            .bind(order_id)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        sqlx::query("UPDATE orders SET confirmed_at = $1 WHERE id = $2")
            .bind(at)
            .bind(order_id)
            .execute(&pool)
            .await
            .unwrap();
    }
}

async fn liveness_and_readiness_say_whether_to_send_this_instance_traffic(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status().as_u16(), 200);
    assert_eq!(live.json::<Value>().await.unwrap()["status"], "ok");
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");

    // A database without this build's latest migration: not ready, and it says which.
    let forget = "DELETE FROM _sqlx_migrations WHERE version = 10";
    if app.db.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
        sqlx::query(forget).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
        sqlx::query(forget).execute(&pool).await.unwrap();
    }
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "not_ready", "{body}");
    assert_eq!(body["pending_migrations"], json!([10]), "{body}");
    assert!(body["reason"].as_str().unwrap().contains("migration"), "{body}");
    // Alive all the same: nothing to restart.
    assert_eq!(app.client.get(app.url("/health/live")).send().await.unwrap().status().as_u16(), 200);

    // The database down: not ready, still alive.
    if backend == Backend::Postgres {
        app.db.drop_now().await;
        let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
        assert_eq!(ready.status().as_u16(), 503);
        let body: Value = ready.json().await.unwrap();
        assert!(body["reason"].as_str().unwrap().starts_with("database"), "{body}");
        assert_eq!(app.client.get(app.url("/health/live")).send().await.unwrap().status().as_u16(), 200);
        // /metrics still answers (the kitchen's gauges keep their last values).
        assert_eq!(app.client.get(app.url("/metrics")).send().await.unwrap().status().as_u16(), 200);
    }
}

/// The Grafana dashboard (`deploy/grafana/dashboards/beerflow.json`) asks only for metrics that
/// `/metrics` really exports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_names_only_metrics_the_server_exports() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Some activity, so that every kind of sample is there.
    let waiter = app.token("waiter1").await;
    app.create_order(&waiter, &json!({})).await;
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let exported: std::collections::BTreeSet<&str> =
        text.lines().filter_map(|l| l.strip_prefix("# TYPE ")).filter_map(|l| l.split(' ').next()).collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/grafana/dashboards/beerflow.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut named = std::collections::BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if let Some(metric) = word.strip_prefix("beerflow_").map(|_| word) {
                    let base = ["_bucket", "_sum", "_count"]
                        .iter()
                        .find_map(|s| metric.strip_suffix(s).filter(|b| exported.contains(b)))
                        .unwrap_or(metric);
                    assert!(exported.contains(base), "the dashboard's `{expr}` names {metric}, which /metrics lacks");
                    named.insert(base.to_owned());
                }
            }
        }
    }
    // It shows what the operator needs (the list), not a token panel.
    for needed in [
        "beerflow_operation_duration_seconds",
        "beerflow_operations_total",
        "beerflow_slow_operations_total",
        "beerflow_kitchen_open_tickets",
        "beerflow_kitchen_late_tickets",
        "beerflow_realtime_connections",
        "beerflow_event_delivery_seconds",
        "beerflow_http_requests_total",
    ] {
        assert!(named.contains(needed), "the dashboard has no panel of {needed}");
    }
}
