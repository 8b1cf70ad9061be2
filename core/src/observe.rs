//! What an operator watches: this instance's Prometheus metrics and its slow operations.
//!
//! The metrics are the `metrics` facade's handles (counters, gauges, histograms) registered with
//! this instance's own `metrics-exporter-prometheus` recorder, which `GET /metrics` renders in the
//! Prometheus text format. The recorder belongs to the `Services` rather than being installed
//! process-wide, so every server in a process (the integration tests start many) counts only
//! what it did. Latencies are real histograms with the buckets of [`BUCKETS`], in seconds.
//!
//! Label values come from closed sets (operations, statuses, transports, reasons) or from route
//! templates: never an id, a raw path or anything else a client can choose.

use crate::domain::order::OrderStatus;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

/// The upper bounds of every latency histogram, in seconds: sub-millisecond to ten seconds.
pub const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// How long an operation may take before it counts as slow and raises a `kitchen_alert` of
/// priority `high` for its venue.
pub const DEFAULT_ALERT_AFTER: Duration = Duration::from_secs(1);

/// The critical operations the original design watches, by the names it gave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    OrderCreation,
    OrderStatusUpdate,
    OrderAddItems,
    TableCreation,
    TableStatusUpdate,
    KdsQuery,
}

impl Operation {
    pub const ALL: [Operation; 6] = [
        Operation::OrderCreation,
        Operation::OrderStatusUpdate,
        Operation::OrderAddItems,
        Operation::TableCreation,
        Operation::TableStatusUpdate,
        Operation::KdsQuery,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::OrderCreation => "order_creation",
            Operation::OrderStatusUpdate => "order_status_update",
            Operation::OrderAddItems => "order_add_items",
            Operation::TableCreation => "table_creation",
            Operation::TableStatusUpdate => "table_status_update",
            Operation::KdsQuery => "kds_query",
        }
    }

    pub fn parse(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The original design's thresholds.
    pub fn default_threshold(self) -> Duration {
        Duration::from_millis(match self {
            Operation::OrderCreation => 300,
            Operation::OrderStatusUpdate => 100,
            Operation::OrderAddItems => 200,
            Operation::TableCreation => 150,
            Operation::TableStatusUpdate => 50,
            Operation::KdsQuery => 150,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// When an operation is slow: above its threshold it is logged and counted; above
/// `alert_after` it also raises a `kitchen_alert` of priority `high` for its venue.
#[derive(Clone, Debug, PartialEq)]
pub struct Thresholds {
    per_operation: [Duration; 6],
    pub alert_after: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { per_operation: Operation::ALL.map(Operation::default_threshold), alert_after: DEFAULT_ALERT_AFTER }
    }
}

impl Thresholds {
    pub fn of(&self, op: Operation) -> Duration {
        self.per_operation[op.index()]
    }

    pub fn set(&mut self, op: Operation, threshold: Duration) {
        self.per_operation[op.index()] = threshold;
    }

    /// Reads `order_creation=300,kds_query=150` (milliseconds) over the defaults; an error names
    /// the entry that is wrong and the operations there are.
    pub fn parse_overrides(&mut self, spec: &str) -> Result<(), String> {
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, ms) = entry
                .split_once('=')
                .ok_or_else(|| format!("slow threshold `{entry}`: expected OPERATION=MILLISECONDS"))?;
            let op = Operation::parse(name.trim()).ok_or_else(|| {
                let names: Vec<_> = Operation::ALL.iter().map(|o| o.name()).collect();
                format!("slow threshold `{entry}`: unknown operation `{}` (one of {})", name.trim(), names.join(", "))
            })?;
            let ms: u64 = ms.trim().parse().map_err(|_| {
                format!("slow threshold `{entry}`: `{}` is not a whole number of milliseconds", ms.trim())
            })?;
            self.set(op, Duration::from_millis(ms));
        }
        Ok(())
    }
}

/// How a session with a live client ended badly: cut off for falling behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutOff {
    /// More events than its queue holds went by before it read them.
    QueueFull,
    /// Its socket took nothing for the send timeout.
    SendTimeout,
    /// It answered no ping for the pong timeout.
    Silent,
}

