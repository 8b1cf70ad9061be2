//! The use cases, shared by the REST API and the Leptos server functions: each validates its
//! input, checks the actor's rights against the permission table and calls one store method.

use crate::AppError;
use crate::auth::{TokenKeys, dummy_hash, hash_password, login_retry_after, verify_password};
use crate::domain::language;
use crate::domain::user::{MIN_PASSWORD_LEN, normalize_email};
use crate::domain::{Action, NewUserRequest, Role, User, Venue, VenuePatch, allowed};
use crate::store::{DynStore, NewUser, NewVenue, Page};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How long an access token lives.
pub const TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);
/// Failed logins allowed per e-mail from one client address per window before 429. The
/// address alone is never throttled: a venue's tablets usually share one address, and wrong
/// passwords typed there for other people's e-mails must not lock the whole staff out.
pub const LOGIN_MAX_FAILURES_PER_PAIR: u32 = 5;
/// Failed logins allowed per e-mail from all addresses together per window.
pub const LOGIN_MAX_FAILURES_PER_EMAIL: u32 = 20;
/// Shortest JWT secret accepted (HS256 wants at least its 256 bits of key).
pub const MIN_JWT_SECRET_BYTES: usize = 32;
/// The throttle's sliding window.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(300);

pub type SharedServices = Arc<Services>;

pub struct Services {
    pub store: DynStore,
    pub tokens: TokenKeys,
    /// The live event feed of this instance.
    pub hub: Arc<crate::realtime::Hub>,
    /// Open WebSocket connections of this instance.
    pub realtime_connections: std::sync::atomic::AtomicUsize,
    /// Set when the server shuts down: long-lived connections close themselves.
    pub closing: tokio::sync::watch::Sender<bool>,
    /// This instance's metrics and slow-operation thresholds.
    pub observe: crate::observe::Observe,
    /// When each venue last got a slow-operation alert, per operation.
    slow_alerts: std::sync::Mutex<std::collections::HashMap<(Uuid, crate::observe::Operation), std::time::Instant>>,
}

/// `POST /auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Send it as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds the token stays valid.
    pub expires_in: u64,
    pub user: User,
}

