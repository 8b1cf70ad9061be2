//! `beerflow-ws-load`: the real-time fan-out benchmark. Connects N WebSocket clients to a
//! running BeerFlow server, joins them all to one venue, then creates orders over HTTP at a
//! steady rate and measures how long each `new_order` event takes to reach each client.
//!
//! ```text
//! cargo run --release -p beerflow-load --bin beerflow-ws-load -- \
//!     --base-url http://127.0.0.1:3000 --clients 1000 --orders 300 --rate 10 --server-pid 1234
//! ```
//!
//! Delivery latency is measured from the event's `ts` (stamped by the server inside the writing
//! transaction, just before it commits) to the moment a client has read the frame, so it covers
//! the commit, the fan-out and the socket; the tool must run on the server's machine (one clock).
//! With `--server-pid`, the server's resident memory (VmRSS) is read with no client connected,
//! with all clients connected and joined but idle, and after the run.
//!
//! Every client must receive every order's event exactly once and in `seq` order; anything else
//! (a lost, duplicated or out-of-order event, a dropped connection, a failed request) is counted
//! as an error and the tool exits with status 1.

use chrono::{DateTime, Utc};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{Value, json};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Barrier, Semaphore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

/// Highest latency the histogram tracks, in microseconds (one minute).
const HIST_MAX_US: u64 = 60_000_000;
/// Connections opened at once while connecting the clients.
const CONNECTING_AT_ONCE: usize = 64;

#[derive(Parser, Debug)]
#[command(name = "beerflow-ws-load", version, about = "WebSocket fan-out benchmark for a running BeerFlow server")]
struct Args {
    /// Server root URL (the API is under /api/v1); plain http only.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    base_url: String,
    /// Venue to join and order in.
    #[arg(long, default_value = "00000000-0000-0000-0000-000000000001")]
    venue: Uuid,
    /// WebSocket clients joined to the venue.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    clients: u64,
    /// Orders created during the measurement (each makes one `new_order` event).
    #[arg(long, default_value_t = 300)]
    orders: u64,
    /// Orders created per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Seconds to let the server settle before each memory reading.
    #[arg(long, default_value_t = 3)]
    settle: u64,
    /// The server's process id, to read its resident memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Print the results as one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// Account the clients and the orders use.
    #[arg(long, default_value = "waiter1@beerflow.demo")]
    email: String,
    #[arg(long, default_value = "admin123!")]
    password: String,
}

#[derive(Serialize)]
struct Report {
    clients: u64,
    orders: u64,
    rate: f64,
    deliveries: u64,
    expected_deliveries: u64,
    latency_ms: Percentiles,
    connect_s: f64,
    rss_kib_no_clients: Option<u64>,
    rss_kib_idle_clients: Option<u64>,
    rss_kib_after_run: Option<u64>,
    rss_kib_per_idle_client: Option<f64>,
    errors: u64,
    error_samples: Vec<String>,
}

#[derive(Serialize)]
struct Percentiles {
    p50: f64,
    p90: f64,
    p99: f64,
    p999: f64,
    max: f64,
}

/// Errors of any client, with the first few messages kept.
#[derive(Default)]
struct Errors {
    count: AtomicU64,
    samples: std::sync::Mutex<Vec<String>>,
}

impl Errors {
    fn add(&self, msg: String) {
        if self.count.fetch_add(1, Ordering::Relaxed) < 5 {
            self.samples.lock().unwrap_or_else(|p| p.into_inner()).push(msg);
        }
    }
}

fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A frame as far as the tool reads it.
#[derive(serde::Deserialize)]
struct Frame<'a> {
    event: &'a str,
    seq: Option<i64>,
    ts: Option<&'a str>,
}

/// One client: connects, joins, signals it is ready, then records the latency of every
/// `new_order` until it has seen `orders` of them.
async fn client(
    ws_url: String,
    venue: Uuid,
    orders: u64,
    connecting: Arc<Semaphore>,
    ready: Arc<Barrier>,
    errors: Arc<Errors>,
) -> Histogram<u64> {
    let mut hist = Histogram::<u64>::new_with_bounds(1, HIST_MAX_US, 3).expect("histogram bounds");
    let permit = connecting.acquire_owned().await.expect("semaphore");
    // A small read buffer: tungstenite zero-fills its whole read buffer (128 KiB by default) on
    // every read, which made the tool cost more CPU than the server.
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let socket = tokio_tungstenite::connect_async_with_config(ws_url.as_str(), Some(config), true).await;
    let mut socket = match socket {
        Ok((socket, _)) => socket,
        Err(e) => {
            errors.add(format!("connect: {e}"));
            drop(permit);
            ready.wait().await;
            return hist;
        }
    };
    let join = json!({"event": "join_venue", "data": {"venue_id": venue}}).to_string();
    let mut last_seq = None;
    if socket.send(Message::text(join)).await.is_ok() {
        while let Some(Ok(msg)) = socket.next().await {
            if let Message::Text(text) = msg {
                let v: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                if v["event"] == "joined_venue" {
                    last_seq = v["data"]["seq"].as_i64();
                    break;
                }
            }
        }
    }
    drop(permit);
    ready.wait().await;
    let Some(mut last_seq) = last_seq else {
        errors.add("join_venue: no joined_venue answer".into());
        return hist;
    };
    let mut seen = 0;
    while seen < orders {
        let Some(msg) = socket.next().await else {
            errors.add(format!("connection closed after {seen} of {orders} events"));
            return hist;
        };
        let text = match msg {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(frame)) => {
                errors.add(format!("closed by the server after {seen} events: {frame:?}"));
                return hist;
            }
            Ok(_) => continue,
            Err(e) => {
                errors.add(format!("read: {e}"));
                return hist;
            }
        };
        let received = Utc::now();
        // Only what is measured is decoded (the data is skipped): the tool shares the machine.
        let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else {
            errors.add(format!("not a JSON frame: {text}"));
            continue;
        };
        let Some(seq) = frame.seq else { continue };
        if seq != last_seq + 1 {
            errors.add(format!("expected seq {}, got {seq}", last_seq + 1));
        }
        last_seq = seq;
        if frame.event != "new_order" {
            continue;
        }
        seen += 1;
        match frame.ts.map(DateTime::parse_from_rfc3339) {
            Some(Ok(ts)) => {
                let us = (received - ts.with_timezone(&Utc)).num_microseconds().unwrap_or(0).max(1) as u64;
                hist.saturating_record(us);
            }
            _ => errors.add(format!("event without a valid ts: {text}")),
        }
    }
    let _ = socket.close(None).await;
    hist
}

