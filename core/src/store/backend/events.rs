//! The events part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::event::{EventRecord, VenueEvent};
use crate::store::events::{EVENTS_CHANNEL, EventStore, LateTicket};
use crate::store::sql::{placeholders, render, sql};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
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

    async fn raise_alert(
        &self,
        venue_id: Uuid,
        once: Option<(&str, Uuid)>,
        event: &VenueEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = self.begin_write().await?;
        if let Some((kind, subject)) = once {
            let marked = sqlx::query(sql!(
                PG,
                "INSERT INTO venue_alerts (venue_id, kind, subject_id, raised_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (venue_id, kind, subject_id) DO NOTHING"
            ))
            .bind(venue_id)
            .bind(kind)
            .bind(subject)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if marked.rows_affected() == 0 {
                // Raised before (here or by another instance): nothing is written.
                return Ok(false);
            }
        }
        Self::append_events(&mut tx, venue_id, std::slice::from_ref(event), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn late_ticket_candidates(&self) -> Result<Vec<LateTicket>, AppError> {
        let rows: Vec<(Uuid, Uuid, String, Option<String>, Option<DateTime<Utc>>, i32)> = sqlx::query_as(sql!(
            PG,
            "SELECT o.venue_id, o.id, o.order_number, t.name, o.confirmed_at, v.kds_late_minutes \
             FROM orders o JOIN venues v ON v.id = o.venue_id LEFT JOIN dining_tables t ON t.id = o.table_id \
             WHERE o.status IN ('confirmed', 'preparing') AND o.confirmed_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM venue_alerts a WHERE a.venue_id = o.venue_id \
             AND a.kind = 'ticket_late' AND a.subject_id = o.id) \
             ORDER BY o.confirmed_at LIMIT 5000"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(venue_id, order_id, order_number, table_name, confirmed_at, late_minutes)| LateTicket {
                venue_id,
                order_id,
                order_number,
                table_name,
                confirmed_at,
                late_minutes,
            })
            .collect())
    }

    async fn kitchen_load(&self, now: DateTime<Utc>) -> Result<(i64, i64), AppError> {
        let rows: Vec<(String, Option<DateTime<Utc>>, i32)> = sqlx::query_as(sql!(
            PG,
            "SELECT o.status, o.confirmed_at, v.kds_late_minutes FROM orders o JOIN venues v ON v.id = o.venue_id \
             WHERE o.status IN ('confirmed', 'preparing', 'ready')"
        ))
        .fetch_all(&self.pool)
        .await?;
        let late = rows
            .iter()
            .filter(|(status, confirmed_at, late_minutes)| {
                status != "ready"
                    && confirmed_at.is_some_and(|at| now - at >= chrono::Duration::minutes((*late_minutes).into()))
            })
            .count();
        Ok((rows.len() as i64, late as i64))
    }

    async fn expiry_alert_venues(&self, expiring_by: NaiveDate, expired_by: NaiveDate) -> Result<Vec<Uuid>, AppError> {
        Ok(sqlx::query_scalar(sql!(
            PG,
            "SELECT DISTINCT l.venue_id FROM lots l WHERE @qc(l.qty_current) > 0 AND l.expiry_date IS NOT NULL \
             AND ((l.expiry_date <= $1 AND NOT EXISTS (SELECT 1 FROM venue_alerts a WHERE a.venue_id = l.venue_id \
             AND a.kind IN ('stock_expiring', 'stock_expired') AND a.subject_id = l.id)) \
             OR (l.expiry_date <= $2 AND NOT EXISTS (SELECT 1 FROM venue_alerts a WHERE a.venue_id = l.venue_id \
             AND a.kind = 'stock_expired' AND a.subject_id = l.id)))"
        ))
        .bind(expiring_by)
        .bind(expired_by)
        .fetch_all(&self.pool)
        .await?)
    }
}
