//! Passwords (Argon2id), access tokens (HS256 JWT) and the failed-login throttle.

use crate::AppError;
use crate::domain::{Role, User};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
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

/// Counts failed logins per key (an e-mail, a client address) in a sliding window; a key with
/// too many recent failures is refused (429) until the window has moved on.
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        LoginThrottle { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    /// Seconds until `key` may try again, if it is throttled now.
    pub fn retry_after(&self, key: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = map.get_mut(key)?;
        recent.retain(|t| now.duration_since(*t) < self.window);
        if recent.len() >= self.max_failures {
            let oldest = recent[0];
            Some(self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
        } else {
            None
        }
    }

    pub fn record_failure(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map from growing without bound under a spray of distinct keys.
        if map.len() > 10_000 {
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        map.entry(key.to_owned()).or_default().push(now);
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
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
    fn the_throttle_refuses_after_the_limit_and_clears_on_success() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(throttle.retry_after("a@b.co"), None);
            throttle.record_failure("a@b.co");
        }
        assert!(throttle.retry_after("a@b.co").is_some_and(|s| s > 0 && s <= 60));
        assert_eq!(throttle.retry_after("c@d.co"), None);
        throttle.clear("a@b.co");
        assert_eq!(throttle.retry_after("a@b.co"), None);
    }
}
