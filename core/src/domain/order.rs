//! Orders: the state machine, the order as the API shows it, and the requests that change it.

use super::Action;
use super::fefo::Allocation;
use super::quantity::{Money, Qty};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Draft,
    Confirmed,
    Preparing,
    Ready,
    Served,
    Completed,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Draft,
        OrderStatus::Confirmed,
        OrderStatus::Preparing,
        OrderStatus::Ready,
        OrderStatus::Served,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];
    /// The statuses the kitchen display shows.
    pub const KITCHEN: [OrderStatus; 3] = [OrderStatus::Confirmed, OrderStatus::Preparing, OrderStatus::Ready];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Ready => "ready",
            OrderStatus::Served => "served",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Open orders keep their table busy: everything but completed and cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
    }

    /// Items may be added while the kitchen has not finished the order.
    pub fn accepts_items(self) -> bool {
        matches!(self, OrderStatus::Draft | OrderStatus::Confirmed | OrderStatus::Preparing)
    }

    /// Only orders that never reached the kitchen's output (or were cancelled) may be deleted.
    pub fn deletable(self) -> bool {
        matches!(self, OrderStatus::Draft | OrderStatus::Cancelled)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The contract's state machine: the permission a move needs, or `None` when the move is not
/// allowed at all (409). Exhaustive on both statuses, so a new status must be decided here.
pub fn transition(from: OrderStatus, to: OrderStatus) -> Option<Action> {
    use OrderStatus::*;
    match from {
        Draft => match to {
            Confirmed => Some(Action::OrdersTake),
            Cancelled => Some(Action::OrdersCancelUnstarted),
            Draft | Preparing | Ready | Served | Completed => None,
        },
        Confirmed => match to {
            Preparing | Ready => Some(Action::OrdersPrepare),
            Cancelled => Some(Action::OrdersCancelUnstarted),
            Draft | Confirmed | Served | Completed => None,
        },
        Preparing => match to {
            // Confirmed: the recall of a started ticket.
            Ready | Confirmed => Some(Action::OrdersPrepare),
            Cancelled => Some(Action::OrdersCancelStarted),
            Draft | Preparing | Served | Completed => None,
        },
        Ready => match to {
            Served => Some(Action::OrdersTake),
            // Preparing: the recall of a bumped ticket.
            Preparing => Some(Action::OrdersPrepare),
            Cancelled => Some(Action::OrdersCancelStarted),
            Draft | Confirmed | Ready | Completed => None,
        },
        Served => match to {
            Completed => Some(Action::OrdersTake),
            Draft | Confirmed | Preparing | Ready | Served | Cancelled => None,
        },
        Completed | Cancelled => None,
    }
}

/// The price of `quantity` at `unit_price`, rounded half away from zero to the cent.
pub fn line_total(quantity: Qty, unit_price: Money) -> Money {
    let raw = quantity.raw() as i128 * unit_price.raw() as i128;
    let scale = Qty::SCALE as i128;
    let rounded = if raw >= 0 { (raw + scale / 2) / scale } else { (raw - scale / 2) / scale };
    Money::from_raw(rounded as i64)
}

/// What one lot gave to an item when it was served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemAllocation {
    pub lot_id: Uuid,
    pub lot_code: String,
    pub quantity: Qty,
}

impl From<&Allocation> for ItemAllocation {
    fn from(a: &Allocation) -> Self {
        ItemAllocation { lot_id: a.lot_id, lot_code: a.lot_code.clone(), quantity: a.quantity }
    }
}

/// A lot's part of a product's FEFO plan, with what a unit of that lot cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostedAllocation {
    pub allocation: ItemAllocation,
    pub cost_per_unit: Option<Money>,
}

/// What one order line drew when its order was served: the lots, in FEFO order, and their cost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineShare {
    pub allocations: Vec<ItemAllocation>,
    pub cost: Money,
}

