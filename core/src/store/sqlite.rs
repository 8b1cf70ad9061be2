//! The embedded default: one SQLite file in WAL mode. SQLite has a single writer, so write
//! transactions start with `BEGIN IMMEDIATE` and wait on the busy timeout instead of failing.

use super::{DemoData, NewUser, NewVenue, Page, Store, migration_error, parse_role, unique_violation};
use crate::AppError;
use crate::domain::{User, Venue};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

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

#[derive(FromRow)]
struct UserRow {
    id: Uuid,
    venue_id: Uuid,
    email: String,
    name: String,
    role: String,
    active: bool,
    created_at: DateTime<Utc>,
    password_hash: String,
}

impl UserRow {
    fn into_user(self) -> Result<(User, String), AppError> {
        let user = User {
            id: self.id,
            venue_id: self.venue_id,
            email: self.email,
            name: self.name,
            role: parse_role(&self.role)?,
            active: self.active,
            created_at: self.created_at,
        };
        Ok((user, self.password_hash))
    }
}

#[derive(FromRow)]
struct VenueRow {
    id: Uuid,
    name: String,
    timezone: String,
    kds_warn_minutes: i32,
    kds_late_minutes: i32,
    created_at: DateTime<Utc>,
}

impl From<VenueRow> for Venue {
    fn from(r: VenueRow) -> Self {
        Venue {
            id: r.id,
            name: r.name,
            timezone: r.timezone,
            kds_warn_minutes: r.kds_warn_minutes,
            kds_late_minutes: r.kds_late_minutes,
            created_at: r.created_at,
        }
    }
}