impl Services {
    /// Wires the use cases to a store. Without an explicit secret, the JWT secret is generated
    /// once and kept in the database so tokens survive restarts and work on every instance; an
    /// explicit secret shorter than `MIN_JWT_SECRET_BYTES` (or blank) is refused, since anyone who
    /// guesses it can forge tokens.
    pub async fn new(store: DynStore, jwt_secret: Option<String>) -> Result<SharedServices, AppError> {
        let secret = match jwt_secret {
            Some(s) if s.trim().len() < MIN_JWT_SECRET_BYTES => {
                return Err(AppError::bad_request(format!(
                    "the JWT secret (BEERFLOW_JWT_SECRET or --jwt-secret) must be at least {MIN_JWT_SECRET_BYTES} bytes (it has {}); \
                     use a random value such as the output of `openssl rand -hex 32`, or leave it \
                     unset to have one generated and kept in the database",
                    s.trim().len()
                )));
            }
            Some(s) => s,
            None => {
                let fresh: String = {
                    use rand::Rng;
                    let bytes: [u8; 32] = rand::thread_rng().r#gen();
                    bytes.iter().map(|b| format!("{b:02x}")).collect()
                };
                store.setting_get_or_init("jwt_secret", &fresh).await?
            }
        };
        let observe = crate::observe::Observe::new(env!("CARGO_PKG_VERSION"));
        let hub = crate::realtime::Hub::start(store.clone(), observe.metrics.venue_events());
        store.watch_events(hub.signals()).await?;
        let services = Arc::new(Services {
            store,
            tokens: TokenKeys::new(secret.as_bytes(), TOKEN_TTL),
            hub,
            realtime_connections: std::sync::atomic::AtomicUsize::new(0),
            closing: tokio::sync::watch::channel(false).0,
            observe,
            slow_alerts: std::sync::Mutex::new(std::collections::HashMap::new()),
        });
        // The histograms' samples are folded into their buckets every few seconds, scraped or not.
        let weak = Arc::downgrade(&services);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                let Some(services) = weak.upgrade() else { break };
                services.observe.metrics.upkeep();
            }
        });
        Ok(services)
    }

    /// Checks e-mail and password; the same 401 for an unknown e-mail, a wrong password and a
    /// deactivated account. Too many recent failures for the e-mail from this client, or for the
    /// e-mail from anywhere: 429 (the throttle is kept in the database, so every instance
    /// shares it and a restart does not clear it).
    pub async fn login(&self, req: &LoginRequest, client: Option<IpAddr>) -> Result<LoginResponse, AppError> {
        crate::domain::text::check("email", &req.email, crate::domain::text::Lines::One)
            .map_err(AppError::bad_request)?;
        let email = req.email.trim().to_lowercase();
        let client = client.map_or_else(|| "-".to_owned(), |ip| ip.to_string());
        let keys = [format!("pair:{client} {email}"), format!("email:{email}")];
        let now = chrono::Utc::now();
        let since = now - chrono::Duration::from_std(LOGIN_WINDOW).expect("a short window");
        let mut retry_after = None;
        for (key, max) in keys.iter().zip([LOGIN_MAX_FAILURES_PER_PAIR, LOGIN_MAX_FAILURES_PER_EMAIL]) {
            let (failures, oldest) = self.store.login_failures(key, since).await?;
            retry_after = retry_after.max(login_retry_after(failures, oldest, max, LOGIN_WINDOW, now));
        }
        if let Some(retry_after_secs) = retry_after {
            return Err(AppError::TooManyLogins { retry_after_secs });
        }
        let found = self.store.find_user_for_login(&email).await?;
        let password = req.password.clone();
        let (user, ok) = tokio::task::spawn_blocking(move || match found {
            Some((user, hash)) => {
                let ok = verify_password(&password, &hash) && user.active;
                (Some(user), ok)
            }
            None => {
                verify_password(&password, dummy_hash());
                (None, false)
            }
        })
        .await
        .map_err(|e| AppError::internal(format!("password check: {e}")))?;
        match user {
            Some(user) if ok => {
                for key in &keys {
                    self.store.clear_login_failures(key).await?;
                }
                let access_token = self.tokens.issue(&user)?;
                Ok(LoginResponse {
                    access_token,
                    token_type: "Bearer".into(),
                    expires_in: self.tokens.ttl().as_secs(),
                    user,
                })
            }
            _ => {
                self.store.record_login_failure(&keys, chrono::Utc::now(), since).await?;
                Err(AppError::Unauthorized("invalid email or password".into()).keyed("err-login", []))
            }
        }
    }

    /// The active user behind a bearer token.
    pub async fn authenticate_token(&self, token: &str) -> Result<User, AppError> {
        let claims = self.tokens.verify(token)?;
        let user = self.active_user(claims.sub).await?;
        if user.venue_id != claims.venue_id {
            return Err(AppError::Unauthorized("the access token no longer matches the account".into()));
        }
        Ok(user)
    }

    /// The user if the account still exists and is active; 401 otherwise.
    pub async fn active_user(&self, user_id: Uuid) -> Result<User, AppError> {
        match self.store.get_user(user_id).await? {
            Some(user) if user.active => Ok(user),
            _ => {
                Err(AppError::Unauthorized("the account is unknown or deactivated".into())
                    .keyed("err-account-gone", []))
            }
        }
    }

    pub async fn get_venue(&self, actor: &User, venue_id: Uuid) -> Result<Venue, AppError> {
        authorize(actor, venue_id, Action::VenueRead)?;
        self.store.get_venue(venue_id).await?.ok_or_else(|| AppError::not_found(format!("venue {venue_id} not found")))
    }

    /// Changes the venue's settings (the kitchen display's age thresholds); managers and admins.
    pub async fn update_venue(&self, actor: &User, venue_id: Uuid, patch: VenuePatch) -> Result<Venue, AppError> {
        authorize(actor, venue_id, Action::VenueWrite)?;
        let venue = self.get_venue(actor, venue_id).await?;
        let warn = patch.kds_warn_minutes.unwrap_or(venue.kds_warn_minutes);
        let late = patch.kds_late_minutes.unwrap_or(venue.kds_late_minutes);
        if !(1..=240).contains(&warn) {
            return Err(AppError::bad_request("kds_warn_minutes: must be between 1 and 240")
                .keyed("err-kds-warn-range", [("min", "1".into()), ("max", "240".into())]));
        }
        if !(2..=480).contains(&late) {
            return Err(AppError::bad_request("kds_late_minutes: must be between 2 and 480")
                .keyed("err-kds-late-range", [("min", "2".into()), ("max", "480".into())]));
        }
        if late <= warn {
            return Err(AppError::bad_request(format!(
                "kds_late_minutes: must be greater than kds_warn_minutes ({warn})"
            ))
            .keyed("err-kds-late-after-warn", [("warn", warn.to_string())]));
        }
        let timezone = match patch.timezone {
            Some(tz) => valid_timezone(tz.trim())?.to_owned(),
            None => venue.timezone.clone(),
        };
        let currency = match patch.currency {
            Some(code) => valid_currency(&code)?,
            None => venue.currency.clone(),
        };
        let language = match patch.language {
            Some(l) => valid_language("language", &l)?.to_owned(),
            None => venue.language.clone(),
        };
        let locale = match patch.locale {
            Some(tag) => language::Locale::parse(tag.trim())
                .map_err(|rule| {
                    AppError::bad_request(format!("locale: {rule}")).keyed("err-locale", [("locale", tag.clone())])
                })?
                .tag(),
            None => venue.locale.clone(),
        };
        let updated =
            Venue { timezone, currency, language, locale, kds_warn_minutes: warn, kds_late_minutes: late, ..venue };
        self.store
            .update_venue(&updated)
            .await?
            .ok_or_else(|| AppError::not_found(format!("venue {venue_id} not found")))
    }

    /// `PATCH /auth/me`: the language the signed-in user chose (`None`: the venue's).
    pub async fn set_my_language(&self, actor: &User, language: Option<&str>) -> Result<User, AppError> {
        let language = language.map(|l| valid_language("language", l)).transpose()?;
        self.store
            .set_user_language(actor.id, language)
            .await?
            .ok_or_else(|| AppError::not_found(format!("user {} not found", actor.id)))
    }

    pub async fn list_users(&self, actor: &User, venue_id: Uuid, page: Page) -> Result<Vec<User>, AppError> {
        authorize(actor, venue_id, Action::UsersRead)?;
        self.store.list_users(venue_id, page).await
    }

    pub async fn create_user(&self, actor: &User, venue_id: Uuid, req: NewUserRequest) -> Result<User, AppError> {
        authorize(actor, venue_id, Action::UsersManage)?;
        self.add_user(venue_id, &req.email, &req.name, req.role, &req.password).await
    }

    /// Creates an account without an acting user: the `beerflow user add` command.
    pub async fn add_user(
        &self,
        venue_id: Uuid,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, AppError> {
        let email = normalize_email(email).map_err(AppError::bad_request)?;
        let name = inventory::required_text("name", name, 100)?;
        let name = name.as_str();
        let password_hash = new_password_hash(password).await?;
        self.store
            .create_user(&NewUser { id: Uuid::new_v4(), venue_id, email, name: name.to_owned(), role, password_hash })
            .await
    }

    pub async fn deactivate_user(&self, actor: &User, venue_id: Uuid, user_id: Uuid) -> Result<User, AppError> {
        authorize(actor, venue_id, Action::UsersManage)?;
        if actor.id == user_id {
            return Err(AppError::conflict("you cannot deactivate your own account").keyed("err-deactivate-self", []));
        }
        self.store
            .deactivate_user(venue_id, user_id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("user {user_id} not found")))
    }

    /// Sets a new password for a user of the venue (an admin's reset: the user signs in with it).
    pub async fn reset_password(
        &self,
        actor: &User,
        venue_id: Uuid,
        user_id: Uuid,
        password: &str,
    ) -> Result<User, AppError> {
        authorize(actor, venue_id, Action::UsersManage)?;
        let hash = new_password_hash(password).await?;
        self.store
            .set_password_hash(venue_id, user_id, &hash)
            .await?
            .ok_or_else(|| inventory::not_found("user", user_id))
    }

    /// The venue's latest `stock_alert` and `kitchen_alert` events, newest first.
    pub async fn recent_alerts(
        &self,
        actor: &User,
        venue_id: Uuid,
        limit: i64,
    ) -> Result<Vec<crate::domain::event::EventRecord>, AppError> {
        authorize(actor, venue_id, Action::OrdersRead)?;
        self.store.recent_events(venue_id, &["stock_alert", "kitchen_alert"], limit.clamp(1, 500)).await
    }

    /// Creates a venue: the `beerflow venue add` command.
    pub async fn add_venue(&self, name: &str, timezone: &str) -> Result<Venue, AppError> {
        let name = inventory::required_text("name", name, 200)?;
        let name = name.as_str();
        valid_timezone(timezone)?;
        self.store
            .create_venue(&NewVenue {
                id: Uuid::new_v4(),
                name: name.to_owned(),
                timezone: timezone.to_owned(),
                currency: "EUR".into(),
                language: language::FALLBACK.into(),
                locale: "en-GB".into(),
            })
            .await
    }

    /// Loads the demo venue and its data, once: running it again changes nothing.
    pub async fn seed_demo(&self) -> Result<(), AppError> {
        // Expiry dates are relative to the demo venue's local date, so that some lots expire
        // soon and one has expired, as judged in the venue's own time zone.
        let now = crate::store::now_micros();
        let today = now.with_timezone(&crate::demo::DEMO_TIMEZONE).date_naive();
        let demo = tokio::task::spawn_blocking(move || crate::demo::demo_data(today, now))
            .await
            .map_err(|e| AppError::internal(format!("preparing the demo data: {e}")))??;
        self.store.seed_demo(&demo).await
    }
}

