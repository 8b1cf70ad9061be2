//! The embedded default: one SQLite file in WAL mode. SQLite has a single writer, so write
//! transactions start with `BEGIN IMMEDIATE` and wait on the busy timeout instead of failing.

use super::{PoolStats, Store, migration_error};
use crate::AppError;
use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: SqlitePool,
    /// Writers of this process take turns here before `BEGIN IMMEDIATE`: SQLite has one writer
    /// anyway, and a fair in-process queue is far faster than SQLite's sleeping busy handler
    /// (which would add milliseconds of backoff under contention). Other processes (the CLI)
    /// still meet the busy timeout.
    write_turn: Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction holding this process's write turn until it commits or is dropped.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &sqlx::SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, String> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("database url `{url}`: {e}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Checkpoints run in the background (below), not inside whichever request's commit
            // happens to cross the WAL size threshold.
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await
            .map_err(|e| format!("cannot open SQLite database `{url}`: {e}"))?;
        backup_before_migrating(&pool, &options).await?;
        super::SQLITE_MIGRATOR.run(&pool).await.map_err(|e| migration_error("sqlite", e))?;
        // One connection for all writes: its page cache stays warm (no re-reading pages another
        // connection changed) and transactions queue for it in order.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot open SQLite database `{url}`: {e}"))?;
        let checkpointer = pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if checkpointer.is_closed() {
                    break;
                }
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&checkpointer).await {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        });
        Ok(SqliteStore { pool, writer, write_turn: Arc::new(tokio::sync::Mutex::new(())) })
    }

    async fn begin_write(&self) -> Result<WriteTx, AppError> {
        let turn = self.write_turn.clone().lock_owned().await;
        Ok(WriteTx { tx: self.writer.begin_with("BEGIN IMMEDIATE").await?, _turn: turn })
    }
}

/// Before migrations of this build are applied to a database that already has a schema, a
/// backup of it is written beside it, named with the schema version it had and when
/// (`beerflow.db.schema-0009.20261207T101500Z.bak`): going back to the previous binary is then a
/// copy of that file (see the README's "Upgrading"). Every upgrade writes its own.
async fn backup_before_migrating(pool: &SqlitePool, options: &SqliteConnectOptions) -> Result<(), String> {
    let applied = super::backup::sqlite_applied(pool).await?;
    let Some(current) = applied.iter().map(|a| a.0).max() else { return Ok(()) };
    let versions: Vec<i64> = applied.iter().map(|a| a.0).collect();
    let pending = super::pending(&super::SQLITE_MIGRATOR, &versions);
    if pending.is_empty() {
        return Ok(());
    }
    let db = options.get_filename();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut to = std::path::PathBuf::from(format!("{}.schema-{current:04}.{stamp}.bak", db.display()));
    for n in 2.. {
        if !to.exists() {
            break;
        }
        to = std::path::PathBuf::from(format!("{}.schema-{current:04}.{stamp}-{n}.bak", db.display()));
    }
    super::backup::sqlite_backup(pool, &to).await.map_err(|e| format!("the backup before migrating failed: {e}"))?;
    tracing::warn!(
        database = %db.display(),
        backup = %to.display(),
        "schema {current} backed up before applying migration(s) {pending:?}; to roll back, stop the server, put this \
         file back in place of the database and run the previous binary"
    );
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn pending_migrations(&self) -> Result<Vec<i64>, AppError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await?;
        Ok(super::pending(&super::SQLITE_MIGRATOR, &applied))
    }

    fn pool_stats(&self) -> PoolStats {
        let (size, idle) =
            (self.pool.size() + self.writer.size(), (self.pool.num_idle() + self.writer.num_idle()) as u32);
        PoolStats { in_use: size.saturating_sub(idle), idle, max: self.pool.options().get_max_connections() + 1 }
    }
}

// The areas of the store, written once for both backends in `backend/` and compiled here for
// this one.
type This = SqliteStore;
type Conn = sqlx::SqliteConnection;
const PG: bool = false;

#[path = "backend/accounts.rs"]
mod accounts;
#[path = "backend/events.rs"]
mod events;
#[path = "backend/inventory.rs"]
mod inventory;
#[path = "backend/orders.rs"]
mod orders;
#[path = "backend/tables.rs"]
mod tables;
