//! `beerflow-load`: drives a running BeerFlow server over HTTP with N concurrent clients and
//! prints per-operation latency percentiles and throughput.
//!
//! Start the server (with the demo venue and users seeded), then:
//!
//! ```text
//! cargo run --release -p beerflow-load -- --base-url http://127.0.0.1:3000 --clients 16 --orders 4000
//! ```
//!
//! Setup (as the manager, not measured): logs in the demo manager, waiter and chef, creates a
//! product with a unique SKU and receives a huge lot of it, so stock never runs out.
//!
//! Then, all with `--clients` concurrent tasks sharing one connection pool:
//! 1. `--history N`: N full order flows to give the database some history (not measured);
//! 2. `--active N`: N orders left `confirmed`, so the kitchen display has tickets (not measured);
//! 3. the measured phase: `--orders N` flows in total, each one `POST .../orders` (waiter, with an
//!    `Idempotency-Key`) and the status changes confirmed (waiter), preparing and ready (chef),
//!    served and completed (waiter); every client also reads the kitchen display after every
//!    `--kds-every K` flows (0 turns that off).
//!
//! Each request is timed from send to the end of its body. Successful requests are recorded per
//! operation; any transport error or non-2xx answer, in any phase, counts as an error: the first
//! few are printed and the tool exits with status 1, so it doubles as a smoke test. `--json` prints
//! one JSON object on stdout instead of the table; progress messages always go to stderr.

use clap::Parser;
use hdrhistogram::Histogram;
use reqwest::{Client, Method};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How many error messages are kept and printed.
const MAX_ERROR_SAMPLES: usize = 5;
/// How many characters of an error body are kept.
const BODY_SNIPPET: usize = 300;
/// Highest latency the histograms track, in microseconds (one hour; requests time out long before).
const HIST_MAX_US: u64 = 3_600_000_000;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

// Operations, as indices into `Stats::hists` and `OP_NAMES` (which is also the table's row order).
const CREATE: usize = 0;
const CONFIRM: usize = 1;
const PREPARING: usize = 2;
const READY: usize = 3;
const SERVED: usize = 4;
const COMPLETED: usize = 5;
const STATUS_ALL: usize = 6;
const KITCHEN_DISPLAY: usize = 7;
const OP_NAMES: [&str; 8] =
    ["create", "confirm", "preparing", "ready", "served", "completed", "status_change (all)", "kitchen_display"];

#[derive(Clone, Copy)]
enum Role {
    Waiter,
    Chef,
}

/// One status change of a flow: the target status, who sends it, the operation it is recorded as.
type Step = (&'static str, Role, usize);

const STEPS: [Step; 5] = [
    ("confirmed", Role::Waiter, CONFIRM),
    ("preparing", Role::Chef, PREPARING),
    ("ready", Role::Chef, READY),
    ("served", Role::Waiter, SERVED),
    ("completed", Role::Waiter, COMPLETED),
];

#[derive(Parser, Debug)]
#[command(name = "beerflow-load", version, about = "Load generator for a running BeerFlow server")]
struct Args {
    /// Server root URL (the API is under /api/v1); plain http only.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    base_url: String,
    /// Venue to order in.
    #[arg(long, default_value = "00000000-0000-0000-0000-000000000001")]
    venue: Uuid,
    /// Concurrent clients (tokio tasks sharing one connection pool).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..))]
    clients: u64,
    /// Measured order flows in total, spread over all clients.
    #[arg(long, default_value_t = 2000)]
    orders: u64,
    /// Completed orders to create before measuring (not measured), with --clients concurrency.
    #[arg(long, default_value_t = 0)]
    history: u64,
    /// Orders to leave `confirmed` after the history, so the kitchen display has tickets (not measured).
    #[arg(long, default_value_t = 0)]
    active: u64,
    /// Each client reads the kitchen display after every K flows of the measured phase (0: never).
    #[arg(long, default_value_t = 1)]
    kds_every: u64,
    /// Offered load of the measured phase in flows per second, over all clients (0: each client
    /// starts its next flow as soon as the last one ends, i.e. saturation). Flow k starts at
    /// k / rate seconds, by whichever client is free.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Print the results as one JSON object on stdout instead of a table.
    #[arg(long)]
    json: bool,
    /// Manager account (sets up the product and its stock).
    #[arg(long, default_value = "manager@beerflow.demo")]
    manager: String,
    /// Waiter account (creates, confirms, serves and completes orders).
    #[arg(long, default_value = "waiter1@beerflow.demo")]
    waiter: String,
    /// Chef account (prepares orders, reads the kitchen display).
    #[arg(long, default_value = "chef@beerflow.demo")]
    chef: String,
    /// Password of the three accounts.
    #[arg(long, default_value = "admin123!")]
    password: String,
}

/// Latencies per operation and flow outcomes, kept per task and merged at the end.
struct Stats {
    hists: Vec<Histogram<u64>>,
    flows_ok: u64,
    flows_failed: u64,
}

impl Stats {
    fn new() -> Self {
        let hists = (0..OP_NAMES.len())
            .map(|_| Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("valid histogram bounds"))
            .collect();
        Stats { hists, flows_ok: 0, flows_failed: 0 }
    }

    fn record(&mut self, op: usize, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1);
        self.hists[op].saturating_record(us);
    }

    fn merge(&mut self, other: &Stats) {
        for (mine, theirs) in self.hists.iter_mut().zip(&other.hists) {
            mine.add(theirs).expect("histograms share their bounds");
        }
        self.flows_ok += other.flows_ok;
        self.flows_failed += other.flows_failed;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    History,
    Active,
    Measure,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::History => "history",
            Phase::Active => "active",
            Phase::Measure => "measure",
        }
    }
}

