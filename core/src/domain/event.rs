//! Venue events of `spec/REALTIME.md`: appended to the venue's event log in the transaction of
//! the change they describe, numbered by a per-venue `seq`, then pushed to live clients.

use super::order::OrderStatus;
use super::quantity::{Money, Qty};
use super::table::TableStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockAlertKind {
    Low,
    Expiring,
    Expired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertPriority {
    Low,
    Normal,
    High,
}

/// What an `order_updated` event reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderChange {
    ItemsAdded,
    ItemDone,
    ItemUndone,
    ItemVoided,
    Moved,
    Details,
}

/// A venue event as the contract names it: `{"event": "...", "data": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum VenueEvent {
    NewOrder {
        order_id: Uuid,
        order_number: String,
        table_id: Option<Uuid>,
        table_name: Option<String>,
        status: OrderStatus,
        item_count: usize,
        covers: Option<i32>,
        created_by: Uuid,
    },
    OrderUpdated {
        order_id: Uuid,
        order_number: String,
        item_count: usize,
        total: Money,
        /// Extension: what changed (`items_added`, `item_done`, `item_undone`, `item_voided`,
        /// `moved`, `details`), and the order's table after the change.
        change: OrderChange,
        table_id: Option<Uuid>,
        table_name: Option<String>,
    },
    OrderStatusChanged {
        order_id: Uuid,
        order_number: String,
        table_id: Option<Uuid>,
        table_name: Option<String>,
        from_status: OrderStatus,
        status: OrderStatus,
        changed_by: Uuid,
    },
    TableStatusChanged {
        table_id: Uuid,
        table_name: String,
        from_status: TableStatus,
        status: TableStatus,
    },
    TablesLayoutChanged {
        table_ids: Vec<Uuid>,
        /// Extension: the floor plan's version after the change (an editor that loaded an
        /// older one knows its save would be refused).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        layout_version: Option<i64>,
    },
    /// Extension: a table was added to the floor.
    TableCreated {
        table_id: Uuid,
        table_name: String,
        area: Option<String>,
        seats: i32,
        layout_version: i64,
    },
    /// Extension: a table was removed from the floor.
    TableDeleted {
        table_id: Uuid,
        table_name: String,
        layout_version: i64,
    },
    StockAlert {
        product_id: Uuid,
        product_name: String,
        kind: StockAlertKind,
        /// The product's usable stock (expired lots left out).
        qty_on_hand: Qty,
        /// Extension (issue 17), for `expiring` and `expired`: the lot, its expiry date and
        /// what is left in it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot_id: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expiry_date: Option<chrono::NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot_qty: Option<Qty>,
        /// Extension (issue 17): the product's unit, for `qty_on_hand` and `lot_qty`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<super::inventory::Unit>,
    },
    KitchenAlert {
        message: String,
        priority: AlertPriority,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_id: Option<Uuid>,
        /// Extension (issue 17): what the alert is about, for screens that say it in their own
        /// language: `ticket_late` (with `order_number`, `table_name`, `minutes`) or
        /// `slow_operation` (with `operation`, `duration_ms` and, if known, `order_number`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u64>,
    },
}

impl VenueEvent {
    /// The event's name and its `data`, as stored in the log.
    pub fn into_parts(&self) -> (String, serde_json::Value) {
        let mut v = serde_json::to_value(self).expect("events serialise");
        let name = v["event"].as_str().unwrap_or_default().to_owned();
        let data = v.get_mut("data").map(serde_json::Value::take).unwrap_or_default();
        (name, data)
    }
}

/// One entry of a venue's event log, as sent to clients: `{event, data, seq, ts}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub event: String,
    pub data: serde_json::Value,
    pub seq: i64,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub ts: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_the_contract_names_and_fields() {
        let e = VenueEvent::TableStatusChanged {
            table_id: Uuid::nil(),
            table_name: "T1".into(),
            from_status: TableStatus::Free,
            status: TableStatus::Occupied,
        };
        let (name, data) = e.into_parts();
        assert_eq!(name, "table_status_changed");
        assert_eq!(data["from_status"], "free");
        assert_eq!(data["status"], "occupied");
        let (name, data) =
            VenueEvent::TablesLayoutChanged { table_ids: vec![Uuid::nil()], layout_version: Some(3) }.into_parts();
        assert_eq!(name, "tables_layout_changed");
        assert_eq!(data["table_ids"].as_array().map(Vec::len), Some(1));
        assert_eq!(data["layout_version"], 3);
        let (name, data) = VenueEvent::TableCreated {
            table_id: Uuid::nil(),
            table_name: "T9".into(),
            area: None,
            seats: 4,
            layout_version: 4,
        }
        .into_parts();
        assert_eq!(
            (name.as_str(), data["table_name"].as_str(), data["seats"].as_i64()),
            ("table_created", Some("T9"), Some(4))
        );
        let (name, data) =
            VenueEvent::TableDeleted { table_id: Uuid::nil(), table_name: "T9".into(), layout_version: 5 }.into_parts();
        assert_eq!((name.as_str(), data["layout_version"].as_i64()), ("table_deleted", Some(5)));
    }
}
