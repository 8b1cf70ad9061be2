//! Login and the current user.

use crate::AppState;
use crate::extract::{ApiJson, AuthUser};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use beerflow_core::AppError;
use beerflow_core::domain::User;
use beerflow_core::services::{LoginRequest, LoginResponse};
use std::net::SocketAddr;

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    state.services.login(&req, Some(client.ip())).await.map(Json)
}

pub async fn me(AuthUser(user): AuthUser) -> Json<User> {
    Json(user)
}
