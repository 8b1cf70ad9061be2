//! The accounts part of the store: venues, users, server settings, browser sessions and the
//! demo data; the trait, rows and templates here, the implementation in `backend/accounts.rs`.

use crate::AppError;
use crate::domain::{User, Venue};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use const_format::formatcp;
use sqlx::FromRow;
use uuid::Uuid;

use super::{DemoData, NewUser, NewVenue, Page};

#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// The stored value of `key`, storing `init` first if there is none (first writer wins,
    /// so several instances starting at once agree).
    async fn setting_get_or_init(&self, key: &str, init: &str) -> Result<String, AppError>;

    /// 409 when the id is taken.
    async fn create_venue(&self, venue: &NewVenue) -> Result<Venue, AppError>;
    async fn get_venue(&self, id: Uuid) -> Result<Option<Venue>, AppError>;
    /// Writes the venue's settings (all of them, as validated by the use case); `None` when the
    /// venue does not exist.
    async fn update_venue(&self, venue: &Venue) -> Result<Option<Venue>, AppError>;

    /// 409 when the e-mail is already taken; 404 when the venue does not exist.
    async fn create_user(&self, user: &NewUser) -> Result<User, AppError>;
    async fn get_user(&self, id: Uuid) -> Result<Option<User>, AppError>;
    /// The user and their password hash, for login.
    async fn find_user_for_login(&self, email: &str) -> Result<Option<(User, String)>, AppError>;
    async fn list_users(&self, venue_id: Uuid, page: Page) -> Result<Vec<User>, AppError>;
    /// Marks the user inactive; `None` when there is no such user in the venue.
    /// Sets the language the user chose (`None`: the venue's); `None` when there is no such user.
    async fn set_user_language(&self, user_id: Uuid, language: Option<&str>) -> Result<Option<User>, AppError>;
    async fn deactivate_user(&self, venue_id: Uuid, user_id: Uuid) -> Result<Option<User>, AppError>;
    /// Replaces the user's password hash; `None` when there is no such user in the venue.
    async fn set_password_hash(&self, venue_id: Uuid, user_id: Uuid, hash: &str) -> Result<Option<User>, AppError>;

    /// Inserts whatever of the demo data is missing, in one transaction: a row that exists is
    /// left as it is, and a lot's receipt movement is written only with the lot itself.
    async fn seed_demo(&self, demo: &DemoData) -> Result<(), AppError>;

    async fn session_load(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError>;
    async fn session_save(&self, id: &str, data: &str, expiry: DateTime<Utc>) -> Result<(), AppError>;
    async fn session_delete(&self, id: &str) -> Result<(), AppError>;

    /// The failed logins of `key` after `since`: how many, and when the oldest of them was.
    async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<(u32, Option<DateTime<Utc>>), AppError>;
    /// Records a failed login under each of `keys` at `at`, and forgets every failure before
    /// `forget_before`, in one transaction.
    async fn record_login_failure(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), AppError>;
    /// Forgets the failed logins of `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<(), AppError>;
}

pub(crate) const VENUE_COLUMNS: &str =
    "id, name, timezone, kds_warn_minutes, kds_late_minutes, created_at, currency, language, locale";
pub(crate) const USER_COLUMNS: &str = "id, venue_id, email, name, role, active, created_at, password_hash, language";
pub(crate) const VENUE_INSERT: &str = "INSERT INTO venues (id, name, timezone, created_at, currency, language, locale) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(crate) const USER_INSERT: &str = "INSERT INTO users (id, venue_id, email, name, role, password_hash, active, \
     created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)";
pub(crate) const INSERT_VENUE: &str = formatcp!("{VENUE_INSERT} RETURNING {VENUE_COLUMNS}");
pub(crate) const INSERT_VENUE_IF_ABSENT: &str =
    formatcp!("{VENUE_INSERT} ON CONFLICT DO NOTHING RETURNING {VENUE_COLUMNS}");
pub(crate) const INSERT_USER: &str = formatcp!("{USER_INSERT} RETURNING {USER_COLUMNS}");
pub(crate) const INSERT_USER_IF_ABSENT: &str =
    formatcp!("{USER_INSERT} ON CONFLICT DO NOTHING RETURNING {USER_COLUMNS}");

#[derive(FromRow)]
pub(crate) struct VenueRow {
    id: Uuid,
    name: String,
    timezone: String,
    kds_warn_minutes: i32,
    kds_late_minutes: i32,
    created_at: DateTime<Utc>,
    currency: String,
    language: String,
    locale: String,
}

impl From<VenueRow> for Venue {
    fn from(r: VenueRow) -> Self {
        Venue {
            id: r.id,
            name: r.name,
            timezone: r.timezone,
            currency: r.currency,
            language: r.language,
            locale: r.locale,
            kds_warn_minutes: r.kds_warn_minutes,
            kds_late_minutes: r.kds_late_minutes,
            created_at: r.created_at,
        }
    }
}

#[derive(FromRow)]
pub(crate) struct UserRow {
    id: Uuid,
    venue_id: Uuid,
    email: String,
    name: String,
    role: String,
    active: bool,
    created_at: DateTime<Utc>,
    password_hash: String,
    language: Option<String>,
}

impl UserRow {
    /// The user and their password hash.
    pub(crate) fn into_parts(self) -> Result<(User, String), AppError> {
        let user = User {
            id: self.id,
            venue_id: self.venue_id,
            email: self.email,
            name: self.name,
            role: self.role.parse().map_err(|_| super::sql::corrupt("role"))?,
            active: self.active,
            created_at: self.created_at,
            language: self.language,
        };
        Ok((user, self.password_hash))
    }
}

impl TryFrom<UserRow> for User {
    type Error = AppError;
    fn try_from(r: UserRow) -> Result<User, AppError> {
        r.into_parts().map(|(user, _)| user)
    }
}
