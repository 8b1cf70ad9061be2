//! The stock summary of a venue with 1,000 products of 10 lots each, through the real store on
//! SQLite (a temp file) and, when PostgreSQL answers on 127.0.0.1:5432, on PostgreSQL too.

use beerflow_core::domain::inventory::{NewLot, NewProduct, Unit};
use beerflow_core::domain::{Money, Qty, Role, User};
use beerflow_core::services::{Services, SharedServices};
use criterion::{Criterion, criterion_group, criterion_main};
use uuid::Uuid;

const PRODUCTS: usize = 1_000;
const LOTS_PER_PRODUCT: usize = 10;

async fn populated(url: &str) -> (SharedServices, User) {
    let store = beerflow_core::store::connect(url).await.expect("store");
    let services = Services::new(store, Some("bench".into())).await.expect("services");
    let venue = services.add_venue("Bench Bistro", "Europe/Rome").await.expect("venue");
    let admin =
        services.add_user(venue.id, "bench@bistro.test", "Bench", Role::Admin, "long-enough").await.expect("user");
    let today = services.venue_today(venue.id).await.expect("today");
    for p in 0..PRODUCTS {
        let req = NewProduct {
            name: format!("Dish {p:04}"),
            unit: Unit::Pz,
            price: Money::whole(10),
            sku: Some(format!("SKU-{p:04}")),
            cost: None,
            category_id: None,
            supplier_id: None,
            track_stock: Some(true),
            min_stock: Some(Qty::whole(40)),
            attributes: None,
        };
        let product = services.create_product(&admin, venue.id, req).await.expect("product");
        for l in 0..LOTS_PER_PRODUCT {
            let offset = (p * 7 + l * 13) as i64 % 40 - 5;
            let lot = NewLot {
                product_id: product.id,
                lot_code: format!("L{p:04}-{l:02}"),
                qty_init: Qty::whole(1 + (l as i64 % 9)),
                unit: Unit::Pz,
                cost_per_unit: Some(Money::from_raw(250)),
                expiry_date: (l % 5 != 0).then(|| today + chrono::Duration::days(offset)),
                storage_location: None,
                supplier_id: None,
                received_at: None,
                notes: None,
            };
            services.receive_lot(&admin, venue.id, lot).await.expect("lot");
        }
    }
    (services, admin)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = std::env::temp_dir().join(format!("beerflow-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut backends = vec![("sqlite", format!("sqlite://{}", dir.join("bench.db").display()), None)];
    let pg_name = format!("beerflow_bench_{}", Uuid::new_v4().simple());
    let pg_admin = "postgres://postgres@127.0.0.1:5432/postgres";
    let pg_ready = rt.block_on(async {
        use sqlx::{Connection, Executor};
        let Ok(mut conn) = sqlx::PgConnection::connect(pg_admin).await else { return false };
        conn.execute(format!("CREATE DATABASE {pg_name}").as_str()).await.is_ok()
    });
    if pg_ready {
        backends.push(("postgres", format!("postgres://postgres@127.0.0.1:5432/{pg_name}"), Some(pg_name.clone())));
    }
    for (name, url, _) in &backends {
        let (services, admin) = rt.block_on(populated(url));
        c.bench_function(&format!("stock_summary_1000_products_10_lots_{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                let s = services.stock_summary(&admin, admin.venue_id, None).await.expect("summary");
                assert_eq!(s.products.len(), PRODUCTS);
            })
        });
    }
    for (_, _, pg) in backends {
        if let Some(db) = pg {
            rt.block_on(async {
                use sqlx::{Connection, Executor};
                if let Ok(mut conn) = sqlx::PgConnection::connect(pg_admin).await {
                    let _ = conn.execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str()).await;
                }
            });
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