impl CutOff {
    pub fn name(self) -> &'static str {
        match self {
            CutOff::QueueFull => "queue_full",
            CutOff::SendTimeout => "send_timeout",
            CutOff::Silent => "silent",
        }
    }
}

/// The real-time transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    WebSocket,
    SocketIo,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::WebSocket => "websocket",
            Transport::SocketIo => "socketio",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The alerts the server raises by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// A ticket waited past the venue's red threshold.
    TicketLate,
    /// An operation took longer than `Thresholds::alert_after`.
    SlowOperation,
    /// A lot with stock entered the venue's expiring window.
    StockExpiring,
    /// A lot with stock expired.
    StockExpired,
}

impl AlertKind {
    pub fn name(self) -> &'static str {
        match self {
            AlertKind::TicketLate => "ticket_late",
            AlertKind::SlowOperation => "slow_operation",
            AlertKind::StockExpiring => "stock_expiring",
            AlertKind::StockExpired => "stock_expired",
        }
    }
}

/// What is read at scrape time rather than counted as it happens.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub pool_in_use: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub joined_venues: usize,
    pub joined_clients: usize,
    /// Every venue's tickets in the kitchen, and those late (the database's, so every instance
    /// reports the same); `None` when it could not be read (the gauges keep their last values).
    pub kitchen: Option<(i64, i64)>,
}

const METADATA: Metadata<'static> = Metadata::new("beerflow", Level::INFO, Some("beerflow_core::observe"));

/// Every metric name `GET /metrics` exports, with its kind, unit and help text: the one list the
/// recorder's descriptions and the dashboard check read.
pub const METRICS: &[(&str, Kind, Option<Unit>, &str)] = &[
    ("beerflow_build_info", Kind::Gauge, None, "Always 1; the running build's version in the `version` label."),
    (
        "beerflow_http_requests_total",
        Kind::Counter,
        None,
        "HTTP requests answered, by method, route template and status class.",
    ),
    (
        "beerflow_http_request_duration_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Time to answer an HTTP request (until the response head), by method, route template and status class.",
    ),
    (
        "beerflow_operations_total",
        Kind::Counter,
        None,
        "Critical operations (the use cases of orders, tables and the kitchen display), by operation and outcome.",
    ),
    (
        "beerflow_operation_duration_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Duration of the critical operations, by operation and outcome.",
    ),
    (
        "beerflow_slow_operations_total",
        Kind::Counter,
        None,
        "Critical operations slower than their threshold, by operation.",
    ),
    (
        "beerflow_order_transitions_total",
        Kind::Counter,
        None,
        "Orders moved from one status to another, by from and to status.",
    ),
    (
        "beerflow_serve_shortfalls_total",
        Kind::Counter,
        None,
        "Serves refused because the stock did not cover the order.",
    ),
    (
        "beerflow_alerts_raised_total",
        Kind::Counter,
        None,
        "Alerts the server raised by itself (venue events), by kind.",
    ),
    ("beerflow_realtime_connections", Kind::Gauge, None, "Open real-time connections of this instance, by transport."),
    (
        "beerflow_realtime_joined_venues",
        Kind::Gauge,
        None,
        "Venues with at least one client joined to their feed on this instance.",
    ),
    ("beerflow_realtime_joined_clients", Kind::Gauge, None, "Clients joined to a venue's feed on this instance."),
    (
        "beerflow_venue_events_total",
        Kind::Counter,
        None,
        "Venue events this instance read from the log and fanned out to its clients.",
    ),
    (
        "beerflow_event_deliveries_total",
        Kind::Counter,
        None,
        "Venue events handed to client sockets, by transport and whether live or replayed.",
    ),
    (
        "beerflow_event_delivery_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "From an event's commit to its hand-off to a client's socket (live events), by transport.",
    ),
    ("beerflow_realtime_cutoffs_total", Kind::Counter, None, "Clients cut off for lagging, by transport and reason."),
    (
        "beerflow_kitchen_open_tickets",
        Kind::Gauge,
        None,
        "Tickets confirmed, preparing or ready in every venue (read from the database: every instance reports the same).",
    ),
    (
        "beerflow_kitchen_late_tickets",
        Kind::Gauge,
        None,
        "Tickets confirmed or preparing past their venue's red threshold, in every venue (from the database).",
    ),
    ("beerflow_db_pool_connections", Kind::Gauge, None, "Database pool connections, by state (in_use, idle)."),
    ("beerflow_db_pool_max_connections", Kind::Gauge, None, "The most connections the database pool opens."),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// This instance's metrics.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// `[operation][failed as usize]`.
    operations: Vec<[(Counter, Histogram); 2]>,
    slow: Vec<Counter>,
    shortfalls: Counter,
    venue_events: Counter,
    /// `[transport]`.
    connections: [Gauge; 2],
    /// `[transport][replayed as usize]`.
    deliveries: [[Counter; 2]; 2],
    delivery_latency: [Histogram; 2],
    pool: [Gauge; 3],
    joined: [Gauge; 2],
    kitchen: [Gauge; 2],
    /// Registered on first use: keyed by label values of closed sets or route templates.
    transitions: Mutex<HashMap<(OrderStatus, OrderStatus), Counter>>,
}

