//! Orders: the state machine, the order as the API shows it, and the requests that change it.

use super::Action;
use super::fefo::Allocation;
use super::quantity::{Money, Qty};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
            Ready => Some(Action::OrdersPrepare),
            Cancelled => Some(Action::OrdersCancelStarted),
            Draft | Confirmed | Preparing | Served | Completed => None,
        },
        Ready => match to {
            Served => Some(Action::OrdersTake),
            Cancelled => Some(Action::OrdersCancelStarted),
            Draft | Confirmed | Preparing | Ready | Completed => None,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub kitchen_started_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub served_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// One ticket of `GET .../orders/kitchen-display`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KitchenOrder {
    #[serde(flatten)]
    pub order: Order,
    /// Seconds since the order reached the kitchen (confirmed).
    pub elapsed_seconds: i64,
}

/// One line of a new order or of `POST .../items`.
#[derive(Clone, Debug, Deserialize)]
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
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    #[serde(default)]
    pub table_id: Option<Uuid>,
    #[serde(default)]
    pub covers: Option<i32>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub items: Vec<NewItem>,
}

/// `POST /venues/{v}/orders/{id}/items`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddItems {
    pub items: Vec<NewItem>,
}

/// `PATCH /venues/{v}/orders/{id}/status`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    pub status: OrderStatus,
    #[serde(default)]
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, allowed};
    use OrderStatus::*;

    /// The contract's table of allowed moves, transcribed.
    const MOVES: [(OrderStatus, OrderStatus); 10] = [
        (Draft, Confirmed),
        (Draft, Cancelled),
        (Confirmed, Preparing),
        (Confirmed, Ready),
        (Confirmed, Cancelled),
        (Preparing, Ready),
        (Preparing, Cancelled),
        (Ready, Served),
        (Ready, Cancelled),
        (Served, Completed),
    ];

    /// Who may make each move, from the contract's role table: (admin, manager, waiter, kitchen).
    fn roles_for(from: OrderStatus, to: OrderStatus) -> [bool; 4] {
        match (from, to) {
            (_, Preparing) | (_, Ready) => [true, true, false, true],
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

    #[test]
    fn line_totals_round_to_the_cent() {
        assert_eq!(line_total(Qty::whole(3), Money::from_raw(450)), Money::from_raw(1350));
        assert_eq!(line_total(Qty::from_raw(333), Money::from_raw(100)), Money::from_raw(33));
        assert_eq!(line_total(Qty::from_raw(335), Money::from_raw(1)), Money::from_raw(0));
        assert_eq!(line_total(Qty::from_raw(1500), Money::from_raw(1)), Money::from_raw(2));
    }
}
