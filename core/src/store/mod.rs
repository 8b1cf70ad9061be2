//! The storage interface: one trait per area (accounts, inventory, tables, orders, the event
//! log). Each is written once, in the SQL dialect of `sql.rs`, as plain Rust in `backend/` that
//! both backends compile (`SqliteStore`, `PgStore`: `#[path]` modules over their own `This`,
//! `Conn` and `PG`); the backend files keep only what truly differs: connecting, SQLite's write
//! turn and checkpointer, PostgreSQL's `LISTEN`. Every method that writes is one whole use case
//! in one transaction. SQL lives here and nowhere else.

pub mod accounts;
pub mod backup;
pub mod events;
pub mod inventory;
pub mod orders;
mod postgres;
pub mod sql;
mod sqlite;
pub mod tables;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::AppError;
use crate::domain::Role;
use crate::domain::inventory::{Category, Lot, NewMovement, Product, Supplier};
use crate::domain::table::Table;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

pub type DynStore = Arc<dyn Store>;

/// `?limit=&offset=` of every list, already validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Default for Page {
    fn default() -> Self {
        Page { limit: 100, offset: 0 }
    }
}

#[derive(Clone, Debug)]
pub struct NewVenue {
    pub id: Uuid,
    pub name: String,
    pub timezone: String,
    pub currency: String,
    pub language: String,
    pub locale: String,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// What `--demo` puts in the database; every row is inserted only if absent.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub venue: NewVenue,
    pub users: Vec<NewUser>,
    pub categories: Vec<Category>,
    pub suppliers: Vec<Supplier>,
    pub products: Vec<Product>,
    /// Received lots, each with its `IN` movement.
    pub lots: Vec<(Lot, NewMovement)>,
    pub tables: Vec<Table>,
}

/// The whole store; what is not in one of the areas' traits is what the backends do differently.
#[async_trait]
pub trait Store:
    accounts::AccountStore
    + inventory::InventoryStore
    + tables::TableStore
    + orders::OrderStore
    + events::EventStore
    + Send
    + Sync
    + 'static
{
    /// `sqlite` or `postgres`, for health and logs.
    fn backend(&self) -> &'static str;

    /// A round trip to the database.
    async fn ping(&self) -> Result<(), AppError>;

    /// The versions of this build's migrations that the database has not applied (empty when
    /// the schema is this build's).
    async fn pending_migrations(&self) -> Result<Vec<i64>, AppError>;

    /// The connection pool now (all pools together).
    fn pool_stats(&self) -> PoolStats;

    /// Forwards "venue events were committed" signals from other server instances to `tx`
    /// (`None`: the watch reconnected and anything may have been missed). PostgreSQL listens
    /// for the notifications every commit sends; SQLite has one instance and nothing to watch.
    async fn watch_events(&self, tx: tokio::sync::mpsc::UnboundedSender<Option<Uuid>>) -> Result<(), AppError> {
        let _ = tx;
        Ok(())
    }
}

/// This build's migrations, per backend.
pub(crate) static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
pub(crate) static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A connection pool's occupation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// The versions of `migrator` that `applied` (the successful rows of `_sqlx_migrations`) lacks.
pub(crate) fn pending(migrator: &sqlx::migrate::Migrator, applied: &[i64]) -> Vec<i64> {
    migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
        .map(|m| m.version)
        .collect()
}

/// Opens the database named by `url` (`sqlite://...` or `postgres://...`), creating a SQLite
/// file on first start, and runs the backend's migrations. A failed migration is an error that
/// says which one.
pub async fn connect(url: &str) -> Result<DynStore, String> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(format!("database url `{url}`: expected sqlite://PATH or postgres://..."))
    }
}

/// Now, at the microsecond precision both databases keep.
pub fn now_micros() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

pub(crate) fn migration_error(backend: &str, e: sqlx::migrate::MigrateError) -> String {
    format!("{backend} migration failed: {e}")
}