async fn run(args: Args) -> Result<ExitCode, String> {
    let base = args.base_url.trim_end_matches('/').to_owned();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .map_err(|e| format!("login: {e}"))?
        .json()
        .await
        .map_err(|e| format!("login: {e}"))?;
    let token = login["access_token"].as_str().ok_or_else(|| format!("login: no access_token in {login}"))?.to_owned();
    let ws_url = format!("{}/api/v1/ws?token={token}", base.replacen("http", "ws", 1));

    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    let rss_none = rss_kib(args.server_pid);
    eprintln!("connecting {} clients", args.clients);
    let started = Instant::now();
    let errors = Arc::new(Errors::default());
    let connecting = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let ready = Arc::new(Barrier::new(args.clients as usize + 1));
    let clients: Vec<_> = (0..args.clients)
        .map(|_| {
            tokio::spawn(client(
                ws_url.clone(),
                args.venue,
                args.orders,
                connecting.clone(),
                ready.clone(),
                errors.clone(),
            ))
        })
        .collect();
    ready.wait().await;
    let connect_s = started.elapsed().as_secs_f64();
    eprintln!("{} clients joined in {connect_s:.2} s; settling", args.clients);
    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    let rss_idle = rss_kib(args.server_pid);

    eprintln!("creating {} orders at {}/s", args.orders, args.rate);
    let orders_url = format!("{base}/api/v1/venues/{}/orders", args.venue);
    let interval = Duration::from_secs_f64(1.0 / args.rate.max(0.001));
    let start = tokio::time::Instant::now();
    for k in 0..args.orders {
        tokio::time::sleep_until(start + interval * k as u32).await;
        let res = http.post(&orders_url).bearer_auth(&token).json(&json!({"covers": 2, "items": []})).send().await;
        match res {
            Ok(r) if r.status().as_u16() == 201 => {}
            Ok(r) => errors.add(format!("create order: {}", r.status())),
            Err(e) => errors.add(format!("create order: {e}")),
        }
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, HIST_MAX_US, 3).expect("histogram bounds");
    for c in clients {
        match tokio::time::timeout(Duration::from_secs(30), c).await {
            Ok(Ok(h)) => hist.add(&h).map_err(|e| format!("histogram: {e}"))?,
            _ => errors.add("a client did not receive every event within 30 s".into()),
        }
    }
    let rss_after = rss_kib(args.server_pid);
    if hist.len() != args.clients * args.orders && errors.count.load(Ordering::Relaxed) == 0 {
        errors.add(format!("{} deliveries, expected {}", hist.len(), args.clients * args.orders));
    }
    let ms = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
    let report = Report {
        clients: args.clients,
        orders: args.orders,
        rate: args.rate,
        deliveries: hist.len(),
        expected_deliveries: args.clients * args.orders,
        latency_ms: Percentiles {
            p50: ms(0.5),
            p90: ms(0.9),
            p99: ms(0.99),
            p999: ms(0.999),
            max: hist.max() as f64 / 1000.0,
        },
        connect_s,
        rss_kib_no_clients: rss_none,
        rss_kib_idle_clients: rss_idle,
        rss_kib_after_run: rss_after,
        rss_kib_per_idle_client: rss_none.zip(rss_idle).map(|(a, b)| (b as f64 - a as f64) / args.clients as f64),
        errors: errors.count.load(Ordering::Relaxed),
        error_samples: errors.samples.lock().unwrap_or_else(|p| p.into_inner()).clone(),
    };
    let failed = errors.count.load(Ordering::Relaxed) > 0;
    if args.json {
        println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    } else {
        println!(
            "{} clients, {} orders at {}/s: {} of {} deliveries",
            report.clients, report.orders, report.rate, report.deliveries, report.expected_deliveries
        );
        let l = &report.latency_ms;
        println!(
            "delivery latency (event ts -> client): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
            l.p50, l.p90, l.p99, l.p999, l.max
        );
        println!("connecting and joining {} clients: {:.2} s", report.clients, report.connect_s);
        if let (Some(a), Some(b), Some(c)) = (rss_none, rss_idle, rss_after) {
            println!(
                "server RSS: {a} KiB without clients, {b} KiB with {} idle clients ({:.1} KiB per client), {c} KiB after the run",
                report.clients,
                report.rss_kib_per_idle_client.unwrap_or(0.0)
            );
        }
        for e in &report.error_samples {
            println!("error: {e}");
        }
        println!("errors: {}", errors.count.load(Ordering::Relaxed));
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

// One thread: the clients' work stays on one core and leaves the other to the server (on a
// two-core machine, a multi-threaded client cost more CPU than the server it measured).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("beerflow-ws-load: {e}");
            ExitCode::FAILURE
        }
    }
}