/// 403 unless `actor` belongs to `venue_id` and their role may perform `action`.
pub fn authorize(actor: &User, venue_id: Uuid, action: Action) -> Result<(), AppError> {
    if actor.venue_id != venue_id {
        return Err(AppError::forbidden("this venue is not yours").keyed("err-other-venue", []));
    }
    if !allowed(actor.role, action) {
        return Err(AppError::forbidden(format!("role {} may not do this", actor.role))
            .keyed("err-role", [("role", actor.role.to_string())]));
    }
    Ok(())
}
mod alerts;
mod inventory;
mod orders;
pub use alerts::{DEFAULT_SCAN_EVERY, EXPIRING_WITHIN_DAYS, Raised};
pub use inventory::{LotTrace, MAX_SUMMARY_DAYS, TraceEntry};
pub use orders::{MAX_IDEMPOTENCY_KEY_LEN, MAX_ITEMS_PER_REQUEST};

fn valid_timezone(timezone: &str) -> Result<&str, AppError> {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(tz.name()),
        Err(_) => {
            Err(AppError::bad_request(format!("timezone: `{timezone}` is not an IANA time zone (e.g. Europe/Rome)"))
                .keyed("err-timezone", [("timezone", timezone.to_owned())]))
        }
    }
}

/// An ISO 4217 code (`eur` is taken as `EUR`).
fn valid_currency(code: &str) -> Result<String, AppError> {
    let upper = code.trim().to_ascii_uppercase();
    match iso_currency::Currency::from_code(&upper) {
        Some(c) => Ok(c.code().to_owned()),
        None => Err(AppError::bad_request(format!("currency: `{code}` is not an ISO 4217 currency code (e.g. EUR)"))
            .keyed("err-currency", [("currency", code.to_owned())])),
    }
}