/// What every task shares: the connection pool, the tokens, the product and the error tally.
struct Api {
    client: Client,
    /// `<base-url>/api/v1/venues/<venue>`
    venue_url: String,
    waiter_token: String,
    chef_token: String,
    product_id: String,
    errors: AtomicU64,
    error_samples: Mutex<Vec<String>>,
}

impl Api {
    fn token(&self, role: Role) -> &str {
        match role {
            Role::Waiter => &self.waiter_token,
            Role::Chef => &self.chef_token,
        }
    }

    fn fail(&self, phase: Phase, msg: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.error_samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if samples.len() < MAX_ERROR_SAMPLES {
            samples.push(format!("[{}] {msg}", phase.label()));
        }
    }

    /// One order flow: create, then `steps`. Returns whether every request succeeded; stops at
    /// the first failure (the later status changes could not succeed anyway).
    async fn flow(&self, phase: Phase, steps: &[Step], stats: &mut Stats) -> bool {
        let url = format!("{}/orders", self.venue_url);
        let body = json!({"items": [{"product_id": self.product_id, "quantity": 1}]});
        let key = Uuid::new_v4().to_string();
        let created =
            match call(&self.client, Method::POST, &url, Some(&self.waiter_token), Some(&body), Some(&key)).await {
                Ok((bytes, latency)) => {
                    stats.record(CREATE, latency);
                    bytes
                }
                Err(e) => {
                    self.fail(phase, e);
                    return false;
                }
            };
        let Some(id) = json_id(&created) else {
            self.fail(phase, format!("POST {url} -> answer without an \"id\": {}", snippet(&created)));
            return false;
        };
        let status_url = format!("{}/orders/{id}/status", self.venue_url);
        for &(status, role, op) in steps {
            let body = json!({ "status": status });
            match call(&self.client, Method::PATCH, &status_url, Some(self.token(role)), Some(&body), None).await {
                Ok((_, latency)) => {
                    stats.record(op, latency);
                    stats.record(STATUS_ALL, latency);
                }
                Err(e) => {
                    self.fail(phase, format!("{e} (while setting \"{status}\")"));
                    return false;
                }
            }
        }
        true
    }

    async fn kitchen_display(&self, phase: Phase, stats: &mut Stats) {
        let url = format!("{}/orders/kitchen-display", self.venue_url);
        match call(&self.client, Method::GET, &url, Some(&self.chef_token), None, None).await {
            // A cheap check that the answer is a JSON array, without parsing it on the hot path.
            Ok((bytes, latency)) if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') => {
                stats.record(KITCHEN_DISPLAY, latency)
            }
            Ok((bytes, _)) => self.fail(phase, format!("GET {url} -> not a JSON array: {}", snippet(&bytes))),
            Err(e) => self.fail(phase, e),
        }
    }
}

/// Sends one request and reads the whole body. The latency covers send to the end of the body;
/// building the request and checking the answer are outside it. Transport errors and non-2xx
/// answers are `Err` with a one-line description.
async fn call(
    client: &Client,
    method: Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    idempotency_key: Option<&str>,
) -> Result<(Vec<u8>, Duration), String> {
    let mut builder = client.request(method.clone(), url);
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    if let Some(body) = body {
        builder = builder.json(body);
    }
    if let Some(key) = idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    let request = builder.build().map_err(|e| format!("{method} {url}: {}", error_chain(&e)))?;

    let start = Instant::now();
    let response = client.execute(request).await.map_err(|e| format!("{method} {url}: {}", error_chain(&e)))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| format!("{method} {url} -> {status}: {}", error_chain(&e)))?;
    let latency = start.elapsed();

    if !status.is_success() {
        return Err(format!("{method} {url} -> {status}: {}", snippet(&bytes)));
    }
    Ok((bytes.into(), latency))
}

