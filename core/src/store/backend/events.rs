//! The events part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::event::{EventRecord, VenueEvent};
use crate::store::events::{EVENTS_CHANNEL, EventStore};
use crate::store::sql::{placeholders, render, sql};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

impl This {
    /// Adds `n` to a per-venue counter and returns the new value; the counter's row stays
    /// locked until the transaction ends, so concurrent writers take turns on it.
    pub(crate) async fn bump_counter(conn: &mut Conn, venue_id: Uuid, name: &str, n: i64) -> Result<i64, AppError> {
        Ok(sqlx::query_scalar(sql!(
            PG,
            "INSERT INTO venue_counters (venue_id, name, value) VALUES ($1, $2, $3) \
             ON CONFLICT (venue_id, name) DO UPDATE SET value = venue_counters.value + $3 RETURNING value"
        ))
        .bind(venue_id)
        .bind(name)
        .bind(n)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// Appends events to the venue's log, numbered without gaps. Always the last write of a
    /// transaction (see the lock order in `orders.rs`): a transaction holding the event
    /// counter waits for nothing else.
    pub(crate) async fn append_events(
        conn: &mut Conn,
        venue_id: Uuid,
        events: &[VenueEvent],
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if events.is_empty() {
            return Ok(());
        }
        let last = Self::bump_counter(conn, venue_id, "event_seq", events.len() as i64).await?;
        let first = last - events.len() as i64 + 1;
        for (seq, event) in (first..).zip(events) {
            let (name, data) = event.into_parts();
            sqlx::query(sql!(
                PG,
                "INSERT INTO venue_events (venue_id, seq, event, data, created_at) \
                 VALUES ($1, $2, $3, @json($4), $5)"
            ))
            .bind(venue_id)
            .bind(seq)
            .bind(name)
            .bind(data.to_string())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        if PG {
            // Delivered to every listening instance when (and only if) this commits.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(EVENTS_CHANNEL)
                .bind(venue_id.to_string())
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl EventStore for This {
    async fn list_events(&self, venue_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<EventRecord>, AppError> {
        let rows: Vec<(i64, String, String, DateTime<Utc>)> = sqlx::query_as(sql!(
            PG,
            "SELECT seq, event, @jsoncol(data), created_at FROM venue_events WHERE venue_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        ))
        .bind(venue_id)
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, event, data, ts)| {
                let data = serde_json::from_str(&data)
                    .map_err(|e| AppError::internal(format!("corrupt event {seq} in database: {e}")))?;
                Ok(EventRecord { event, data, seq, ts })
            })
            .collect()
    }

    async fn prune_events(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, AppError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(sql!(
            PG,
            "DELETE FROM venue_events WHERE created_at < $1 AND seq <= \
             (SELECT MAX(l.seq) FROM venue_events l WHERE l.venue_id = venue_events.venue_id) - $2"
        ))
        .bind(before)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    async fn recent_events(&self, venue_id: Uuid, names: &[&str], limit: i64) -> Result<Vec<EventRecord>, AppError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let query = render(
            &format!(
                "SELECT seq, event, @jsoncol(data), created_at FROM venue_events WHERE venue_id = $1 \
                 AND event IN ({}) ORDER BY seq DESC LIMIT $2",
                placeholders(3, names.len())
            ),
            PG,
        );
        let mut q = sqlx::query_as::<_, (i64, String, String, DateTime<Utc>)>(&query).bind(venue_id).bind(limit);
        for name in names {
            q = q.bind(*name);
        }
        q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(seq, event, data, ts)| {
                let data = serde_json::from_str(&data)
                    .map_err(|e| AppError::internal(format!("corrupt event {seq} in database: {e}")))?;
                Ok(EventRecord { event, data, seq, ts })
            })
            .collect()
    }

    async fn oldest_seq(&self, venue_id: Uuid) -> Result<i64, AppError> {
        let seq: Option<i64> = sqlx::query_scalar(sql!(PG, "SELECT MIN(seq) FROM venue_events WHERE venue_id = $1"))
            .bind(venue_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    async fn latest_seq(&self, venue_id: Uuid) -> Result<i64, AppError> {
        // The counter, not the log: a pruned log must not make the latest number look older.
        let seq: Option<i64> =
            sqlx::query_scalar(sql!(PG, "SELECT value FROM venue_counters WHERE venue_id = $1 AND name = 'event_seq'"))
                .bind(venue_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(seq.unwrap_or(0))
    }
}
