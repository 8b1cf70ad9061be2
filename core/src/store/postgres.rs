//! PostgreSQL, for several server instances sharing one database. Rows that a use case will
//! change are locked (`FOR UPDATE` or conditional updates) inside its transaction.

use super::{PoolStats, Store, migration_error};
use crate::AppError;
use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, String> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        super::PG_MIGRATOR.run(&pool).await.map_err(|e| migration_error("postgres", e))?;
        Ok(PgStore { pool })
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, AppError> {
        Ok(self.pool.begin().await?)
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn pending_migrations(&self) -> Result<Vec<i64>, AppError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await?;
        Ok(super::pending(&super::PG_MIGRATOR, &applied))
    }

    fn pool_stats(&self) -> PoolStats {
        let (size, idle) = (self.pool.size(), self.pool.num_idle() as u32);
        PoolStats { in_use: size.saturating_sub(idle), idle, max: self.pool.options().get_max_connections() }
    }

    async fn watch_events(&self, tx: tokio::sync::mpsc::UnboundedSender<Option<Uuid>>) -> Result<(), AppError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(crate::store::events::EVENTS_CHANNEL).await?;
        tokio::spawn(async move {
            while !tx.is_closed() {
                match listener.try_recv().await {
                    Ok(Some(n)) => match Uuid::parse_str(n.payload()) {
                        Ok(venue) => {
                            let _ = tx.send(Some(venue));
                        }
                        Err(_) => tracing::warn!(payload = n.payload(), "unexpected event notification"),
                    },
                    // The connection was lost; the next call reconnects. Notifications sent in
                    // between are gone, so every venue is read again from the log.
                    Ok(None) => {
                        let _ = tx.send(None);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event notifications: reconnecting");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

// The areas of the store, written once for both backends in `backend/` and compiled here for
// this one.
type This = PgStore;
type Conn = sqlx::PgConnection;
const PG: bool = true;

// SQLite compiles the same files (`sqlite.rs`): each backend loading them is the design.
#[path = "backend/accounts.rs"]
#[allow(clippy::duplicate_mod)]
mod accounts;
#[path = "backend/events.rs"]
#[allow(clippy::duplicate_mod)]
mod events;
#[path = "backend/inventory.rs"]
#[allow(clippy::duplicate_mod)]
mod inventory;
#[path = "backend/orders.rs"]
#[allow(clippy::duplicate_mod)]
mod orders;
#[path = "backend/tables.rs"]
#[allow(clippy::duplicate_mod)]
mod tables;