fn labels(pairs: &[(&'static str, &str)]) -> Vec<Label> {
    pairs.iter().map(|(k, v)| Label::new(*k, SharedString::from(v.to_string()))).collect()
}

impl Metrics {
    pub fn new(version: &str) -> Metrics {
        let recorder =
            PrometheusBuilder::new().set_buckets(BUCKETS).expect("the buckets are not empty").build_recorder();
        let handle = recorder.handle();
        for (name, kind, unit, help) in METRICS {
            let name = KeyName::from_const_str(name);
            let help = SharedString::const_str(help);
            match kind {
                Kind::Counter => recorder.describe_counter(name, *unit, help),
                Kind::Gauge => recorder.describe_gauge(name, *unit, help),
                Kind::Histogram => recorder.describe_histogram(name, *unit, help),
            }
        }
        let counter = |name: &'static str, l: &[(&'static str, &str)]| {
            recorder.register_counter(&Key::from_parts(name, labels(l)), &METADATA)
        };
        let gauge = |name: &'static str, l: &[(&'static str, &str)]| {
            recorder.register_gauge(&Key::from_parts(name, labels(l)), &METADATA)
        };
        let histogram = |name: &'static str, l: &[(&'static str, &str)]| {
            recorder.register_histogram(&Key::from_parts(name, labels(l)), &METADATA)
        };
        gauge("beerflow_build_info", &[("version", version)]).set(1.0);
        let operations = Operation::ALL
            .iter()
            .map(|op| {
                ["success", "failure"].map(|outcome| {
                    let l = [("operation", op.name()), ("outcome", outcome)];
                    (counter("beerflow_operations_total", &l), histogram("beerflow_operation_duration_seconds", &l))
                })
            })
            .collect();
        let slow = Operation::ALL
            .iter()
            .map(|op| counter("beerflow_slow_operations_total", &[("operation", op.name())]))
            .collect();
        let transports = [Transport::WebSocket, Transport::SocketIo];
        let metrics = Metrics {
            operations,
            slow,
            shortfalls: counter("beerflow_serve_shortfalls_total", &[]),
            venue_events: counter("beerflow_venue_events_total", &[]),
            connections: transports.map(|t| gauge("beerflow_realtime_connections", &[("transport", t.name())])),
            deliveries: transports.map(|t| {
                ["live", "replay"]
                    .map(|kind| counter("beerflow_event_deliveries_total", &[("transport", t.name()), ("kind", kind)]))
            }),
            delivery_latency: transports
                .map(|t| histogram("beerflow_event_delivery_seconds", &[("transport", t.name())])),
            pool: [
                gauge("beerflow_db_pool_connections", &[("state", "in_use")]),
                gauge("beerflow_db_pool_connections", &[("state", "idle")]),
                gauge("beerflow_db_pool_max_connections", &[]),
            ],
            joined: [gauge("beerflow_realtime_joined_venues", &[]), gauge("beerflow_realtime_joined_clients", &[])],
            kitchen: [gauge("beerflow_kitchen_open_tickets", &[]), gauge("beerflow_kitchen_late_tickets", &[])],
            transitions: Mutex::new(HashMap::new()),
            recorder,
            handle,
        };
        for reason in [CutOff::QueueFull, CutOff::SendTimeout, CutOff::Silent] {
            for t in transports {
                let _ = metrics.cut_off_counter(t, reason);
            }
        }
        // Every move the state machine allows is exported from the start (at 0), so that a rate
        // over it is defined before the first one happens.
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                if crate::domain::order::transition(from, to).is_some() {
                    let mut map = metrics.transitions.lock().unwrap_or_else(|e| e.into_inner());
                    let counter = metrics
                        .counter("beerflow_order_transitions_total", &[("from", from.as_str()), ("to", to.as_str())]);
                    map.insert((from, to), counter);
                }
            }
        }
        for kind in [AlertKind::TicketLate, AlertKind::SlowOperation, AlertKind::StockExpiring, AlertKind::StockExpired]
        {
            let _ = metrics.alert_counter(kind);
        }
        metrics
    }

    fn counter(&self, name: &'static str, l: &[(&'static str, &str)]) -> Counter {
        self.recorder.register_counter(&Key::from_parts(name, labels(l)), &METADATA)
    }

    /// An operation finished.
    pub fn operation(&self, op: Operation, ok: bool, took: Duration) {
        let (count, duration) = &self.operations[op.index()][usize::from(!ok)];
        count.increment(1);
        duration.record(took.as_secs_f64());
    }

    pub fn slow_operation(&self, op: Operation) {
        self.slow[op.index()].increment(1);
    }

    pub fn transition(&self, from: OrderStatus, to: OrderStatus) {
        let mut map = self.transitions.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((from, to))
            .or_insert_with(|| {
                self.counter("beerflow_order_transitions_total", &[("from", from.as_str()), ("to", to.as_str())])
            })
            .increment(1);
    }

    pub fn serve_shortfall(&self) {
        self.shortfalls.increment(1);
    }

    pub fn alert_counter(&self, kind: AlertKind) -> Counter {
        self.counter("beerflow_alerts_raised_total", &[("kind", kind.name())])
    }

    pub fn alert_raised(&self, kind: AlertKind) {
        self.alert_counter(kind).increment(1);
    }

    /// One HTTP request answered. `route` is a route template or one of a few fixed names.
    pub fn http_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "other",
        };
        let l = labels(&[("method", method), ("route", route), ("status", class)]);
        self.recorder
            .register_counter(&Key::from_parts("beerflow_http_requests_total", l.clone()), &METADATA)
            .increment(1);
        self.recorder
            .register_histogram(&Key::from_parts("beerflow_http_request_duration_seconds", l), &METADATA)
            .record(took.as_secs_f64());
    }

    /// A real-time connection opened; it counts until the guard is dropped.
    pub fn connection(&self, transport: Transport) -> ConnectionGuard {
        let gauge = self.connections[transport.index()].clone();
        gauge.increment(1.0);
        ConnectionGuard(gauge)
    }

    /// The counter of venue events fanned out (the hub counts them).
    pub fn venue_events(&self) -> Counter {
        self.venue_events.clone()
    }

    /// A venue event handed to a client's socket; for a live one, how long after its commit.
    pub fn delivered(&self, transport: Transport, since_commit: Option<Duration>) {
        let t = transport.index();
        self.deliveries[t][usize::from(since_commit.is_none())].increment(1);
        if let Some(d) = since_commit {
            self.delivery_latency[t].record(d.as_secs_f64());
        }
    }

    fn cut_off_counter(&self, transport: Transport, reason: CutOff) -> Counter {
        self.counter("beerflow_realtime_cutoffs_total", &[("transport", transport.name()), ("reason", reason.name())])
    }

    pub fn cut_off(&self, transport: Transport, reason: CutOff) {
        self.cut_off_counter(transport, reason).increment(1);
    }

    /// The Prometheus text of every metric, with the scrape-time values of `now`.
    pub fn render(&self, now: Snapshot) -> String {
        self.pool[0].set(f64::from(now.pool_in_use));
        self.pool[1].set(f64::from(now.pool_idle));
        self.pool[2].set(f64::from(now.pool_max));
        self.joined[0].set(now.joined_venues as f64);
        self.joined[1].set(now.joined_clients as f64);
        if let Some((open, late)) = now.kitchen {
            self.kitchen[0].set(open as f64);
            self.kitchen[1].set(late as f64);
        }
        self.handle.render()
    }

    /// Folds the histograms' recent samples into their buckets: run every few seconds, so that
    /// an instance nobody scrapes does not keep every sample.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }
}

