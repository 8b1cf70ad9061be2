//! The accounts part of the store, compiled once per backend (`super` says which: `This`, its
//! connection type `Conn`, and `PG`); the SQL is in the dialect of `store::sql`.

use super::{Conn, PG, This};
use crate::AppError;
use crate::domain::{User, Venue};
use crate::store::accounts::{
    AccountStore, INSERT_USER, INSERT_USER_IF_ABSENT, INSERT_VENUE, INSERT_VENUE_IF_ABSENT, USER_COLUMNS, UserRow,
    VENUE_COLUMNS, VenueRow,
};
use crate::store::sql::{Unique, collect, conflict_on, sql};
use crate::store::{DemoData, NewUser, NewVenue, Page};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use const_format::formatcp;
use uuid::Uuid;

impl This {
    /// Inserts a venue; `if_absent` leaves an existing one alone and returns `None`.
    async fn insert_venue(
        conn: &mut Conn,
        v: &NewVenue,
        now: DateTime<Utc>,
        if_absent: bool,
    ) -> Result<Option<VenueRow>, sqlx::Error> {
        let query = if if_absent { sql!(PG, INSERT_VENUE_IF_ABSENT) } else { sql!(PG, INSERT_VENUE) };
        sqlx::query_as(query)
            .bind(v.id)
            .bind(&v.name)
            .bind(&v.timezone)
            .bind(now)
            .bind(&v.currency)
            .bind(&v.language)
            .bind(&v.locale)
            .fetch_optional(conn)
            .await
    }

    /// Inserts an active user; `if_absent` leaves an existing one (same id or e-mail) alone
    /// and returns `None`.
    async fn insert_user(
        conn: &mut Conn,
        u: &NewUser,
        now: DateTime<Utc>,
        if_absent: bool,
    ) -> Result<Option<UserRow>, sqlx::Error> {
        let query = if if_absent { sql!(PG, INSERT_USER_IF_ABSENT) } else { sql!(PG, INSERT_USER) };
        sqlx::query_as(query)
            .bind(u.id)
            .bind(u.venue_id)
            .bind(&u.email)
            .bind(&u.name)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(now)
            .fetch_optional(conn)
            .await
    }
}