/// The `id` of a JSON object answer, as text (UUID string or number).
fn json_id(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body).ok()?.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    let mut out: String = text.chars().take(BODY_SNIPPET).collect();
    if text.chars().nth(BODY_SNIPPET).is_some() {
        out.push('…');
    }
    out
}

/// An error with its causes ("error sending request: ... : Connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// Logs in and returns the access token.
async fn login(client: &Client, api_url: &str, email: &str, password: &str) -> Result<String, String> {
    let body = json!({ "email": email, "password": password });
    let (bytes, _) = call(client, Method::POST, &format!("{api_url}/auth/login"), None, Some(&body), None).await?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v.get("access_token")?.as_str().map(str::to_owned))
        .ok_or_else(|| format!("login of {email}: no access_token in {}", snippet(&bytes)))
}

/// Creates the load-test product and a lot big enough for any run; returns the product id.
async fn setup_product(client: &Client, venue_url: &str, manager_token: &str) -> Result<String, String> {
    let suffix = Uuid::new_v4().simple().to_string()[..8].to_uppercase();
    let product = json!({
        "name": format!("Load test beer {suffix}"),
        "unit": "pz",
        "price": 4.5,
        "cost": 1.2,
        "sku": format!("LOAD-{suffix}"),
        "track_stock": true,
    });
    let url = format!("{venue_url}/products");
    let (bytes, _) = call(client, Method::POST, &url, Some(manager_token), Some(&product), None).await?;
    let product_id =
        json_id(&bytes).ok_or_else(|| format!("POST {url} -> answer without an \"id\": {}", snippet(&bytes)))?;
    let lot = json!({
        "product_id": product_id,
        "lot_code": format!("LOAD-{suffix}"),
        "qty_init": 100_000_000,
        "unit": "pz",
        "cost_per_unit": 1.2,
    });
    call(client, Method::POST, &format!("{venue_url}/lots"), Some(manager_token), Some(&lot), None).await?;
    Ok(product_id)
}

/// One client: takes flow numbers from `next` until `total` are taken.
async fn worker(
    api: Arc<Api>,
    next: Arc<AtomicU64>,
    done: Arc<AtomicU64>,
    total: u64,
    phase: Phase,
    kds_every: u64,
    pace: Option<(Instant, f64)>,
) -> Stats {
    let mut stats = Stats::new();
    let steps: &[Step] = if phase == Phase::Active { &STEPS[..1] } else { &STEPS };
    let mut flows = 0u64;
    loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k >= total {
            break;
        }
        if let Some((start, rate)) = pace {
            tokio::time::sleep_until((start + Duration::from_secs_f64(k as f64 / rate)).into()).await;
        }
        if api.flow(phase, steps, &mut stats).await {
            stats.flows_ok += 1;
        } else {
            stats.flows_failed += 1;
        }
        flows += 1;
        if phase == Phase::Measure && kds_every > 0 && flows.is_multiple_of(kds_every) {
            api.kitchen_display(phase, &mut stats).await;
        }
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        if phase == Phase::History && d * 10 / total != (d - 1) * 10 / total {
            let errors = api.errors.load(Ordering::Relaxed);
            eprintln!("history: {:>3}% ({d}/{total}), errors so far: {errors}", d * 100 / total);
        }
    }
    stats
}

/// Runs `total` flows of `phase` over `clients` tasks; returns the merged stats and the wall time.
async fn run_phase(
    api: &Arc<Api>,
    clients: u64,
    total: u64,
    phase: Phase,
    kds_every: u64,
    rate: f64,
) -> (Stats, Duration) {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let pace = (rate > 0.0).then_some((start, rate));
    let handles: Vec<_> = (0..clients.min(total))
        .map(|_| tokio::spawn(worker(api.clone(), next.clone(), done.clone(), total, phase, kds_every, pace)))
        .collect();
    let mut stats = Stats::new();
    for handle in handles {
        stats.merge(&handle.await.expect("a client task panicked"));
    }
    (stats, start.elapsed())
}

#[derive(Serialize)]
struct OpReport {
    count: u64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    ops_per_s: f64,
}

#[derive(Serialize)]
struct Report {
    base_url: String,
    venue: Uuid,
    clients: u64,
    orders: u64,
    history: u64,
    active: u64,
    /// Offered flows per second (0: saturation).
    rate: f64,
    kds_every: u64,
    flows_completed: u64,
    flows_failed: u64,
    wall_s: f64,
    flows_per_s: f64,
    errors: u64,
    error_samples: Vec<String>,
    /// Only the operations that recorded at least one successful request.
    ops: BTreeMap<&'static str, OpReport>,
}