const USER_COLUMNS: &str = "id, venue_id, email, name, role, active, created_at, password_hash";

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
        sqlx::migrate!("../migrations/sqlite").run(&pool).await.map_err(|e| migration_error("sqlite", e))?;
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

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn setting_get_or_init(&self, key: &str, init: &str) -> Result<String, AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO settings (key, value, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(init)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        let value: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1").bind(key).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    async fn create_venue(&self, venue: &NewVenue) -> Result<Venue, AppError> {
        let mut conn = self.pool.acquire().await?;
        let row = insert_venue(&mut conn, venue, Utc::now(), false)
            .await
            .map_err(|e| match unique_violation(&e) {
                Some(_) => AppError::conflict(format!("venue {} already exists", venue.id)),
                None => e.into(),
            })?
            .ok_or(AppError::Internal)?;
        Ok(row.into())
    }

    async fn get_venue(&self, id: Uuid) -> Result<Option<Venue>, AppError> {
        let row: Option<VenueRow> = sqlx::query_as(
            "SELECT id, name, timezone, kds_warn_minutes, kds_late_minutes, created_at FROM venues WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Venue::from))
    }

    async fn update_venue_kitchen(
        &self,
        id: Uuid,
        warn_minutes: i32,
        late_minutes: i32,
    ) -> Result<Option<Venue>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<VenueRow> = sqlx::query_as(
            "UPDATE venues SET kds_warn_minutes = ?2, kds_late_minutes = ?3 WHERE id = ?1 \
             RETURNING id, name, timezone, kds_warn_minutes, kds_late_minutes, created_at",
        )
        .bind(id)
        .bind(warn_minutes)
        .bind(late_minutes)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.map(Venue::from))
    }

    async fn create_user(&self, user: &NewUser) -> Result<User, AppError> {
        let mut tx = self.begin_write().await?;
        let venue_exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM venues WHERE id = ?1)")
            .bind(user.venue_id)
            .fetch_one(&mut *tx)
            .await?;
        if !venue_exists {
            return Err(AppError::not_found(format!("venue {} not found", user.venue_id)));
        }
        let row = insert_user(&mut tx, user, Utc::now(), false)
            .await
            .map_err(|e| match unique_violation(&e) {
                Some(_) => AppError::conflict(format!("email: `{}` is already in use", user.email)),
                None => e.into(),
            })?
            .ok_or(AppError::Internal)?;
        tx.commit().await?;
        Ok(row.into_user()?.0)
    }

    async fn get_user(&self, id: Uuid) -> Result<Option<User>, AppError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.into_user().map(|(u, _)| u)).transpose()
    }

    async fn find_user_for_login(&self, email: &str) -> Result<Option<(User, String)>, AppError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"))
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn list_users(&self, venue_id: Uuid, page: Page) -> Result<Vec<User>, AppError> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE venue_id = ?1 ORDER BY created_at, id LIMIT ?2 OFFSET ?3"
        ))
        .bind(venue_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.into_user().map(|(u, _)| u)).collect()
    }

    async fn deactivate_user(&self, venue_id: Uuid, user_id: Uuid) -> Result<Option<User>, AppError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "UPDATE users SET active = 0 WHERE id = ?1 AND venue_id = ?2 RETURNING {USER_COLUMNS}"
        ))
        .bind(user_id)
        .bind(venue_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.into_user().map(|(u, _)| u)).transpose()
    }

    async fn seed_demo(&self, demo: &DemoData) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        insert_venue(&mut tx, &demo.venue, now, true).await?;
        for user in &demo.users {
            insert_user(&mut tx, user, now, true).await?;
        }
        for c in &demo.categories {
            sqlx::query(
                "INSERT INTO product_categories (id, venue_id, name, sort_order, station, active, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6) ON CONFLICT DO NOTHING",
            )
            .bind(c.id)
            .bind(demo.venue.id)
            .bind(c.name)
            .bind(c.sort_order)
            .bind(c.station)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for s in &demo.suppliers {
            sqlx::query(
                "INSERT INTO suppliers (id, venue_id, name, active, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, 1, ?4, ?4) ON CONFLICT DO NOTHING",
            )
            .bind(s.id)
            .bind(demo.venue.id)
            .bind(s.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for pr in &demo.products {
            sqlx::query(
                "INSERT INTO products (id, venue_id, category_id, supplier_id, name, sku, unit, price_cents, cost_cents, track_stock, min_stock_milli, \
                 active, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?12) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(pr.id)
            .bind(demo.venue.id)
            .bind(pr.category_id)
            .bind(pr.supplier_id)
            .bind(pr.name)
            .bind(pr.sku)
            .bind(pr.unit)
            .bind(pr.price.raw())
            .bind(pr.cost.map(|c| c.raw()))
            .bind(pr.track_stock)
            .bind(pr.min_stock.map(|q| q.raw()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for lot in &demo.lots {
            let inserted = sqlx::query(
                "INSERT INTO lots (id, venue_id, product_id, supplier_id, lot_code, qty_init_milli, qty_current_milli, unit, cost_per_unit_cents, \
                 expiry_date, storage_location, received_at, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?11) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(lot.id)
            .bind(demo.venue.id)
            .bind(lot.product_id)
            .bind(lot.supplier_id)
            .bind(lot.lot_code)
            .bind(lot.quantity.raw())
            .bind(lot.unit)
            .bind(lot.cost_per_unit.map(|c| c.raw()))
            .bind(lot.expiry_date)
            .bind(lot.storage_location)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // The receipt's IN movement, written only with the lot itself, so the ledger always
            // sums to the lot's quantity.
            if inserted == 1 {
                sqlx::query(
                    "INSERT INTO stock_movements (id, venue_id, lot_id, product_id, quantity_milli, movement_type, \
                     reference_type, reference_id, reason, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, 'IN', 'lot_receipt', ?3, 'demo data', ?6)",
                )
                .bind(Uuid::new_v4())
                .bind(demo.venue.id)
                .bind(lot.id)
                .bind(lot.product_id)
                .bind(lot.quantity.raw())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn session_load(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar("SELECT data FROM sessions WHERE id = ?1 AND expiry_date > ?2")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn session_save(&self, id: &str, data: &str, expiry: DateTime<Utc>) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO sessions (id, data, expiry_date) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
        )
        .bind(id)
        .bind(data)
        .bind(expiry)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_delete(&self, id: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE id = ?1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

/// Inserts a venue; with `ignore_existing` an existing one is left alone and `None` returned.
async fn insert_venue(
    conn: &mut sqlx::SqliteConnection,
    venue: &NewVenue,
    now: DateTime<Utc>,
    ignore_existing: bool,
) -> Result<Option<VenueRow>, sqlx::Error> {
    let on_conflict = if ignore_existing { " ON CONFLICT (id) DO NOTHING" } else { "" };
    sqlx::query_as(&format!(
        "INSERT INTO venues (id, name, timezone, created_at) VALUES (?1, ?2, ?3, ?4){on_conflict} \
         RETURNING id, name, timezone, kds_warn_minutes, kds_late_minutes, created_at"
    ))
    .bind(venue.id)
    .bind(&venue.name)
    .bind(&venue.timezone)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Inserts an active user; with `ignore_existing` an existing one (same id or e-mail) is left
/// alone and `None` returned.
async fn insert_user(
    conn: &mut sqlx::SqliteConnection,
    user: &NewUser,
    now: DateTime<Utc>,
    ignore_existing: bool,
) -> Result<Option<UserRow>, sqlx::Error> {
    let on_conflict = if ignore_existing { " ON CONFLICT DO NOTHING" } else { "" };
    sqlx::query_as(&format!(
        "INSERT INTO users (id, venue_id, email, name, role, password_hash, active, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7){on_conflict} RETURNING {USER_COLUMNS}"
    ))
    .bind(user.id)
    .bind(user.venue_id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

mod inventory_impl {
    use super::*;
    crate::store::inventory::impl_inventory_store!(SqliteStore, sqlx::SqliteConnection, false);
}

mod orders_impl {
    use super::*;
    crate::store::orders::impl_order_store!(SqliteStore, sqlx::SqliteConnection, false);
}
