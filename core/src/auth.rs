//! Passwords (Argon2id), access tokens (HS256 JWT) and the failed-login throttle.

use crate::AppError;
use crate::domain::{Role, User};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of a random password, checked against when the e-mail is unknown so that a wrong
/// e-mail and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&Uuid::new_v4().to_string()).unwrap_or_default())
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub venue_id: Uuid,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

/// Issues and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        TokenKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), ttl }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: &User) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.id,
            venue_id: user.venue_id,
            role: user.role,
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::internal(format!("token encoding failed: {e}")))
    }

    /// The claims of a valid, unexpired token; 401 naming the problem otherwise.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map(|d| d.claims).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            let why = match e.kind() {
                ErrorKind::ExpiredSignature => "the access token has expired",
                ErrorKind::InvalidSignature => "the access token's signature is invalid",
                _ => "the access token is malformed",
            };
            AppError::Unauthorized(why.into())
        })
    }
}

/// The login throttle's rule: a key (an e-mail, or an address and an e-mail) with `failures`
/// failed logins within `window` before `now`, the oldest at `oldest`, is refused while it has
/// `max` or more; the answer is the seconds until the oldest leaves the window (at least 1).
pub fn login_retry_after(
    failures: u32,
    oldest: Option<chrono::DateTime<chrono::Utc>>,
    max: u32,
    window: Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<u64> {
    let oldest = oldest.filter(|_| failures >= max)?;
    let window = chrono::Duration::from_std(window).ok()?;
    let left = (oldest + window - now).num_milliseconds();
    (left > 0).then(|| u64::try_from(left).map_or(1, |ms| ms.div_ceil(1000)).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password("admin123!").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("admin123!", &hash));
        assert!(!verify_password("admin123?", &hash));
        assert!(!verify_password("admin123!", "not a hash"));
    }

    #[test]
    fn tokens_round_trip_and_foreign_or_expired_tokens_are_refused() {
        let keys = TokenKeys::new(b"secret-one", Duration::from_secs(60));
        let user = User {
            id: Uuid::new_v4(),
            venue_id: Uuid::new_v4(),
            email: "a@b.co".into(),
            name: "A".into(),
            role: Role::Waiter,
            active: true,
            created_at: chrono::Utc::now(),
            language: None,
        };
        let token = keys.issue(&user).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.venue_id, claims.role), (user.id, user.venue_id, Role::Waiter));

        let other = TokenKeys::new(b"secret-two", Duration::from_secs(60));
        assert!(matches!(other.verify(&token), Err(AppError::Unauthorized(m)) if m.contains("signature")));

        let expired = TokenKeys::new(b"secret-one", Duration::ZERO);
        let stale = expired.issue(&user).unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        assert!(matches!(keys.verify(&stale), Err(AppError::Unauthorized(m)) if m.contains("expired")));
    }

    #[test]
    fn a_key_is_refused_at_the_limit_until_its_oldest_failure_leaves_the_window() {
        let now = chrono::Utc::now();
        let window = Duration::from_secs(300);
        let ago = |secs| Some(now - chrono::Duration::seconds(secs));
        assert_eq!(login_retry_after(0, None, 5, window, now), None);
        assert_eq!(login_retry_after(4, ago(10), 5, window, now), None);
        assert_eq!(login_retry_after(5, ago(10), 5, window, now), Some(290));
        assert_eq!(login_retry_after(9, ago(299), 5, window, now), Some(1));
        assert_eq!(login_retry_after(5, ago(300), 5, window, now), None);
        let nearly = Some(now - chrono::Duration::milliseconds(299_500));
        assert_eq!(login_retry_after(5, nearly, 5, window, now), Some(1), "rounded up, never 0");
    }
}

/// The address a request came from, as the server judged it: the peer's own, or behind a trusted
/// proxy the client the proxy names (`X-Forwarded-For`). Put in every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);
