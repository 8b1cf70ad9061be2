//! Backup and restore (issue 18): `beerflow backup` while orders are being served, `beerflow
//! restore` into an empty database, and the restored database whole: each lot's quantity is the
//! sum of its movements, each venue's events are numbered without a gap, each order has its
//! lines and each served one the stock movements of its lines.

use crate::helpers::{Backend, DEMO_VENUE, TestApp, TestDb};
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

on_both_backends!(a_backup_taken_under_load_restores_whole_into_an_empty_database);

const BURGER: Uuid = Uuid::from_u128(0x400);

fn beerflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_beerflow")).args(args).output().expect("the beerflow binary runs")
}

/// One whole order flow over the API: created with a tracked dish, cooked, served (FEFO
/// deduction), completed.
async fn order_flow(client: &reqwest::Client, base: &str, waiter: &str, chef: &str) {
    let orders = format!("{base}/api/v1/venues/{DEMO_VENUE}/orders");
    let body = json!({"items": [{"product_id": BURGER, "quantity": 1}]});
    let res = client.post(&orders).bearer_auth(waiter).json(&body).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let order: Value = res.json().await.unwrap();
    let id = order["id"].as_str().unwrap();
    for (who, status) in
        [(waiter, "confirmed"), (chef, "preparing"), (chef, "ready"), (waiter, "served"), (waiter, "completed")]
    {
        let res = client
            .patch(format!("{orders}/{id}/status"))
            .bearer_auth(who)
            .json(&json!({"status": status}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{status}: {}", res.text().await.unwrap());
    }
}

async fn a_backup_taken_under_load_restores_whole_into_an_empty_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (waiter, chef) = (app.token("waiter1").await, app.token("chef").await);
    let done = Arc::new(AtomicUsize::new(0));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (client, base, waiter, chef, done) =
                (app.client.clone(), app.base.clone(), waiter.clone(), chef.clone(), done.clone());
            tokio::spawn(async move {
                for _ in 0..12 {
                    order_flow(&client, &base, &waiter, &chef).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    while done.load(Ordering::Relaxed) < 8 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // In the middle of the load, from another process, as an operator would.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("beerflow.backup");
    let file_arg = file.to_str().unwrap();
    let out = beerflow(&["backup", "--to", file_arg, "--database-url", &app.db.url]);
    assert!(out.status.success(), "backup: {}", String::from_utf8_lossy(&out.stderr));
    let during = done.load(Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    assert!(during < 48, "the backup was taken while the load ran ({during} of 48 flows done)");
    // Never over a file.
    let again = beerflow(&["backup", "--to", file_arg, "--database-url", &app.db.url]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Into an empty database; a second time it is refused, with --replace it is done again.
    let target = TestDb::new(backend).await;
    let out = beerflow(&["restore", "--from", file_arg, "--database-url", &target.url]);
    assert!(out.status.success(), "restore: {}", String::from_utf8_lossy(&out.stderr));
    let refused = beerflow(&["restore", "--from", file_arg, "--database-url", &target.url]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is not empty"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let out = beerflow(&["restore", "--replace", "--from", file_arg, "--database-url", &target.url]);
    assert!(out.status.success(), "restore --replace: {}", String::from_utf8_lossy(&out.stderr));
    // The other backend's backup is refused with a reason.
    let other = match backend {
        Backend::Sqlite => "postgres://postgres@127.0.0.1:5432/postgres".to_owned(),
        Backend::Postgres => format!("sqlite://{}", dir.path().join("other.db").display()),
    };
    let wrong = beerflow(&["restore", "--from", file_arg, "--database-url", &other]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("backup: restore it into a"));

    let whole = Invariants::read(&target.url).await;
    whole.assert_whole();
    assert!(whole.orders > 0 && whole.orders <= 48, "{} orders restored", whole.orders);
    // A damaged backup (cut short) is refused and, even with --replace, changes nothing.
    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let damaged = beerflow(&["restore", "--replace", "--from", cut.to_str().unwrap(), "--database-url", &target.url]);
    assert!(!damaged.status.success(), "a damaged backup was restored");
    let after = Invariants::read(&target.url).await;
    after.assert_whole();
    assert_eq!(after.orders, whole.orders, "the database was changed by a restore that failed");
    // The restored database serves: the demo's staff sign in, it is ready.
    let restored = TestApp::spawn_on(target, None).await;
    restored.token("manager").await;
    let ready = restored.client.get(restored.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    // And the source, after the load, is whole too.
    Invariants::read(&app.db.url).await.assert_whole();
}

/// What must hold of any BeerFlow database, read with plain SQL.
#[derive(Debug)]
struct Invariants {
    /// Lots whose quantity is not the sum of their movements: (lot, quantity, sum).
    lots_off: Vec<(Uuid, i64, i64)>,
    lots: usize,
    /// Per venue: (events, lowest seq, highest seq, the venue's event counter).
    events: Vec<(i64, i64, i64, i64)>,
    /// Orders without a line.
    orders_without_lines: i64,
    /// Served or completed orders whose lines' quantity is not what their movements took.
    served_off: Vec<(Uuid, i64, i64)>,
    orders: i64,
}

impl Invariants {
    async fn read(url: &str) -> Invariants {
        let pg = url.starts_with("postgres");
        let milli = |col: &str| if pg { format!("({col} * 1000)::bigint") } else { format!("{col}_milli") };
        let lots_sql = format!(
            "SELECT l.id, {}, COALESCE((SELECT CAST(SUM({}) AS BIGINT) FROM stock_movements m WHERE m.lot_id = l.id), 0) FROM lots l",
            milli("l.qty_current"),
            milli("m.quantity")
        );
        let events_sql = "SELECT COUNT(*), MIN(e.seq), MAX(e.seq), (SELECT c.value FROM venue_counters c WHERE c.venue_id = \
                          e.venue_id AND c.name = 'event_seq') FROM venue_events e GROUP BY e.venue_id";
        let lineless =
            "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)";
        let served_sql = format!(
            "SELECT o.id, (SELECT CAST(SUM({}) AS BIGINT) FROM order_items i WHERE i.order_id = o.id), \
             COALESCE((SELECT CAST(-SUM({}) AS BIGINT) FROM stock_movements m WHERE m.reference_type = 'order' AND m.reference_id = o.id), 0) \
             FROM orders o WHERE o.status IN ('served', 'completed')",
            milli("i.quantity"),
            milli("m.quantity")
        );
        macro_rules! read {
            ($pool:expr) => {{
                let pool = $pool;
                let lots: Vec<(Uuid, i64, i64)> = sqlx::query_as(&lots_sql).fetch_all(&pool).await.unwrap();
                let events: Vec<(i64, i64, i64, i64)> = sqlx::query_as(events_sql).fetch_all(&pool).await.unwrap();
                let orders_without_lines: i64 = sqlx::query_scalar(lineless).fetch_one(&pool).await.unwrap();
                let served: Vec<(Uuid, i64, i64)> = sqlx::query_as(&served_sql).fetch_all(&pool).await.unwrap();
                let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders").fetch_one(&pool).await.unwrap();
                pool.close().await;
                Invariants {
                    lots: lots.len(),
                    lots_off: lots.into_iter().filter(|(_, q, s)| q != s).collect(),
                    events,
                    orders_without_lines,
                    served_off: served.into_iter().filter(|(_, q, t)| q != t).collect(),
                    orders,
                }
            }};
        }
        if pg {
            read!(sqlx::PgPool::connect(url).await.unwrap())
        } else {
            read!(sqlx::SqlitePool::connect(url).await.unwrap())
        }
    }

    fn assert_whole(&self) {
        assert!(self.lots > 0, "{self:?}");
        assert!(self.lots_off.is_empty(), "lots whose quantity is not the sum of their movements: {:?}", self.lots_off);
        assert!(!self.events.is_empty(), "{self:?}");
        for (count, low, high, counter) in &self.events {
            assert_eq!((*low, *high, *counter), (1, *count, *count), "events numbered without a gap: {self:?}");
        }
        assert_eq!(self.orders_without_lines, 0, "{self:?}");
        assert!(self.served_off.is_empty(), "served orders whose stock was not taken: {:?}", self.served_off);
    }
}