/// Counts a real-time connection while it lives.
pub struct ConnectionGuard(Gauge);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// The metrics and the slow-operation thresholds of one instance.
pub struct Observe {
    pub metrics: Metrics,
    thresholds: RwLock<Thresholds>,
}

impl Observe {
    pub fn new(version: &str) -> Observe {
        Observe { metrics: Metrics::new(version), thresholds: RwLock::new(Thresholds::default()) }
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_thresholds(&self, thresholds: Thresholds) {
        *self.thresholds.write().unwrap_or_else(|e| e.into_inner()) = thresholds;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_default_to_the_design_and_take_overrides_by_name() {
        let mut t = Thresholds::default();
        assert_eq!(t.of(Operation::OrderCreation), Duration::from_millis(300));
        assert_eq!(t.of(Operation::TableStatusUpdate), Duration::from_millis(50));
        t.parse_overrides("kds_query=20, order_creation=0").unwrap();
        assert_eq!(t.of(Operation::KdsQuery), Duration::from_millis(20));
        assert_eq!(t.of(Operation::OrderCreation), Duration::ZERO);
        assert_eq!(t.of(Operation::OrderAddItems), Duration::from_millis(200));
        let e = t.parse_overrides("order_cration=5").unwrap_err();
        assert!(e.contains("unknown operation `order_cration`") && e.contains("order_creation"), "{e}");
        assert!(t.parse_overrides("kds_query=fast").unwrap_err().contains("`fast` is not a whole number"));
        assert!(t.parse_overrides("kds_query").unwrap_err().contains("OPERATION=MILLISECONDS"));
    }

    #[test]
    fn the_text_has_real_histograms_and_the_labels_of_closed_sets() {
        let m = Metrics::new("9.9.9");
        m.operation(Operation::OrderCreation, true, Duration::from_micros(700));
        m.operation(Operation::OrderCreation, false, Duration::from_millis(30));
        m.transition(OrderStatus::Confirmed, OrderStatus::Preparing);
        m.http_request("GET", "/api/v1/venues/{venue_id}/orders", 200, Duration::from_millis(2));
        let text = m.render(Snapshot::default());
        assert!(text.contains("beerflow_build_info{version=\"9.9.9\"} 1"), "{text}");
        assert!(
            text.contains("beerflow_operations_total{operation=\"order_creation\",outcome=\"success\"} 1"),
            "{text}"
        );
        assert!(text.contains("# TYPE beerflow_operation_duration_seconds histogram"), "{text}");
        assert!(
            text.contains(
                "beerflow_operation_duration_seconds_bucket{operation=\"order_creation\",outcome=\"success\",le=\"0.001\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "beerflow_operation_duration_seconds_bucket{operation=\"order_creation\",outcome=\"success\",le=\"0.0005\"} 0"
            ),
            "{text}"
        );
        assert!(text.contains("beerflow_order_transitions_total{from=\"confirmed\",to=\"preparing\"} 1"), "{text}");
        assert!(text.contains("route=\"/api/v1/venues/{venue_id}/orders\",status=\"2xx\""), "{text}");
        for (name, ..) in METRICS {
            assert!(text.contains(&format!("# TYPE {name} ")), "{name} is exported:\n{text}");
        }
    }
}