fn valid_language(field: &str, code: &str) -> Result<&'static str, AppError> {
    language::supported(code.trim()).ok_or_else(|| {
        AppError::bad_request(format!(
            "{field}: `{code}` is not a language of BeerFlow's screens ({})",
            language::LANGUAGES.join(", ")
        ))
        .keyed("err-language", [("language", code.to_owned()), ("languages", language::LANGUAGES.join(", "))])
    })
}

/// The symbol and the digits after the decimal separator of an ISO 4217 currency (`€`, 2); the
/// code itself and 2 for a code the standard does not know.
pub fn currency_format(code: &str) -> (String, u8) {
    match iso_currency::Currency::from_code(code) {
        Some(c) => {
            let symbol = c.symbol().symbol;
            let symbol = if symbol.is_empty() { c.code().to_owned() } else { symbol };
            (symbol, c.exponent().map_or(2, |e| e.min(2) as u8))
        }
        None => (code.to_owned(), 2),
    }
}

/// The Argon2id hash of a new password, after checking its length (hashed off the async
/// threads: it takes tens of milliseconds on purpose).
async fn new_password_hash(password: &str) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::bad_request(format!("password: must be at least {MIN_PASSWORD_LEN} characters"))
            .keyed("err-password-length", [("min", MIN_PASSWORD_LEN.to_string())]));
    }
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::internal(format!("password hashing: {e}")))?
}
