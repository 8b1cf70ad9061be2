//! The storage interface: one trait, one implementation per backend (SQLite, PostgreSQL), each
//! with its own migrations and native types. Every method that writes is one whole use case in
//! one transaction. SQL lives here and nowhere else.

pub mod inventory;
pub mod orders;
mod postgres;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::AppError;
use crate::domain::{Money, Qty, Role, User, Venue};
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
    pub categories: Vec<DemoCategory>,
    pub suppliers: Vec<DemoSupplier>,
    pub products: Vec<DemoProduct>,
    pub lots: Vec<DemoLot>,
}

#[derive(Clone, Debug)]
pub struct DemoCategory {
    pub id: Uuid,
    pub name: &'static str,
    pub sort_order: i32,
    pub station: &'static str,
}

#[derive(Clone, Debug)]
pub struct DemoSupplier {
    pub id: Uuid,
    pub name: &'static str,
}

#[derive(Clone, Debug)]
pub struct DemoProduct {
    pub id: Uuid,
    pub category_id: Uuid,
    pub supplier_id: Option<Uuid>,
    pub name: &'static str,
    pub sku: &'static str,
    pub unit: &'static str,
    pub price: Money,
    pub cost: Option<Money>,
    pub track_stock: bool,
    pub min_stock: Option<Qty>,
}

/// A received lot; its `IN` movement is written with it.
#[derive(Clone, Debug)]
pub struct DemoLot {
    pub id: Uuid,
    pub product_id: Uuid,
    pub supplier_id: Option<Uuid>,
    pub lot_code: &'static str,
    pub quantity: Qty,
    pub unit: &'static str,
    pub cost_per_unit: Option<Money>,
    pub expiry_date: Option<chrono::NaiveDate>,
    pub storage_location: &'static str,
}

#[async_trait]
pub trait Store: inventory::InventoryStore + orders::OrderStore + Send + Sync + 'static {
    /// `sqlite` or `postgres`, for health and logs.
    fn backend(&self) -> &'static str;

    /// A round trip to the database.
    async fn ping(&self) -> Result<(), AppError>;

    /// Forwards "venue events were committed" signals from other server instances to `tx`
    /// (`None`: the watch reconnected and anything may have been missed). PostgreSQL listens
    /// for the notifications every commit sends; SQLite has one instance and nothing to watch.
    async fn watch_events(&self, tx: tokio::sync::mpsc::UnboundedSender<Option<Uuid>>) -> Result<(), AppError> {
        let _ = tx;
        Ok(())
    }

    /// The stored value of `key`, storing `init` first if there is none (first writer wins,
    /// so several instances starting at once agree).
    async fn setting_get_or_init(&self, key: &str, init: &str) -> Result<String, AppError>;

    async fn create_venue(&self, venue: &NewVenue) -> Result<Venue, AppError>;
    async fn get_venue(&self, id: Uuid) -> Result<Option<Venue>, AppError>;
    /// Sets the kitchen display's age thresholds; `None` when the venue does not exist.
    async fn update_venue_kitchen(
        &self,
        id: Uuid,
        warn_minutes: i32,
        late_minutes: i32,
    ) -> Result<Option<Venue>, AppError>;

    /// 409 when the e-mail is already taken; 404 when the venue does not exist.
    async fn create_user(&self, user: &NewUser) -> Result<User, AppError>;
    async fn get_user(&self, id: Uuid) -> Result<Option<User>, AppError>;
    /// The user and their password hash, for login.
    async fn find_user_for_login(&self, email: &str) -> Result<Option<(User, String)>, AppError>;
    async fn list_users(&self, venue_id: Uuid, page: Page) -> Result<Vec<User>, AppError>;
    /// Marks the user inactive; `None` when there is no such user in the venue.
    async fn deactivate_user(&self, venue_id: Uuid, user_id: Uuid) -> Result<Option<User>, AppError>;

    /// Inserts whatever of the demo data is missing, in one transaction.
    async fn seed_demo(&self, demo: &DemoData) -> Result<(), AppError>;

    async fn session_load(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError>;
    async fn session_save(&self, id: &str, data: &str, expiry: DateTime<Utc>) -> Result<(), AppError>;
    async fn session_delete(&self, id: &str) -> Result<(), AppError>;
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

/// A unique-constraint violation's constraint name, if `e` is one.
pub(crate) fn unique_violation(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Some(db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned()))
        }
        _ => None,
    }
}

pub(crate) fn parse_role(s: &str) -> Result<Role, AppError> {
    s.parse::<Role>().map_err(|e| {
        tracing::error!(error = %e, "corrupt role in database");
        AppError::Internal
    })
}

pub(crate) fn migration_error(backend: &str, e: sqlx::migrate::MigrateError) -> String {
    format!("{backend} migration failed: {e}")
}
