//! The stock summary: what is on hand, what expires soon, what has expired, what is below its
//! minimum. A pure function over a snapshot of products and lots.

use super::inventory::Unit;
use super::quantity::Qty;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A stock-tracked, active product as the summary needs it.
#[derive(Clone, Debug)]
pub struct ProductStockInfo {
    pub product_id: Uuid,
    pub name: String,
    pub unit: Unit,
    pub min_stock: Option<Qty>,
}

/// A lot with stock left.
#[derive(Clone, Debug)]
pub struct LotStockInfo {
    pub lot_id: Uuid,
    pub lot_code: String,
    pub product_id: Uuid,
    pub qty_current: Qty,
    pub expiry_date: Option<NaiveDate>,
    pub storage_location: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductSummary {
    pub product_id: Uuid,
    pub name: String,
    pub unit: Unit,
    /// Usable stock: lots not expired.
    pub qty_on_hand: Qty,
    /// Usable lots with stock left.
    pub lot_count: u32,
    pub next_expiry: Option<NaiveDate>,
    /// Usable stock expiring within the window (today included).
    pub expiring_soon_qty: Qty,
    /// Stock in expired lots, never served: to be recorded as waste.
    pub expired_qty: Qty,
    pub min_stock: Option<Qty>,
    pub below_min: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryLot {
    pub lot_id: Uuid,
    pub lot_code: String,
    pub product_id: Uuid,
    pub product_name: String,
    pub qty_current: Qty,
    pub unit: Unit,
    pub expiry_date: Option<NaiveDate>,
    pub storage_location: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockSummary {
    pub status: String,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub generated_at: DateTime<Utc>,
    pub today: NaiveDate,
    pub expiring_within_days: u32,
    pub products: Vec<ProductSummary>,
    pub expiring_lots: Vec<SummaryLot>,
    pub expired_lots: Vec<SummaryLot>,
}

/// A product an order could not be served of: what its lines asked for and the usable stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub product_id: Uuid,
    pub product_name: String,
    pub requested: Qty,
    pub available: Qty,
    pub unit: Unit,
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = self.unit.as_str();
        write!(f, "`{}` requested {} {unit}, available {} {unit}", self.product_name, self.requested, self.available)
    }
}

/// What a stock-tracked product can still be promised: usable stock (lots not expired on the
/// venue's date) minus what open kitchen orders (confirmed, preparing, ready: not yet served)
/// will draw at serve. `available` is negative when more was promised than there is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    pub product_id: Uuid,
    pub name: String,
    pub unit: Unit,
    pub usable: Qty,
    pub promised: Qty,
    pub available: Qty,
}

/// Available to promise, per stock-tracked product (the products' order).
pub fn available_to_promise(
    products: &[ProductStockInfo],
    lots: &[LotStockInfo],
    open_lines: &[(Uuid, Qty)],
    today: NaiveDate,
) -> Vec<Promise> {
    let mut usable: HashMap<Uuid, Qty> = HashMap::new();
    for l in lots.iter().filter(|l| l.expiry_date.is_none_or(|d| d >= today)) {
        *usable.entry(l.product_id).or_default() += l.qty_current;
    }
    let mut promised: HashMap<Uuid, Qty> = HashMap::new();
    for (product, qty) in open_lines {
        *promised.entry(*product).or_default() += *qty;
    }
    products
        .iter()
        .map(|p| {
            let usable = usable.get(&p.product_id).copied().unwrap_or_default();
            let promised = promised.get(&p.product_id).copied().unwrap_or_default();
            Promise {
                product_id: p.product_id,
                name: p.name.clone(),
                unit: p.unit,
                usable,
                promised,
                available: usable - promised,
            }
        })
        .collect()
}

/// Below its minimum: less on hand than the product's `min_stock` (never without one).
pub fn is_below_minimum(on_hand: Qty, min_stock: Option<Qty>) -> bool {
    min_stock.is_some_and(|min| on_hand < min)
}

