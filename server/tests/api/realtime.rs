//! The WebSocket feed: auth before the upgrade, joining, live events in order, replay, isolation, bad frames.

use crate::helpers::ws::{connect, join, next, send};
use crate::helpers::{Backend, DEMO_T1, DEMO_VENUE, TestApp, venue_path};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

on_both_backends!(
    the_upgrade_needs_a_valid_login,
    a_joined_client_receives_venue_events_live_and_in_order,
    a_reconnect_with_last_seq_loses_nothing_while_orders_are_created,
    other_venues_and_bad_frames_get_errors_and_the_connection_stays,
    a_last_seq_older_than_the_kept_log_asks_for_a_resync,
    a_client_that_stops_reading_is_cut_off_without_slowing_anyone,
);

/// Two server instances on one PostgreSQL database: a client of instance A sees, in order, the
/// events of orders created through instance B, and replays them after a reconnect to A.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_events_reach_the_clients_of_every_instance() {
    let a = TestApp::spawn(Backend::Postgres).await;
    let b = TestApp::spawn_on(a.db.share(), None).await;
    let chef = a.token("chef").await;
    let waiter_on_b = b.token("waiter1").await;
    let mut ws = connect(&a, &chef).await;
    join(&mut ws, None).await;
    let mut created_numbers = Vec::new();
    for _ in 0..10 {
        created_numbers.push(json!(b.create_order(&waiter_on_b, &json!({})).await.order_number));
    }
    let mut seqs = Vec::new();
    let mut numbers = Vec::new();
    for _ in 0..10 {
        let e = next(&mut ws).await;
        assert_eq!(e["event"], "new_order", "{e}");
        seqs.push(e["seq"].as_i64().unwrap());
        numbers.push(e["data"]["order_number"].clone());
    }
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    assert_eq!(numbers, created_numbers);
    // Replay on A of what B wrote while the client was away.
    drop(ws);
    for _ in 0..5 {
        b.create_order(&waiter_on_b, &json!({})).await;
    }
    let mut ws = connect(&a, &chef).await;
    join(&mut ws, Some(10)).await;
    for want in 11..=15 {
        assert_eq!(next(&mut ws).await["seq"], want);
    }
    drop(b);
}

async fn the_upgrade_needs_a_valid_login(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for url in [format!("ws://{}/api/v1/ws", app.addr), format!("ws://{}/api/v1/ws?token=forged", app.addr)] {
        match tokio_tungstenite::connect_async(url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status().as_u16(), 401),
            other => panic!("expected 401, got {other:?}"),
        }
    }
    // A bearer header works as well as the query token.
    let token = app.token("chef").await;
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
        "ws://{}/api/v1/ws",
        app.addr
    ))
    .unwrap();
    req.headers_mut().insert("Authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("bearer upgrade");
    let joined = join(&mut ws, None).await;
    assert_eq!(joined["data"]["role"], "kitchen");
    assert_eq!(joined["data"]["venue_id"], DEMO_VENUE.to_string());
    assert_eq!(joined["data"]["seq"], 0);
}

async fn a_joined_client_receives_venue_events_live_and_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let mut kitchen = connect(&app, &chef).await;
    join(&mut kitchen, None).await;
    let o = app.create_order(&waiter, &json!({"table_id": DEMO_T1, "covers": 2})).await;
    let first = next(&mut kitchen).await;
    assert_eq!(first["event"], "new_order", "{first}");
    assert_eq!(first["seq"], 1);
    assert!(first["ts"].is_string());
    assert_eq!(first["data"]["order_id"], o.id.to_string());
    assert_eq!(first["data"]["order_number"], o.order_number);
    assert_eq!(first["data"]["table_name"], "T1");
    assert_eq!(first["data"]["covers"], 2);
    let second = next(&mut kitchen).await;
    assert_eq!(second["event"], "table_status_changed");
    assert_eq!(second["seq"], 2);
    assert_eq!(second["data"]["status"], "occupied");
    send(&mut kitchen, "ping", json!({})).await;
    assert_eq!(next(&mut kitchen).await["event"], "pong");
    // After leaving, nothing more arrives.
    send(&mut kitchen, "leave_venue", json!({"venue_id": DEMO_VENUE})).await;
    assert_eq!(next(&mut kitchen).await["event"], "left_venue");
    app.create_order(&waiter, &json!({})).await;
    send(&mut kitchen, "ping", json!({})).await;
    assert_eq!(next(&mut kitchen).await["event"], "pong", "no venue event after leave_venue");
}

