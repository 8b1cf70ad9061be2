//! Login and the current user.

use super::doc;
use crate::AppState;
use crate::extract::{ApiJson, AuthUser};
use axum::Extension;
use axum::Json;
use axum::extract::State;
use beerflow_core::AppError;
use beerflow_core::auth::ClientAddr;
use beerflow_core::domain::User;
use beerflow_core::error::ErrorBody;
use beerflow_core::services::{LoginRequest, LoginResponse};

/// Signs in with e-mail and password: a bearer token and the user.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = LoginResponse),
        doc::BadRequest,
        doc::WrongLogin,
        (status = 403, description = "A write with the session cookie from another site.", body = ErrorBody),
        doc::PayloadTooLarge,
        doc::TooManyLogins,
        doc::Unavailable,
    )
)]
pub async fn login(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    state.services.login(&req, client.map(|Extension(ClientAddr(ip))| ip)).await.map(Json)
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The user.", body = User), doc::Unauthorized, doc::Unavailable)
)]
pub async fn me(AuthUser(user): AuthUser) -> Json<User> {
    Json(user)
}

/// `PATCH /auth/me`: the language the signed-in user chose for their screens.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    /// A language of the screens (`it`, `en`), or `null` for the venue's; absent: unchanged.
    #[serde(default, deserialize_with = "beerflow_core::domain::inventory::double_option")]
    #[schema(value_type = Option<String>)]
    pub language: Option<Option<String>>,
}

/// Sets the signed-in user's language (`null`: the venue's default language).
#[utoipa::path(
    patch,
    path = "/auth/me",
    tag = "auth",
    security(("bearer" = []), ("session" = [])),
    request_body = MePatch,
    responses(
        (status = 200, description = "The user, with the language.", body = User),
        doc::BadRequest,
        doc::Unauthorized,
        doc::PayloadTooLarge,
        doc::Unavailable,
    )
)]
pub async fn update_me(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(patch): ApiJson<MePatch>,
) -> Result<Json<User>, AppError> {
    match patch.language {
        Some(language) => state.services.set_my_language(&user, language.as_deref()).await.map(Json),
        None => Ok(Json(user)),
    }
}
