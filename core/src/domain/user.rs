//! Staff accounts as the API shows them (never with the password hash).

use super::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "crate::domain::timestamp::utc"))]
    pub created_at: DateTime<Utc>,
    /// The language the user chose for their screens; `None`: the venue's.
    #[serde(default)]
    pub language: Option<String>,
}

/// `POST /venues/{v}/users`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// `PUT /venues/{v}/users/{id}/password`: an admin sets a new password for a user.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// The shortest password we accept for a staff account.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Lower-cased, trimmed e-mail if it looks like one; the error names the rule broken.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    super::text::check("email", raw, super::text::Lines::One)?;
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid { Ok(email) } else { Err(format!("email: `{}` is not a valid e-mail address", raw.trim())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_garbage_is_refused() {
        assert_eq!(normalize_email("  Chef@BeerFlow.Demo ").unwrap(), "chef@beerflow.demo");
        for bad in ["", "chef", "@x.io", "chef@", "chef@localhost", "a b@x.io", "chef@.io"] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
    }
}
