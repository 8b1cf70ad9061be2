//! The event log part of the store: per-venue counters and the venue event log, written in the
//! transaction of the change each event describes. Events are numbered by the venue's
//! `event_seq` counter row, locked until commit, so numbers have no gaps and no duplicates
//! whatever the backend.

use crate::AppError;
use crate::domain::event::{EventRecord, VenueEvent};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The PostgreSQL `NOTIFY` channel on which every commit that appended venue events announces
/// the venue (the payload), so that every server instance reads the log.
pub const EVENTS_CHANNEL: &str = "beerflow_events";

#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Events after `after_seq`, in order, at most `limit`.
    async fn list_events(&self, venue_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<EventRecord>, AppError>;
    /// Deletes events older than `before` that are not among their venue's last `keep`;
    /// returns how many went.
    async fn prune_events(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, AppError>;
    /// The venue's latest events named one of `names`, newest first, at most `limit`.
    async fn recent_events(&self, venue_id: Uuid, names: &[&str], limit: i64) -> Result<Vec<EventRecord>, AppError>;
    /// The oldest event number still in the venue's log (0 when it is empty).
    async fn oldest_seq(&self, venue_id: Uuid) -> Result<i64, AppError>;
    /// The venue's latest event number (0 before the first event).
    async fn latest_seq(&self, venue_id: Uuid) -> Result<i64, AppError>;
    /// Appends `event` to the venue's log in a transaction of its own; with `once` (an alert's
    /// kind and what it is about) only if no alert of that kind about it was raised before, so
    /// that it is raised once whatever instance or restart tries again. Whether it was written.
    async fn raise_alert(
        &self,
        venue_id: Uuid,
        once: Option<(&str, Uuid)>,
        event: &VenueEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError>;
    /// Tickets confirmed or preparing with no `ticket_late` alert yet, with their venue's red
    /// threshold (the caller judges which are late).
    async fn late_ticket_candidates(&self) -> Result<Vec<LateTicket>, AppError>;
    /// Every venue's kitchen now: tickets confirmed, preparing or ready, and of those confirmed or
    /// preparing the ones older than their venue's red threshold at `now`.
    async fn kitchen_load(&self, now: DateTime<Utc>) -> Result<(i64, i64), AppError>;
    /// Venues with lots holding stock that may be due an alert: expiring on or before
    /// `expiring_by` with no expiry alert yet, or on or before `expired_by` with no `expired`
    /// alert yet.
    async fn expiry_alert_venues(&self, expiring_by: NaiveDate, expired_by: NaiveDate) -> Result<Vec<Uuid>, AppError>;
}

/// A ticket in the kitchen's hands that may be late.
#[derive(Clone, Debug)]
pub struct LateTicket {
    pub venue_id: Uuid,
    pub order_id: Uuid,
    pub order_number: String,
    pub table_name: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The venue's red threshold (`kds_late_minutes`).
    pub late_minutes: i32,
}