async fn a_reconnect_with_last_seq_loses_nothing_while_orders_are_created(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    let mut ws = connect(&app, &chef).await;
    join(&mut ws, None).await;
    for _ in 0..3 {
        app.create_order(&waiter, &json!({})).await;
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(next(&mut ws).await["seq"].as_i64().unwrap());
    }
    drop(ws);
    // Orders keep coming while the kitchen is away and while it rejoins.
    let writer = {
        let base = app.url(&venue_path("/orders"));
        let client = app.client.clone();
        let waiter = waiter.clone();
        tokio::spawn(async move {
            for _ in 0..40 {
                let res = client.post(&base).bearer_auth(&waiter).json(&json!({})).send().await.unwrap();
                assert_eq!(res.status().as_u16(), 201);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut ws = connect(&app, &chef).await;
    join(&mut ws, Some(*seen.last().unwrap())).await;
    writer.await.unwrap();
    while seen.len() < 43 {
        let e = next(&mut ws).await;
        assert_eq!(e["event"], "new_order", "{e}");
        seen.push(e["seq"].as_i64().unwrap());
    }
    assert_eq!(seen, (1..=43).collect::<Vec<_>>(), "every event once, in order");
    // A last_seq newer than the log asks for a resync.
    send(&mut ws, "join_venue", json!({"venue_id": DEMO_VENUE, "last_seq": 10_000})).await;
    assert_eq!(next(&mut ws).await["event"], "joined_venue");
    let resync = next(&mut ws).await;
    assert_eq!(resync["event"], "resync_required", "{resync}");
    assert_eq!(resync["data"]["seq"], 43);
}

async fn other_venues_and_bad_frames_get_errors_and_the_connection_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let chef = app.token("chef").await;
    let mut ws = connect(&app, &chef).await;
    send(&mut ws, "join_venue", json!({"venue_id": uuid::Uuid::new_v4()})).await;
    let e = next(&mut ws).await;
    assert_eq!(e["event"], "error");
    assert_eq!(e["data"]["code"], "forbidden");
    ws.send(Message::Text("{not json".into())).await.unwrap();
    let e = next(&mut ws).await;
    assert_eq!(e["event"], "error");
    assert_eq!(e["data"]["code"], "bad_request");
    send(&mut ws, "dance", json!({})).await;
    let e = next(&mut ws).await;
    assert_eq!(e["data"]["code"], "unknown_event");
    send(&mut ws, "join_venue", json!({"venue": 1})).await;
    assert_eq!(next(&mut ws).await["data"]["code"], "bad_request");
    // Still connected and usable.
    join(&mut ws, None).await;
    let health: Value = app.client.get(app.url("/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["details"]["websocket"]["total_connections"], 1, "{health}");
    assert_eq!(health["details"]["websocket"]["connected_venues"], 1, "{health}");
}

async fn a_last_seq_older_than_the_kept_log_asks_for_a_resync(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let chef = app.token("chef").await;
    for _ in 0..8 {
        app.create_order(&waiter, &json!({})).await;
    }
    // Nothing is younger than the cut-off, so only the last 3 events stay.
    let future = chrono::Utc::now() + chrono::Duration::days(2);
    assert_eq!(app.services.store.prune_events(future, 3).await.unwrap(), 5);
    // Recent events are kept whatever their number.
    let past = chrono::Utc::now() - chrono::Duration::days(2);
    assert_eq!(app.services.store.prune_events(past, 0).await.unwrap(), 0);
    let mut ws = connect(&app, &chef).await;
    // 5 is the newest event gone: 6, 7, 8 are still there, so replay works from it.
    join(&mut ws, Some(5)).await;
    for want in 6..=8 {
        assert_eq!(next(&mut ws).await["seq"], want);
    }
    // From 4, event 5 is missing: the client must reload.
    join(&mut ws, Some(4)).await;
    let resync = next(&mut ws).await;
    assert_eq!(resync["event"], "resync_required", "{resync}");
    assert_eq!(resync["data"], json!({"venue_id": DEMO_VENUE, "seq": 8}));
    // A log pruned empty still asks a client behind it to reload; one that saw everything joins.
    assert_eq!(app.services.store.prune_events(future, 0).await.unwrap(), 3);
    join(&mut ws, Some(7)).await;
    let resync = next(&mut ws).await;
    assert_eq!(resync["event"], "resync_required", "{resync}");
    assert_eq!(resync["data"], json!({"venue_id": DEMO_VENUE, "seq": 8}));
    join(&mut ws, Some(8)).await;
    app.create_order(&waiter, &json!({})).await;
    assert_eq!(next(&mut ws).await["seq"], 9, "live events go on after an emptied log");
}

async fn a_client_that_stops_reading_is_cut_off_without_slowing_anyone(backend: Backend) {
    // Small kernel buffers stand in for a tablet that stopped reading on a bad network.
    let app = TestApp::spawn_with_small_send_buffers(backend).await;
    app.services.hub.set_client_queue(32);
    let chef = app.token("chef").await;
    let waiter = app.token("waiter1").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let stream = socket.connect(app.addr).await.unwrap();
    let url = format!("ws://{}/api/v1/ws?token={chef}", app.addr);
    let (mut stalled, _) =
        tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream)).await.expect("upgrade");
    join(&mut stalled, None).await;
    let mut healthy = connect(&app, &chef).await;
    join(&mut healthy, None).await;

    const ORDERS: usize = 400;
    let reader = tokio::spawn(async move {
        let mut seqs = Vec::new();
        while seqs.len() < ORDERS {
            let e = next(&mut healthy).await;
            seqs.push(e["seq"].as_i64().unwrap());
        }
        seqs
    });
    let (path, empty) = (venue_path("/orders"), json!({}));
    for _ in 0..ORDERS / 10 {
        let all = futures::future::join_all((0..10).map(|_| app.post(&path, &waiter, &empty))).await;
        assert!(all.iter().all(|r| r.status().as_u16() == 201));
    }
    // The healthy client got everything, in order.
    let seqs = tokio::time::timeout(Duration::from_secs(30), reader).await.expect("healthy client").unwrap();
    assert_eq!(seqs, (1..=ORDERS as i64).collect::<Vec<_>>());
    // The stalled one was cut off: its stream ends before all the events.
    let mut received = 0;
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match stalled.next().await {
                Some(Ok(Message::Text(_))) => received += 1,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stalled client was not disconnected ({received} events received)");
    assert!(received < ORDERS, "the stalled client received all {received} events");
    // The operator sees it: one client cut off for lagging, by its reason.
    let started = std::time::Instant::now();
    loop {
        let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let cut = |reason: &str| {
            let sample = format!("beerflow_realtime_cutoffs_total{{transport=\"websocket\",reason=\"{reason}\"}} ");
            text.lines().find_map(|l| l.strip_prefix(sample.as_str())).map_or(0.0, |v| v.parse::<f64>().unwrap())
        };
        if cut("queue_full") + cut("send_timeout") == 1.0 {
            assert_eq!(cut("silent"), 0.0);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no cut-off counted:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