#[async_trait]
impl AccountStore for This {
    async fn setting_get_or_init(&self, key: &str, init: &str) -> Result<String, AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sql!(
            PG,
            "INSERT INTO settings (key, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING"
        ))
        .bind(key)
        .bind(init)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        let value: String = sqlx::query_scalar(sql!(PG, "SELECT value FROM settings WHERE key = $1"))
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }

    async fn create_venue(&self, venue: &NewVenue) -> Result<Venue, AppError> {
        let mut tx = self.begin_write().await?;
        let row = Self::insert_venue(&mut tx, venue, Utc::now(), false)
            .await
            .map_err(|e| conflict_on(e, Unique::VENUE_ID, || format!("venue {} already exists", venue.id)))?
            .ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no venue"))?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn get_venue(&self, id: Uuid) -> Result<Option<Venue>, AppError> {
        let row: Option<VenueRow> =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {VENUE_COLUMNS} FROM venues WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(Venue::from))
    }

    async fn update_venue(&self, v: &Venue) -> Result<Option<Venue>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<VenueRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "UPDATE venues SET timezone = $2, currency = $3, language = $4, locale = $5, \
                 kds_warn_minutes = $6, kds_late_minutes = $7 WHERE id = $1 RETURNING {VENUE_COLUMNS}"
            )
        ))
        .bind(v.id)
        .bind(&v.timezone)
        .bind(&v.currency)
        .bind(&v.language)
        .bind(&v.locale)
        .bind(v.kds_warn_minutes)
        .bind(v.kds_late_minutes)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.map(Venue::from))
    }

    async fn set_user_language(&self, user_id: Uuid, language: Option<&str>) -> Result<Option<User>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<UserRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("UPDATE users SET language = $2 WHERE id = $1 RETURNING {USER_COLUMNS}")
        ))
        .bind(user_id)
        .bind(language)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(User::try_from).transpose()
    }

    async fn create_user(&self, user: &NewUser) -> Result<User, AppError> {
        let mut tx = self.begin_write().await?;
        let venue: Option<Uuid> = sqlx::query_scalar(sql!(PG, "SELECT id FROM venues WHERE id = $1"))
            .bind(user.venue_id)
            .fetch_optional(&mut *tx)
            .await?;
        if venue.is_none() {
            return Err(AppError::not_found(format!("venue {} not found", user.venue_id)));
        }
        let row = Self::insert_user(&mut tx, user, Utc::now(), false)
            .await
            .map_err(|e| conflict_on(e, Unique::USER_EMAIL, || format!("email: `{}` is already in use", user.email)))?
            .ok_or_else(|| AppError::internal("INSERT ... RETURNING gave no user"))?;
        tx.commit().await?;
        row.try_into()
    }

    async fn get_user(&self, id: Uuid) -> Result<Option<User>, AppError> {
        let row: Option<UserRow> =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(User::try_from).transpose()
    }

    async fn find_user_for_login(&self, email: &str) -> Result<Option<(User, String)>, AppError> {
        let row: Option<UserRow> =
            sqlx::query_as(sql!(PG, formatcp!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        row.map(UserRow::into_parts).transpose()
    }

    async fn list_users(&self, venue_id: Uuid, page: Page) -> Result<Vec<User>, AppError> {
        let rows: Vec<UserRow> = sqlx::query_as(sql!(
            PG,
            formatcp!(
                "SELECT {USER_COLUMNS} FROM users WHERE venue_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"
            )
        ))
        .bind(venue_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        collect(rows)
    }

    async fn deactivate_user(&self, venue_id: Uuid, user_id: Uuid) -> Result<Option<User>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<UserRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("UPDATE users SET active = FALSE WHERE id = $1 AND venue_id = $2 RETURNING {USER_COLUMNS}")
        ))
        .bind(user_id)
        .bind(venue_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(User::try_from).transpose()
    }

    async fn set_password_hash(&self, venue_id: Uuid, user_id: Uuid, hash: &str) -> Result<Option<User>, AppError> {
        let mut tx = self.begin_write().await?;
        let row: Option<UserRow> = sqlx::query_as(sql!(
            PG,
            formatcp!("UPDATE users SET password_hash = $1 WHERE id = $2 AND venue_id = $3 RETURNING {USER_COLUMNS}")
        ))
        .bind(hash)
        .bind(user_id)
        .bind(venue_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(User::try_from).transpose()
    }

    async fn seed_demo(&self, demo: &DemoData) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        Self::insert_venue(&mut tx, &demo.venue, now, true).await?;
        for user in &demo.users {
            Self::insert_user(&mut tx, user, now, true).await?;
        }
        for c in &demo.categories {
            Self::insert_category(&mut tx, c, true).await?;
        }
        for s in &demo.suppliers {
            Self::insert_supplier(&mut tx, s, true).await?;
        }
        for p in &demo.products {
            Self::insert_product(&mut tx, p, true).await?;
        }
        for (lot, movement) in &demo.lots {
            if Self::insert_lot(&mut tx, lot, true).await?.is_some() {
                Self::insert_movement(&mut tx, lot.venue_id, lot.id, lot.product_id, movement, lot.created_at).await?;
            }
        }
        for t in &demo.tables {
            Self::insert_table(&mut tx, t, true).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn session_load(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar(sql!(PG, "SELECT @jsoncol(data) FROM sessions WHERE id = $1 AND expiry_date > $2"))
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn session_save(&self, id: &str, data: &str, expiry: DateTime<Utc>) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sql!(
            PG,
            "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, @json($2), $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date"
        ))
        .bind(id)
        .bind(data)
        .bind(expiry)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn session_delete(&self, id: &str) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sql!(PG, "DELETE FROM sessions WHERE id = $1")).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<(u32, Option<DateTime<Utc>>), AppError> {
        let (count, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(sql!(
            PG,
            "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE key = $1 AND failed_at > $2"
        ))
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest))
    }

    async fn record_login_failure(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sql!(PG, "DELETE FROM login_failures WHERE failed_at < $1"))
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query(sql!(PG, "INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)"))
                .bind(key)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), AppError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sql!(PG, "DELETE FROM login_failures WHERE key = $1")).bind(key).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