fn per_second(count: u64, wall: Duration) -> f64 {
    let secs = wall.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

fn op_report(hist: &Histogram<u64>, wall: Duration) -> OpReport {
    let ms = |us: u64| us as f64 / 1000.0;
    OpReport {
        count: hist.len(),
        p50_ms: ms(hist.value_at_quantile(0.50)),
        p95_ms: ms(hist.value_at_quantile(0.95)),
        p99_ms: ms(hist.value_at_quantile(0.99)),
        max_ms: ms(hist.max()),
        ops_per_s: per_second(hist.len(), wall),
    }
}

fn print_table(report: &Report) {
    println!("BeerFlow load test: {} venue {}", report.base_url, report.venue);
    let kds =
        if report.kds_every == 0 { "off".to_owned() } else { format!("every {} flows per client", report.kds_every) };
    println!(
        "clients {}, measured flows {} (history {}, active {}), offered load {}, kitchen display {kds}",
        report.clients,
        report.orders,
        report.history,
        report.active,
        if report.rate > 0.0 { format!("{} flows/s", report.rate) } else { "saturation".to_owned() }
    );
    println!();
    println!(
        "{:<20} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "op", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "ops/s"
    );
    for name in OP_NAMES {
        if let Some(op) = report.ops.get(name) {
            println!(
                "{:<20} {:>8} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
                name, op.count, op.p50_ms, op.p95_ms, op.p99_ms, op.max_ms, op.ops_per_s
            );
        }
    }
    println!();
    println!(
        "flows: {} completed, {} failed in {:.2} s -> {:.2} flows/s",
        report.flows_completed, report.flows_failed, report.wall_s, report.flows_per_s
    );
    if report.errors == 0 {
        println!("errors: 0");
    } else {
        println!("errors: {} (first {} below)", report.errors, report.error_samples.len());
        for sample in &report.error_samples {
            println!("  {sample}");
        }
    }
}

async fn run(args: Args) -> Result<ExitCode, String> {
    let client = Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| format!("building the HTTP client: {}", error_chain(&e)))?;
    let base_url = args.base_url.trim_end_matches('/').to_owned();
    let api_url = format!("{base_url}/api/v1");
    let venue_url = format!("{api_url}/venues/{}", args.venue);

    eprintln!("setup: logging in and creating the load-test product at {base_url}");
    let manager_token = login(&client, &api_url, &args.manager, &args.password).await?;
    let waiter_token = login(&client, &api_url, &args.waiter, &args.password).await?;
    let chef_token = login(&client, &api_url, &args.chef, &args.password).await?;
    let product_id = setup_product(&client, &venue_url, &manager_token).await.map_err(|e| format!("setup: {e}"))?;

    let api = Arc::new(Api {
        client,
        venue_url,
        waiter_token,
        chef_token,
        product_id,
        errors: AtomicU64::new(0),
        error_samples: Mutex::new(Vec::new()),
    });

    if args.history > 0 {
        eprintln!("history: creating {} completed orders with {} clients (not measured)", args.history, args.clients);
        let (_, wall) = run_phase(&api, args.clients, args.history, Phase::History, 0, 0.0).await;
        eprintln!("history: done in {:.2} s", wall.as_secs_f64());
    }
    if args.active > 0 {
        eprintln!("active: leaving {} orders confirmed (not measured)", args.active);
        run_phase(&api, args.clients, args.active, Phase::Active, 0, 0.0).await;
    }

    eprintln!("measure: {} flows with {} clients", args.orders, args.clients);
    let (stats, wall) = run_phase(&api, args.clients, args.orders, Phase::Measure, args.kds_every, args.rate).await;

    let ops = OP_NAMES
        .iter()
        .zip(&stats.hists)
        .filter(|(_, hist)| !hist.is_empty())
        .map(|(&name, hist)| (name, op_report(hist, wall)))
        .collect();
    let errors = api.errors.load(Ordering::Relaxed);
    let error_samples = api.error_samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let report = Report {
        base_url,
        venue: args.venue,
        clients: args.clients,
        orders: args.orders,
        history: args.history,
        active: args.active,
        rate: args.rate,
        kds_every: args.kds_every,
        flows_completed: stats.flows_ok,
        flows_failed: stats.flows_failed,
        wall_s: wall.as_secs_f64(),
        flows_per_s: per_second(stats.flows_ok, wall),
        errors,
        error_samples,
        ops,
    };

    if args.json {
        println!("{}", serde_json::to_string(&report).map_err(|e| format!("serializing the report: {e}"))?);
    } else {
        print_table(&report);
    }
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("beerflow-load: {e}");
            ExitCode::FAILURE
        }
    }
}