/// Hands a product's FEFO plan out to the order's lines of that product (their quantities, in
/// line order): each line takes what it needs from the lots in plan order, spilling over to the
/// next lot. Each lot's share is costed at the lot's cost per unit, else at `product_cost`, else
/// at nothing. The plan is sufficient (it covers the lines' total); a line it does not cover is
/// left short.
pub fn share_among_lines(lines: &[Qty], plan: &[CostedAllocation], product_cost: Option<Money>) -> Vec<LineShare> {
    let mut lots = plan.iter().map(|c| (c, c.allocation.quantity)).peekable();
    lines
        .iter()
        .map(|&quantity| {
            let mut share = LineShare::default();
            let mut need = quantity;
            while need.is_positive() {
                let Some((lot, left)) = lots.peek_mut() else { break };
                let take = (*left).min(need);
                if take.is_positive() {
                    let a = &lot.allocation;
                    share.allocations.push(ItemAllocation {
                        lot_id: a.lot_id,
                        lot_code: a.lot_code.clone(),
                        quantity: take,
                    });
                    share.cost += line_total(take, lot.cost_per_unit.or(product_cost).unwrap_or(Money::ZERO));
                }
                *left -= take;
                need -= take;
                if !left.is_positive() {
                    lots.next();
                }
            }
            share
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub id: Uuid,
    pub product_id: Uuid,
    pub product_name: String,
    pub quantity: Qty,
    pub unit_price: Money,
    pub notes: Option<String>,
    pub modifiers: Option<serde_json::Map<String, serde_json::Value>>,
    /// The kitchen station of the product's category (`kitchen`, `bar`, ...), if it has one.
    pub station: Option<String>,
    pub allocated_lot_id: Option<Uuid>,
    pub allocations: Vec<ItemAllocation>,
    /// Extension: when the line was added (lines added after `confirmed_at` are additions).
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    /// Extension: when the kitchen marked the line done (item-level bump).
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub done_at: Option<DateTime<Utc>>,
    /// Extension: when the line was voided; a voided line stays on the order, out of its total
    /// and of what serving deducts.
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}

impl OrderItem {
    pub fn is_voided(&self) -> bool {
        self.voided_at.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub order_number: String,
    pub table_id: Option<Uuid>,
    pub table_name: Option<String>,
    pub status: OrderStatus,
    pub covers: Option<i32>,
    pub notes: Option<String>,
    pub items: Vec<OrderItem>,
    pub total: Money,
    /// What the served stock cost (from the lots used); `null` until the order is served.
    pub cost_of_goods: Option<Money>,
    pub cancel_reason: Option<String>,
    pub created_by: Uuid,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub updated_at: DateTime<Utc>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub kitchen_started_at: Option<DateTime<Utc>>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub ready_at: Option<DateTime<Utc>>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub served_at: Option<DateTime<Utc>>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub completed_at: Option<DateTime<Utc>>,
    #[cfg_attr(target_arch = "wasm32", serde(default, deserialize_with = "crate::domain::timestamp::optional_utc"))]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// One ticket of `GET .../orders/kitchen-display`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KitchenOrder {
    #[serde(flatten)]
    pub order: Order,
    /// Seconds since the order reached the kitchen (confirmed).
    pub elapsed_seconds: i64,
}

/// One line of a new order or of `POST .../items`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    pub product_id: Uuid,
    pub quantity: Qty,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub modifiers: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /venues/{v}/orders`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    #[serde(default)]
    pub table_id: Option<Uuid>,
    #[serde(default)]
    pub covers: Option<i32>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, deserialize_with = "super::wire::objects")]
    pub items: Vec<NewItem>,
}

/// `POST /venues/{v}/orders/{id}/items`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddItems {
    #[serde(deserialize_with = "super::wire::objects")]
    pub items: Vec<NewItem>,
}

/// `PATCH /venues/{v}/orders/{id}/status`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    pub status: OrderStatus,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `PATCH /venues/{v}/orders/{id}` (extension): move the order to another table (or to
/// takeaway with `null`), set its covers or its notes.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderPatch {
    #[serde(default, deserialize_with = "super::inventory::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub table_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "super::inventory::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub covers: Option<Option<i32>>,
    #[serde(default, deserialize_with = "super::inventory::double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Option<Option<String>>,
}

/// `PATCH /venues/{v}/orders/{id}/items/{item_id}` (extension): the kitchen marks a line done
/// (or not done again).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemDone {
    pub done: bool,
}

/// `POST /venues/{v}/orders/{id}/items/{item_id}/void` (extension).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    pub reason: String,
}

/// Who may void a line of an order in `status` (as who may cancel it), or `None` when its
/// lines can no longer be voided (served, completed, cancelled).
pub fn void_action(status: OrderStatus) -> Option<Action> {
    match status {
        OrderStatus::Draft | OrderStatus::Confirmed => Some(Action::OrdersCancelUnstarted),
        OrderStatus::Preparing | OrderStatus::Ready => Some(Action::OrdersCancelStarted),
        OrderStatus::Served | OrderStatus::Completed | OrderStatus::Cancelled => None,
    }
}

/// Where an order's status goes when the kitchen's marks on its lines change: to `ready` when
/// every line still on it is done, to `preparing` when some are done (or a ready order has a
/// line that is not done any more); `None` leaves it.
pub fn status_after_line_marks(status: OrderStatus, items: &[OrderItem]) -> Option<OrderStatus> {
    let live: Vec<&OrderItem> = items.iter().filter(|i| !i.is_voided()).collect();
    let done = live.iter().filter(|i| i.done_at.is_some()).count();
    let all = !live.is_empty() && done == live.len();
    match status {
        OrderStatus::Confirmed if all => Some(OrderStatus::Ready),
        OrderStatus::Confirmed if done > 0 => Some(OrderStatus::Preparing),
        OrderStatus::Preparing if all => Some(OrderStatus::Ready),
        OrderStatus::Ready if !all => Some(OrderStatus::Preparing),
        _ => None,
    }
}

/// The order's total: its lines that are not voided.
pub fn order_total(items: &[OrderItem]) -> Money {
    items.iter().filter(|i| !i.is_voided()).fold(Money::ZERO, |sum, i| sum + line_total(i.quantity, i.unit_price))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, allowed};
    use OrderStatus::*;

    /// The contract's table of allowed moves, transcribed.
    const MOVES: [(OrderStatus, OrderStatus); 12] = [
        (Draft, Confirmed),
        (Draft, Cancelled),
        (Confirmed, Preparing),
        (Confirmed, Ready),
        (Confirmed, Cancelled),
        (Preparing, Ready),
        (Preparing, Cancelled),
        (Preparing, Confirmed),
        (Ready, Served),
        (Ready, Cancelled),
        (Ready, Preparing),
        (Served, Completed),
    ];

    /// Who may make each move, from the contract's role table: (admin, manager, waiter, kitchen).
    fn roles_for(from: OrderStatus, to: OrderStatus) -> [bool; 4] {
        match (from, to) {
            (_, Preparing) | (_, Ready) | (Preparing, Confirmed) => [true, true, false, true],
            (Preparing | Ready, Cancelled) => [true, true, false, false],
            _ => [true, true, true, false],
        }
    }

    #[test]
    fn every_from_to_role_triple_follows_the_contract() {
        let mut checked = 0;
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let legal = MOVES.contains(&(from, to));
                let action = transition(from, to);
                assert_eq!(action.is_some(), legal, "{from} -> {to}");
                for (role, want) in Role::ALL.into_iter().zip(roles_for(from, to)) {
                    let may = action.is_some_and(|a| allowed(role, a));
                    assert_eq!(may, legal && want, "{from} -> {to} as {role}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 7 * 4);
    }

    fn costed(id: u128, qty: i64, cost: Option<i64>) -> CostedAllocation {
        CostedAllocation {
            allocation: ItemAllocation {
                lot_id: Uuid::from_u128(id),
                lot_code: format!("L{id}"),
                quantity: Qty::from_raw(qty),
            },
            cost_per_unit: cost.map(Money::from_raw),
        }
    }

    #[test]
    fn lines_take_their_lots_in_plan_order_and_are_costed_per_lot() {
        // Two lines of 3 and 4 portions over lots of 5 (at 1.00) and 5 (no cost: the product's 2.00).
        let plan = [costed(1, 5000, Some(100)), costed(2, 5000, None)];
        let shares = share_among_lines(&[Qty::whole(3), Qty::whole(4)], &plan, Some(Money::from_raw(200)));
        let lots =
            |s: &LineShare| s.allocations.iter().map(|a| (a.lot_id.as_u128(), a.quantity.raw())).collect::<Vec<_>>();
        assert_eq!(lots(&shares[0]), [(1, 3000)]);
        assert_eq!(shares[0].cost, Money::from_raw(300));
        assert_eq!(lots(&shares[1]), [(1, 2000), (2, 2000)]);
        assert_eq!(shares[1].cost, Money::from_raw(200 + 400));
        // Without any cost the line costs nothing.
        let free = share_among_lines(&[Qty::whole(1)], &[costed(3, 1000, None)], None);
        assert_eq!(free[0].cost, Money::ZERO);
    }

    proptest::proptest! {
        #[test]
        fn shares_add_up_to_the_lines_and_to_the_plan(
            lines in proptest::collection::vec(1i64..20_000, 1..8),
            cuts in proptest::collection::vec(1i64..30_000, 0..10),
            costs in proptest::collection::vec(proptest::option::of(0i64..5_000), 10),
            product_cost in proptest::option::of(0i64..5_000),
        ) {
            // A sufficient plan: lots whose sizes add up to the lines' total.
            let total: i64 = lines.iter().sum();
            let mut sizes = Vec::new();
            let mut left = total;
            for c in cuts {
                if left == 0 { break }
                let take = c.min(left);
                sizes.push(take);
                left -= take;
            }
            if left > 0 { sizes.push(left) }
            let plan: Vec<CostedAllocation> =
                sizes.iter().enumerate().map(|(i, q)| costed(i as u128 + 1, *q, costs[i % costs.len()])).collect();
            let quantities: Vec<Qty> = lines.iter().map(|q| Qty::from_raw(*q)).collect();
            let shares = share_among_lines(&quantities, &plan, product_cost.map(Money::from_raw));
            proptest::prop_assert_eq!(shares.len(), lines.len());
            for (share, want) in shares.iter().zip(&lines) {
                let got: i64 = share.allocations.iter().map(|a| a.quantity.raw()).sum();
                proptest::prop_assert_eq!(got, *want, "a line gets exactly its quantity");
                let fallback = product_cost.map(Money::from_raw);
                let cost: i64 = share.allocations.iter().map(|a| {
                    let lot = plan.iter().find(|c| c.allocation.lot_id == a.lot_id).unwrap();
                    line_total(a.quantity, lot.cost_per_unit.or(fallback).unwrap_or(Money::ZERO)).raw()
                }).sum();
                proptest::prop_assert_eq!(share.cost.raw(), cost, "costed lot by lot");
            }
            // Read in line order, the shares walk the plan's lots in order and use each fully.
            let mut walked: Vec<(u128, i64)> = Vec::new();
            for a in shares.iter().flat_map(|s| &s.allocations) {
                match walked.last_mut() {
                    Some((id, q)) if *id == a.lot_id.as_u128() => *q += a.quantity.raw(),
                    _ => walked.push((a.lot_id.as_u128(), a.quantity.raw())),
                }
            }
            let planned: Vec<(u128, i64)> =
                plan.iter().map(|c| (c.allocation.lot_id.as_u128(), c.allocation.quantity.raw())).collect();
            proptest::prop_assert_eq!(walked, planned);
        }
    }

    #[test]
    fn line_totals_round_to_the_cent() {
        assert_eq!(line_total(Qty::whole(3), Money::from_raw(450)), Money::from_raw(1350));
        assert_eq!(line_total(Qty::from_raw(333), Money::from_raw(100)), Money::from_raw(33));
        assert_eq!(line_total(Qty::from_raw(335), Money::from_raw(1)), Money::from_raw(0));
        assert_eq!(line_total(Qty::from_raw(1500), Money::from_raw(1)), Money::from_raw(2));
    }
}
