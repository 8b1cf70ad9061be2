//! FEFO planning over 10,000 lots of one product: the planner sorts and walks every usable lot.

use beerflow_core::domain::{LotStock, Qty, plan_fefo};
use chrono::{DateTime, NaiveDate};
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use uuid::Uuid;

fn lots(n: usize) -> Vec<LotStock> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    (0..n)
        .map(|i| {
            // A spread of expiries (some past, some none), receipts out of order.
            let expiry = match i % 10 {
                0 => None,
                k => Some(today + chrono::Duration::days((i as i64 * 7919) % 400 - 20 + k as i64)),
            };
            let t = DateTime::from_timestamp(1_700_000_000 + ((i as i64 * 104_729) % 1_000_000), 0).unwrap();
            LotStock {
                lot_id: Uuid::from_u128(i as u128 + 1),
                lot_code: format!("LOT-{i:05}"),
                qty_current: Qty::from_raw(1_000 + (i as i64 % 7) * 250),
                expiry_date: expiry,
                received_at: t,
                created_at: t,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let lots = lots(10_000);
    c.bench_function("fefo_plan_10k_lots_small_request", |b| {
        b.iter(|| plan_fefo(black_box(&lots), Qty::whole(3), today))
    });
    c.bench_function("fefo_plan_10k_lots_take_half", |b| {
        b.iter(|| plan_fefo(black_box(&lots), Qty::whole(8_000), today))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