/// The low-stock alert of a serve: `Some(what is left)` when taking `taken` from `on_hand` takes
/// the product from at or above its minimum to below it; `None` when it was already below, stays
/// above, or has no minimum, so each fall below the minimum raises one alert.
pub fn low_stock_after(on_hand: Qty, taken: Qty, min_stock: Option<Qty>) -> Option<Qty> {
    let after = on_hand - taken;
    (!is_below_minimum(on_hand, min_stock) && is_below_minimum(after, min_stock)).then_some(after)
}

/// Summarises `lots` per product as of the venue's local `today`; "expiring soon" means an
/// expiry date from today to `today + days`.
pub fn summarize(
    products: &[ProductStockInfo],
    lots: &[LotStockInfo],
    today: NaiveDate,
    days: u32,
    generated_at: DateTime<Utc>,
) -> StockSummary {
    let horizon = today + chrono::Duration::days(i64::from(days));
    let mut per_product: HashMap<Uuid, ProductSummary> = products
        .iter()
        .map(|p| {
            let summary = ProductSummary {
                product_id: p.product_id,
                name: p.name.clone(),
                unit: p.unit,
                qty_on_hand: Qty::ZERO,
                lot_count: 0,
                next_expiry: None,
                expiring_soon_qty: Qty::ZERO,
                expired_qty: Qty::ZERO,
                min_stock: p.min_stock,
                below_min: false,
            };
            (p.product_id, summary)
        })
        .collect();
    let mut expiring_lots = Vec::new();
    let mut expired_lots = Vec::new();
    for lot in lots.iter().filter(|l| l.qty_current.is_positive()) {
        let Some(summary) = per_product.get_mut(&lot.product_id) else { continue };
        let as_summary_lot = || SummaryLot {
            lot_id: lot.lot_id,
            lot_code: lot.lot_code.clone(),
            product_id: lot.product_id,
            product_name: summary.name.clone(),
            qty_current: lot.qty_current,
            unit: summary.unit,
            expiry_date: lot.expiry_date,
            storage_location: lot.storage_location.clone(),
        };
        match lot.expiry_date {
            Some(d) if d < today => {
                expired_lots.push(as_summary_lot());
                summary.expired_qty += lot.qty_current;
            }
            expiry => {
                if expiry.is_some_and(|d| d <= horizon) {
                    expiring_lots.push(as_summary_lot());
                    summary.expiring_soon_qty += lot.qty_current;
                }
                summary.qty_on_hand += lot.qty_current;
                summary.lot_count += 1;
                summary.next_expiry = match (summary.next_expiry, expiry) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
    }
    let mut products: Vec<ProductSummary> = per_product
        .into_values()
        .map(|mut s| {
            s.below_min = is_below_minimum(s.qty_on_hand, s.min_stock);
            s
        })
        .collect();
    products.sort_by(|a, b| a.name.cmp(&b.name).then(a.product_id.cmp(&b.product_id)));
    let by_expiry =
        |a: &SummaryLot, b: &SummaryLot| a.expiry_date.cmp(&b.expiry_date).then(a.lot_code.cmp(&b.lot_code));
    expiring_lots.sort_by(by_expiry);
    expired_lots.sort_by(by_expiry);
    StockSummary {
        status: "ok".into(),
        generated_at,
        today,
        expiring_within_days: days,
        products,
        expiring_lots,
        expired_lots,
    }
}

#[cfg(test)]
mod promise_tests {
    use super::*;

    #[test]
    fn open_orders_and_expired_lots_reduce_what_can_be_promised() {
        let salad = Uuid::from_u128(1);
        let beer = Uuid::from_u128(2);
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let product =
            |id, name: &str| ProductStockInfo { product_id: id, name: name.into(), unit: Unit::Pz, min_stock: None };
        let lot = |id: u128, product, qty, expiry: Option<NaiveDate>| LotStockInfo {
            lot_id: Uuid::from_u128(id),
            lot_code: format!("L{id}"),
            product_id: product,
            qty_current: Qty::whole(qty),
            expiry_date: expiry,
            storage_location: None,
        };
        let lots = [
            lot(10, salad, 8, Some(today)),
            lot(11, salad, 4, None),
            lot(12, salad, 5, today.pred_opt()),
            lot(13, beer, 3, None),
        ];
        let open = [(salad, Qty::whole(10)), (salad, Qty::whole(1)), (beer, Qty::whole(5))];
        let got = available_to_promise(&[product(salad, "Caesar salad"), product(beer, "Lager")], &lots, &open, today);
        // 8 + 4 usable (the lot that expired yesterday is not), 11 promised.
        assert_eq!((got[0].usable, got[0].promised, got[0].available), (Qty::whole(12), Qty::whole(11), Qty::whole(1)));
        // Oversold: negative.
        assert_eq!(got[1].available, Qty::whole(-2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_serve_alerts_once_when_stock_falls_below_the_minimum() {
        let q = Qty::whole;
        assert_eq!(low_stock_after(q(10), q(1), Some(q(10))), Some(q(9)), "from exactly the minimum");
        assert_eq!(low_stock_after(q(12), q(3), Some(q(10))), Some(q(9)));
        assert_eq!(low_stock_after(q(12), q(2), Some(q(10))), None, "still at the minimum");
        assert_eq!(low_stock_after(q(9), q(1), Some(q(10))), None, "already below: no second alert");
        assert_eq!(low_stock_after(q(5), q(5), None), None, "no minimum, no alert");
        assert!(is_below_minimum(q(0), Some(q(1))));
        assert!(!is_below_minimum(q(0), None));
    }

    proptest! {
        #[test]
        fn the_low_stock_alert_fires_exactly_on_crossing(on_hand in 0i64..100_000, taken in 0i64..100_000,
                                                           min in prop::option::of(0i64..100_000)) {
            let alert = low_stock_after(Qty::from_raw(on_hand), Qty::from_raw(taken), min.map(Qty::from_raw));
            let crosses = min.is_some_and(|m| on_hand >= m && on_hand - taken < m);
            prop_assert_eq!(alert.is_some(), crosses);
            if let Some(left) = alert {
                prop_assert_eq!(left.raw(), on_hand - taken);
            }
        }
    }

    #[test]
    fn on_hand_expiring_expired_and_below_min_per_product() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let d = |n: i64| Some(today + chrono::Duration::days(n));
        let (burger, beer) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let products = [
            ProductStockInfo {
                product_id: burger,
                name: "Burger".into(),
                unit: Unit::Pz,
                min_stock: Some(Qty::whole(10)),
            },
            ProductStockInfo { product_id: beer, name: "Lager".into(), unit: Unit::L, min_stock: Some(Qty::whole(5)) },
        ];
        let lot = |n: u128, product_id, units, expiry_date| LotStockInfo {
            lot_id: Uuid::from_u128(100 + n),
            lot_code: format!("L{n}"),
            product_id,
            qty_current: Qty::whole(units),
            expiry_date,
            storage_location: None,
        };
        let lots = [
            lot(1, burger, 4, d(-1)),
            lot(2, burger, 3, d(0)),
            lot(3, burger, 2, d(3)),
            lot(4, burger, 9, d(4)),
            lot(5, beer, 30, None),
            lot(6, beer, 0, d(-5)),
        ];
        let s = summarize(&products, &lots, today, 3, Utc::now());
        let b = &s.products[0];
        assert_eq!((b.name.as_str(), b.qty_on_hand, b.lot_count), ("Burger", Qty::whole(14), 3));
        assert_eq!((b.expiring_soon_qty, b.expired_qty, b.next_expiry), (Qty::whole(5), Qty::whole(4), d(0)));
        assert!(!b.below_min);
        let l = &s.products[1];
        assert_eq!((l.qty_on_hand, l.lot_count, l.next_expiry, l.expired_qty), (Qty::whole(30), 1, None, Qty::ZERO));
        assert_eq!(s.expiring_lots.iter().map(|l| l.lot_code.as_str()).collect::<Vec<_>>(), ["L2", "L3"]);
        assert_eq!(s.expired_lots.iter().map(|l| l.lot_code.as_str()).collect::<Vec<_>>(), ["L1"]);

        let tight = summarize(&products, &lots[..3], today, 3, Utc::now());
        assert!(tight.products[0].below_min, "5 usable < min 10");
    }
}
