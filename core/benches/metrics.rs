//! What recording the metrics costs (issue 17): one HTTP request counted and timed by route (two
//! registry look-ups), one critical operation counted and timed (pre-registered handles), one
//! order transition, one event delivery; and rendering the whole text for a scrape.
//!   cargo bench -p beerflow-core --features ssr --bench metrics

use beerflow_core::domain::order::OrderStatus;
use beerflow_core::observe::{Metrics, Operation, Snapshot, Transport};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let m = Metrics::new("bench");
    // Histogram samples wait in a queue until the upkeep (every 5 s in the server) folds them
    // into their buckets; here it runs every 10,000 iterations, its cost spread over them.
    let n = std::cell::Cell::new(0u32);
    let upkeep = || {
        n.set(n.get() + 1);
        if n.get().is_multiple_of(10_000) {
            m.upkeep();
        }
    };
    let route = "/api/v1/venues/{venue_id}/orders/{id}/status";
    c.bench_function("http_request (counter + histogram by method, route, status)", |b| {
        b.iter(|| {
            m.http_request(black_box("PATCH"), black_box(route), black_box(200), Duration::from_micros(700));
            upkeep()
        })
    });
    c.bench_function("operation (counter + histogram, pre-registered)", |b| {
        b.iter(|| {
            m.operation(black_box(Operation::OrderStatusUpdate), black_box(true), Duration::from_micros(400));
            upkeep()
        })
    });
    c.bench_function("transition (counter by from, to)", |b| {
        b.iter(|| m.transition(black_box(OrderStatus::Ready), black_box(OrderStatus::Served)))
    });
    c.bench_function("event delivered (counter + latency histogram)", |b| {
        b.iter(|| {
            m.delivered(black_box(Transport::WebSocket), Some(Duration::from_micros(900)));
            upkeep()
        })
    });
    // A flow of the load benchmark: 7 requests, 6 timed operations, 5 transitions, 7 events to one client.
    c.bench_function("one order flow's recording", |b| {
        b.iter(|| {
            for _ in 0..7 {
                m.http_request("PATCH", route, 200, Duration::from_micros(700));
                m.delivered(Transport::WebSocket, Some(Duration::from_micros(900)));
            }
            for _ in 0..6 {
                m.operation(Operation::OrderStatusUpdate, true, Duration::from_micros(400));
            }
            for _ in 0..5 {
                m.transition(OrderStatus::Ready, OrderStatus::Served);
            }
            upkeep()
        })
    });
    c.bench_function("render (a scrape)", |b| b.iter(|| black_box(m.render(Snapshot::default()).len())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
