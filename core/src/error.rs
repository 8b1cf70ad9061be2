//! The one error type of every use case; the HTTP layer turns it into the contract's error body.

use crate::domain::stock::Shortfall;
use serde::{Deserialize, Serialize};
use thiserror::Error;

fn shortfalls(list: &[Shortfall]) -> String {
    list.iter().map(Shortfall::to_string).collect::<Vec<_>>().join("; ")
}

/// An error's message: the English text the REST API answers with and, for the errors a screen
/// shows, a stable key and arguments that the screens translate (`locales/*/main.ftl`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
}

impl std::ops::Deref for Msg {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Msg {
    fn from(text: String) -> Self {
        Msg { text, key: None, args: Vec::new() }
    }
}

impl From<&str> for Msg {
    fn from(text: &str) -> Self {
        Msg::from(text.to_owned())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(Msg),
    /// An order cannot be served: the stock of these products does not cover it (a 400 whose
    /// message contains `insufficient`, as the contract says).
    #[error("insufficient stock: {}", shortfalls(.0))]
    InsufficientStock(Vec<Shortfall>),
    #[error("{0}")]
    Unauthorized(Msg),
    #[error("{0}")]
    Forbidden(Msg),
    #[error("{0}")]
    NotFound(Msg),
    #[error("{0}")]
    Conflict(Msg),
    #[error("{0}")]
    MethodNotAllowed(Msg),
    #[error("{0}")]
    PayloadTooLarge(Msg),
    /// Too many failed logins: refused until `retry_after_secs` have passed (`Retry-After`).
    #[error("too many failed logins: try again in {retry_after_secs} seconds")]
    TooManyLogins { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(Msg),
    /// Details are logged where they happen; the client only learns that something broke.
    #[error("internal server error")]
    Internal,
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest(_) | AppError::InsufficientStock(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::MethodNotAllowed(_) => 405,
            AppError::PayloadTooLarge(_) => 413,
            AppError::TooManyLogins { .. } => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal => 500,
        }
    }

    /// The contract's machine-readable `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) | AppError::InsufficientStock(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::TooManyLogins { .. } => "too_many_requests",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::Internal => "internal_error",
        }
    }

    pub fn bad_request(msg: impl Into<String>) -> Self {
        AppError::BadRequest(Msg::from(msg.into()))
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        AppError::NotFound(Msg::from(msg.into()))
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        AppError::Conflict(Msg::from(msg.into()))
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        AppError::Forbidden(Msg::from(msg.into()))
    }

    /// Gives the message a stable key and arguments, for the screens to translate it; the
    /// English text (the REST API's `message`) stays as it is.
    pub fn keyed<const N: usize>(mut self, key: &str, args: [(&str, String); N]) -> Self {
        if let Some(msg) = self.msg_mut() {
            msg.key = Some(key.to_owned());
            msg.args = args.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        }
        self
    }

    /// The message's key and arguments, when it has them.
    pub fn msg(&self) -> Option<&Msg> {
        match self {
            AppError::BadRequest(m)
            | AppError::Unauthorized(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::MethodNotAllowed(m)
            | AppError::PayloadTooLarge(m)
            | AppError::Unavailable(m) => Some(m),
            _ => None,
        }
    }

    fn msg_mut(&mut self) -> Option<&mut Msg> {
        match self {
            AppError::BadRequest(m)
            | AppError::Unauthorized(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::MethodNotAllowed(m)
            | AppError::PayloadTooLarge(m)
            | AppError::Unavailable(m) => Some(m),
            _ => None,
        }
    }

    /// Something broke that the client cannot fix: `context` (what was being done, what went
    /// wrong) is logged here, and the client only learns that it was an internal error. Every
    /// `Internal` is made here, so none goes unlogged.
    #[track_caller]
    pub fn internal(context: impl std::fmt::Display) -> Self {
        #[cfg(feature = "ssr")]
        {
            let at = std::panic::Location::caller();
            tracing::error!(at = %format_args!("{}:{}", at.file(), at.line()), "internal error: {context}");
        }
        #[cfg(not(feature = "ssr"))]
        let _ = context;
        AppError::Internal
    }
}

/// The contract's error body: `{status_code, error, message}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub status_code: u16,
    pub error: String,
    pub message: String,
}

impl From<&AppError> for ErrorBody {
    fn from(e: &AppError) -> Self {
        ErrorBody { status_code: e.status_code(), error: e.code().to_string(), message: e.to_string() }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The headers the error's answer carries besides its body (`Retry-After` for a throttled
    /// login), for the REST API and the server functions alike.
    pub fn add_headers(&self, headers: &mut axum::http::HeaderMap) {
        if let AppError::TooManyLogins { retry_after_secs } = self {
            headers.insert(axum::http::header::RETRY_AFTER, (*retry_after_secs).into());
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status_code())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(ErrorBody::from(&self))).into_response();
        self.add_headers(response.headers_mut());
        response
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::error!(error = %e, "database unavailable");
                AppError::Unavailable("the database is unavailable, try again".into())
                    .keyed("err-database-unavailable", [])
            }
            _ => AppError::internal(format_args!("database error: {e}")),
        }
    }
}
