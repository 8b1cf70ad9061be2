//! Request extractors: JSON, path and query with the contract's error body, and authentication
//! and authorisation driven by the one permission table.

use crate::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use beerflow_core::AppError;
use beerflow_core::domain::{Action, User};
use beerflow_core::services::authorize;
use beerflow_core::store::Page;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use tower_sessions::Session;
use uuid::Uuid;

/// A JSON object body; every rejection becomes the contract's 400 (or 413 when too large). Every
/// request body of the contract is an object: another JSON value is refused, even where serde
/// would read an array as a struct's fields in order.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::bad_request(MISSING_JSON_CONTENT_TYPE));
        }
        // The body is already in memory (`guard::read_body`): this only collects it.
        let bytes = axum::body::to_bytes(req.into_body(), crate::MAX_BODY_BYTES)
            .await
            .map_err(|e| AppError::bad_request(format!("the request body could not be read: {e}")))?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b != b'{') {
            return Err(AppError::bad_request(
                "invalid body: expected a JSON object, as every request body of the API is",
            ));
        }
        axum::Json::<T>::from_bytes(&bytes).map(|axum::Json(v)| ApiJson(v)).map_err(json_rejection)
    }
}

const MISSING_JSON_CONTENT_TYPE: &str = "expected a JSON body with `Content-Type: application/json`";

/// `Content-Type: application/json` (or `application/<something>+json`), as axum's `Json` wants
/// (its own check is private; the body is parsed with `Json::from_bytes`).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::PayloadTooLarge(
            format!("request body is larger than {} bytes", crate::MAX_BODY_BYTES).into(),
        );
    }
    let message = match &rejection {
        JsonRejection::JsonDataError(e) => format!(
            "invalid body: {}",
            e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        ),
        JsonRejection::JsonSyntaxError(e) => format!(
            "malformed JSON: {}",
            e.body_text().trim_start_matches("Failed to parse the request body as JSON: ")
        ),
        JsonRejection::MissingJsonContentType(_) => MISSING_JSON_CONTENT_TYPE.to_owned(),
        other => other.body_text(),
    };
    AppError::bad_request(message)
}

/// Path parameters; a malformed id is a 400 naming it.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e: PathRejection| AppError::bad_request(format!("invalid path: {}", e.body_text())))
    }
}

/// Query parameters; a malformed one is a 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| AppError::bad_request(format!("invalid query: {}", e.body_text())))
    }
}

/// `?limit=&offset=` of every list: limit 1..=1000 (default 100), offset >= 0.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, AppError> {
        page(self.limit, self.offset)
    }
}

/// Validates `?limit=&offset=` for queries that carry them beside their own filters.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<Page, AppError> {
    let limit = limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(AppError::bad_request("limit: must be between 1 and 1000"));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::bad_request("offset: must not be negative"));
    }
    Ok(Page { limit, offset })
}

/// The signed-in, active user: from `Authorization: Bearer`, else from the browser session.
pub struct AuthUser(pub User);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| AppError::Unauthorized("expected `Authorization: Bearer <token>`".into()))?;
            return state.services.authenticate_token(token).await.map(AuthUser);
        }
        if let Ok(session) = Session::from_request_parts(parts, state).await
            && let Some(user) = app::api::ssr::session_user(&session, &state.services).await?
        {
            return Ok(AuthUser(user));
        }
        Err(AppError::Unauthorized("authentication required: send `Authorization: Bearer <token>`".into()))
    }
}

/// A permission of the table, as a type, so handlers declare what they need in their signature.
pub trait Permission {
    const ACTION: Action;
}

macro_rules! permission_types {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// One marker type per `Action`, generated from the same list.
        pub mod perm {
            $(
                $(#[$doc])*
                #[allow(dead_code)] // used as the issues that need them land
                pub struct $name;
                impl super::Permission for $name {
                    const ACTION: beerflow_core::domain::Action = beerflow_core::domain::Action::$name;
                }
            )*
        }
    };
}

beerflow_core::with_actions!(permission_types);

/// An authenticated user of the path's `{venue_id}` whose role may perform `P`: 401 without a
/// valid login, 403 for another venue or a role the table refuses, 400 for a malformed venue id.
pub struct Authorized<P> {
    pub user: User,
    pub venue_id: Uuid,
    _permission: PhantomData<P>,
}

impl<P: Permission + Send> FromRequestParts<AppState> for Authorized<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let AuthUser(user) = AuthUser::from_request_parts(parts, state).await?;
        let params =
            RawPathParams::from_request_parts(parts, state).await.map_err(|e| AppError::bad_request(e.body_text()))?;
        let raw = params
            .iter()
            .find(|(name, _)| *name == "venue_id")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| AppError::internal("Authorized<P> on a route without {venue_id}"))?;
        let venue_id = Uuid::parse_str(&raw)
            .map_err(|_| AppError::bad_request(format!("venue_id: `{raw}` is not a valid UUID")))?;
        authorize(&user, venue_id, P::ACTION)?;
        Ok(Authorized { user, venue_id, _permission: PhantomData })
    }
}
