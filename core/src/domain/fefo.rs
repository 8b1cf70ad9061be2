//! FEFO (first-expired-first-out) allocation planning: which lots a quantity is taken from.
//! One pure function, used for the preview endpoint and for serving.

use super::quantity::Qty;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use uuid::Uuid;

/// What the planner needs to know of a lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotStock {
    pub lot_id: Uuid,
    pub lot_code: String,
    pub qty_current: Qty,
    pub expiry_date: Option<NaiveDate>,
    pub received_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl LotStock {
    /// Expired when its expiry date is before the venue's local `today`.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expiry_date.is_some_and(|d| d < today)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allocation {
    pub lot_id: Uuid,
    pub lot_code: String,
    pub quantity: Qty,
    pub expiry_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FefoPlan {
    /// In the order the lots are used; covers the request when `sufficient`.
    pub allocations: Vec<Allocation>,
    /// Usable stock: unexpired lots with something left.
    pub available: Qty,
    pub sufficient: bool,
}

/// The contract's order: expiry ascending with no-expiry lots last, then receipt, creation, id.
pub fn fefo_order(a: &LotStock, b: &LotStock) -> Ordering {
    let expiry = match (a.expiry_date, b.expiry_date) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    expiry.then(a.received_at.cmp(&b.received_at)).then(a.created_at.cmp(&b.created_at)).then(a.lot_id.cmp(&b.lot_id))
}

/// Plans taking `quantity` from `lots` by FEFO, never from an expired or empty lot and never
/// more than a lot holds. When stock is short, the plan takes what there is and says so.
pub fn plan_fefo(lots: &[LotStock], quantity: Qty, today: NaiveDate) -> FefoPlan {
    let mut usable: Vec<&LotStock> =
        lots.iter().filter(|l| l.qty_current.is_positive() && !l.is_expired(today)).collect();
    usable.sort_by(|a, b| fefo_order(a, b));
    let available: Qty = usable.iter().map(|l| l.qty_current).sum();
    let mut remaining = quantity;
    let mut allocations = Vec::new();
    for lot in usable {
        if !remaining.is_positive() {
            break;
        }
        let take = lot.qty_current.min(remaining);
        allocations.push(Allocation {
            lot_id: lot.lot_id,
            lot_code: lot.lot_code.clone(),
            quantity: take,
            expiry_date: lot.expiry_date,
        });
        remaining -= take;
    }
    FefoPlan { allocations, available, sufficient: !remaining.is_positive() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap() + chrono::Duration::days(n)
    }

    fn lot(id: u128, qty: i64, expiry: Option<i64>, received: i64) -> LotStock {
        let t = DateTime::from_timestamp(1_700_000_000 + received, 0).unwrap();
        LotStock {
            lot_id: Uuid::from_u128(id),
            lot_code: format!("L{id}"),
            qty_current: Qty::from_raw(qty),
            expiry_date: expiry.map(day),
            received_at: t,
            created_at: t,
        }
    }

    #[test]
    fn earliest_expiry_first_expired_never_no_expiry_last() {
        let lots = [
            lot(1, 5000, None, 0),
            lot(2, 5000, Some(-1), 0), // expired yesterday
            lot(3, 2000, Some(3), 0),
            lot(4, 2000, Some(0), 0), // expires today: still good
        ];
        let plan = plan_fefo(&lots, Qty::from_raw(5000), day(0));
        let used: Vec<(u128, i64)> = plan.allocations.iter().map(|a| (a.lot_id.as_u128(), a.quantity.raw())).collect();
        assert_eq!(used, [(4, 2000), (3, 2000), (1, 1000)]);
        assert!(plan.sufficient);
        assert_eq!(plan.available.raw(), 9000);
    }

    #[test]
    fn ties_break_on_receipt_then_creation_then_id() {
        let mut a = lot(9, 1000, Some(2), 10);
        let b = lot(5, 1000, Some(2), 20);
        let plan = plan_fefo(&[b.clone(), a.clone()], Qty::from_raw(1000), day(0));
        assert_eq!(plan.allocations[0].lot_id, a.lot_id);
        a.received_at = b.received_at;
        a.created_at = b.created_at + chrono::Duration::seconds(1);
        let plan = plan_fefo(&[a.clone(), b.clone()], Qty::from_raw(1000), day(0));
        assert_eq!(plan.allocations[0].lot_id, b.lot_id);
        a.created_at = b.created_at;
        let plan = plan_fefo(&[a.clone(), b.clone()], Qty::from_raw(1000), day(0));
        assert_eq!(plan.allocations[0].lot_id, b.lot_id, "lower id wins the last tie");
    }

    #[test]
    fn shortfall_takes_everything_usable_and_says_insufficient() {
        let plan = plan_fefo(&[lot(1, 1500, Some(1), 0), lot(2, 700, Some(-3), 0)], Qty::from_raw(2000), day(0));
        assert!(!plan.sufficient);
        assert_eq!(plan.available.raw(), 1500);
        assert_eq!(plan.allocations.iter().map(|a| a.quantity).sum::<Qty>().raw(), 1500);
    }

    fn arb_lots() -> impl Strategy<Value = Vec<LotStock>> {
        prop::collection::vec((0i64..50_000, prop::option::of(-5i64..30), 0i64..1000), 0..40)
            .prop_map(|specs| specs.into_iter().enumerate().map(|(i, (q, e, r))| lot(i as u128 + 1, q, e, r)).collect())
    }

    proptest! {
        #[test]
        fn allocations_obey_every_fefo_rule(lots in arb_lots(), want in 1i64..400_000) {
            let today = day(0);
            let plan = plan_fefo(&lots, Qty::from_raw(want), today);
            let total: i64 = plan.allocations.iter().map(|a| a.quantity.raw()).sum();
            let usable: i64 = lots.iter().filter(|l| !l.is_expired(today)).map(|l| l.qty_current.raw()).sum();
            prop_assert_eq!(plan.available.raw(), usable);
            prop_assert_eq!(plan.sufficient, usable >= want);
            // Sums to the request when there is enough, else to everything usable.
            prop_assert_eq!(total, want.min(usable));
            let mut seen = std::collections::HashSet::new();
            for a in &plan.allocations {
                let l = lots.iter().find(|l| l.lot_id == a.lot_id).unwrap();
                prop_assert!(seen.insert(a.lot_id), "a lot is used once");
                prop_assert!(a.quantity.is_positive());
                prop_assert!(a.quantity <= l.qty_current, "never more than the lot holds");
                prop_assert!(!l.is_expired(today), "never an expired lot");
            }
            // Earliest expiry first: every lot used comes before every usable lot left untouched,
            // and every lot but the last is emptied.
            for w in plan.allocations.windows(2) {
                let a = lots.iter().find(|l| l.lot_id == w[0].lot_id).unwrap();
                let b = lots.iter().find(|l| l.lot_id == w[1].lot_id).unwrap();
                prop_assert_eq!(fefo_order(a, b), Ordering::Less);
                prop_assert_eq!(w[0].quantity, a.qty_current, "spill over only from an emptied lot");
            }
            if let Some(last) = plan.allocations.last() {
                let last = lots.iter().find(|l| l.lot_id == last.lot_id).unwrap();
                let untouched =
                    |l: &&LotStock| l.qty_current.is_positive() && !l.is_expired(today) && !seen.contains(&l.lot_id);
                for l in lots.iter().filter(untouched) {
                    prop_assert_eq!(fefo_order(last, l), Ordering::Less, "an earlier lot was skipped");
                }
            }
        }
    }
}
