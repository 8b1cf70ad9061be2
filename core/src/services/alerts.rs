//! The alerts the server raises by itself, and the timing of the critical operations.
//!
//! - A ticket waiting in `confirmed` or `preparing` longer than its venue's red threshold raises
//!   one `kitchen_alert` (priority `high`), once per ticket.
//! - A lot with stock that enters its venue's expiring window raises one `stock_alert` of kind
//!   `expiring`, and one that expires one of kind `expired` (once per lot and kind, judged on the
//!   venue's calendar; a lot that expired while no server ran is found at the next scan).
//! - An operation slower than its threshold is logged and counted; slower than
//!   `Thresholds::alert_after` it raises a `kitchen_alert` of priority `high` for its venue.
//!
//! "Once" holds across instances and restarts: each alert is written with a marker row
//! (`venue_alerts`, unique per venue, kind and subject) in one transaction with its event, so
//! the instance that inserts the marker is the one whose event is logged.

use super::Services;
use crate::AppError;
use crate::domain::event::{AlertPriority, StockAlertKind, VenueEvent};
use crate::domain::stock::summarize;
use crate::observe::{AlertKind, Operation};
use crate::store::now_micros;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// "Expiring": an expiry date from the venue's today to this many days later (the stock
/// summary's default window).
pub const EXPIRING_WITHIN_DAYS: u32 = 3;
/// How often a server looks for late tickets and expiring lots.
pub const DEFAULT_SCAN_EVERY: Duration = Duration::from_secs(30);
/// At most one slow-operation alert per venue and operation this often from one instance (a
/// database hiccup slows everything at once; one banner says it).
const SLOW_ALERT_EVERY: Duration = Duration::from_secs(60);

/// What was raised by one scan.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Raised {
    pub late_tickets: usize,
    pub expiring_lots: usize,
    pub expired_lots: usize,
}

impl Services {
    /// Times `work` as `op` for `venue_id`: counted by outcome, and if slow logged (with the order
    /// number `number` finds in the result), counted as slow and, past `alert_after`, raised as
    /// a `kitchen_alert` of priority `high` for the venue.
    pub(crate) async fn timed<T>(
        &self,
        op: Operation,
        venue_id: Uuid,
        number: impl FnOnce(&T) -> Option<String>,
        work: impl Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let started = Instant::now();
        let result = work.await;
        let took = started.elapsed();
        let metrics = &self.observe.metrics;
        metrics.operation(op, result.is_ok(), took);
        if matches!(result, Err(AppError::InsufficientStock(_))) {
            metrics.serve_shortfall();
        }
        let thresholds = self.observe.thresholds();
        let threshold = thresholds.of(op);
        if took > threshold {
            metrics.slow_operation(op);
            let order_number = result.as_ref().ok().and_then(number);
            tracing::warn!(
                operation = op.name(),
                order_number = order_number.as_deref().unwrap_or("-"),
                duration_ms = took.as_secs_f64() * 1000.0,
                threshold_ms = threshold.as_secs_f64() * 1000.0,
                "slow operation"
            );
            if took > thresholds.alert_after && self.slow_alert_due(venue_id, op) {
                self.raise_slow_alert(venue_id, op, took, order_number);
            }
        }
        result
    }

    /// Whether a slow-operation alert for this venue and operation is due (not one in the last
    /// `SLOW_ALERT_EVERY`); marks it raised.
    fn slow_alert_due(&self, venue_id: Uuid, op: Operation) -> bool {
        let mut last = self.slow_alerts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match last.get(&(venue_id, op)) {
            Some(at) if now.duration_since(*at) < SLOW_ALERT_EVERY => false,
            _ => {
                last.insert((venue_id, op), now);
                true
            }
        }
    }

    /// Logs the slow-operation alert in its own transaction, off the request's path.
    fn raise_slow_alert(&self, venue_id: Uuid, op: Operation, took: Duration, order_number: Option<String>) {
        let took_text = if took < Duration::from_secs(1) {
            format!("{} ms", took.as_millis())
        } else {
            format!("{:.1} s", took.as_secs_f64())
        };
        let message = match &order_number {
            Some(n) => format!("{} took {took_text} (order {n}): the server is slow", op.name()),
            None => format!("{} took {took_text}: the server is slow", op.name()),
        };
        let event = VenueEvent::KitchenAlert {
            message,
            priority: AlertPriority::High,
            order_id: None,
            code: Some("slow_operation".into()),
            order_number,
            table_name: None,
            minutes: None,
            operation: Some(op.name().into()),
            duration_ms: Some(took.as_millis() as u64),
        };
        let (store, hub) = (self.store.clone(), self.hub.clone());
        let raised = self.observe.metrics.alert_counter(AlertKind::SlowOperation);
        tokio::spawn(async move {
            match store.raise_alert(venue_id, None, &event, now_micros()).await {
                Ok(_) => {
                    raised.increment(1);
                    hub.venue_changed(venue_id);
                }
                Err(e) => tracing::warn!(venue = %venue_id, error = %e, "raising the slow-operation alert failed"),
            }
        });
    }

