//! The venue and its staff accounts.

use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authorized, PageQuery, perm};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use beerflow_core::AppError;
use beerflow_core::domain::{NewUserRequest, User, Venue, VenuePatch};
use uuid::Uuid;

pub async fn get_venue(
    State(state): State<AppState>,
    auth: Authorized<perm::VenueRead>,
) -> Result<Json<Venue>, AppError> {
    state.services.get_venue(&auth.user, auth.venue_id).await.map(Json)
}

pub async fn update_venue(
    State(state): State<AppState>,
    auth: Authorized<perm::VenueWrite>,
    ApiJson(patch): ApiJson<VenuePatch>,
) -> Result<Json<Venue>, AppError> {
    state.services.update_venue(&auth.user, auth.venue_id, patch).await.map(Json)
}

pub async fn list_users(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersRead>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Vec<User>>, AppError> {
    state.services.list_users(&auth.user, auth.venue_id, query.page()?).await.map(Json)
}

pub async fn create_user(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersManage>,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let user = state.services.create_user(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

pub async fn deactivate_user(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersManage>,
    ApiPath((_, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    state.services.deactivate_user(&auth.user, auth.venue_id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
