//! The event log part of the store: per-venue counters and the venue event log, written in the
//! transaction of the change each event describes. Events are numbered by the venue's
//! `event_seq` counter row, locked until commit, so numbers have no gaps and no duplicates
//! whatever the backend.

use crate::AppError;
use crate::domain::event::EventRecord;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
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
}