    /// Raises what is due as of `now`: late tickets and lots entering their expiring window or
    /// expired, each once. Safe to run on every instance at once.
    pub async fn raise_due_alerts(&self, now: DateTime<Utc>) -> Result<Raised, AppError> {
        let mut raised = Raised::default();
        for t in self.store.late_ticket_candidates().await? {
            let late_after = chrono::Duration::minutes(t.late_minutes.into());
            let Some(confirmed_at) = t.confirmed_at else { continue };
            if now - confirmed_at < late_after {
                continue;
            }
            let minutes = (now - confirmed_at).num_minutes();
            let at = match &t.table_name {
                Some(table) => format!("table {table}"),
                None => "takeaway".to_owned(),
            };
            let event = VenueEvent::KitchenAlert {
                message: format!("Order {} ({at}) has waited {minutes} minutes", t.order_number),
                priority: AlertPriority::High,
                order_id: Some(t.order_id),
                code: Some("ticket_late".into()),
                order_number: Some(t.order_number.clone()),
                table_name: t.table_name.clone(),
                minutes: Some(minutes),
                operation: None,
                duration_ms: None,
            };
            if self.raise_once(t.venue_id, AlertKind::TicketLate, t.order_id, &event).await? {
                raised.late_tickets += 1;
            }
        }
        let utc_today = now.date_naive();
        // Every venue's today is within a day of UTC's: these bounds find every lot that may be
        // due anywhere, and the venue's own calendar decides.
        let expiring_by = utc_today + chrono::Duration::days(i64::from(EXPIRING_WITHIN_DAYS) + 1);
        for venue_id in self.store.expiry_alert_venues(expiring_by, utc_today).await? {
            let today = self.venue_date(venue_id, now).await?;
            let (products, lots) = self.store.stock_snapshot(venue_id).await?;
            let summary = summarize(&products, &lots, today, EXPIRING_WITHIN_DAYS, now);
            let on_hand = |product_id: Uuid| {
                summary.products.iter().find(|p| p.product_id == product_id).map(|p| p.qty_on_hand).unwrap_or_default()
            };
            let due =
                summary.expired_lots.iter().map(|l| (AlertKind::StockExpired, StockAlertKind::Expired, l)).chain(
                    summary.expiring_lots.iter().map(|l| (AlertKind::StockExpiring, StockAlertKind::Expiring, l)),
                );
            for (kind, stock_kind, lot) in due {
                let event = VenueEvent::StockAlert {
                    product_id: lot.product_id,
                    product_name: lot.product_name.clone(),
                    kind: stock_kind,
                    qty_on_hand: on_hand(lot.product_id),
                    lot_id: Some(lot.lot_id),
                    lot_code: Some(lot.lot_code.clone()),
                    expiry_date: lot.expiry_date,
                    lot_qty: Some(lot.qty_current),
                    unit: Some(lot.unit),
                };
                if self.raise_once(venue_id, kind, lot.lot_id, &event).await? {
                    match kind {
                        AlertKind::StockExpired => raised.expired_lots += 1,
                        _ => raised.expiring_lots += 1,
                    }
                }
            }
        }
        Ok(raised)
    }

    /// Raises `event` for the venue unless an alert of `kind` about `subject` was raised before.
    async fn raise_once(
        &self,
        venue_id: Uuid,
        kind: AlertKind,
        subject: Uuid,
        event: &VenueEvent,
    ) -> Result<bool, AppError> {
        let raised = self.store.raise_alert(venue_id, Some((kind.name(), subject)), event, now_micros()).await?;
        if raised {
            self.observe.metrics.alert_raised(kind);
            self.hub.venue_changed(venue_id);
        }
        Ok(raised)
    }

    /// Scans for due alerts every `every` until the services are dropped; the first scan runs at
    /// once, so what came due while no server ran is raised at start.
    pub fn watch_alerts(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let services = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(services) = services.upgrade() else { break };
                match services.raise_due_alerts(chrono::Utc::now()).await {
                    Ok(r) if r != Raised::default() => tracing::info!(
                        late_tickets = r.late_tickets,
                        expiring_lots = r.expiring_lots,
                        expired_lots = r.expired_lots,
                        "alerts raised"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "looking for due alerts failed; trying again later"),
                }
            }
        })
    }
}
