//! Login and the current user.

use super::doc;
use crate::AppState;
use crate::extract::{ApiJson, AuthUser};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use beerflow_core::AppError;
use beerflow_core::domain::User;
use beerflow_core::error::ErrorBody;
use beerflow_core::services::{LoginRequest, LoginResponse};
use std::net::SocketAddr;

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
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    state.services.login(&req, Some(client.ip())).await.map(Json)
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
