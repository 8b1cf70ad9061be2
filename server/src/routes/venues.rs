//! The venue and its staff accounts.

use super::doc;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authorized, PageQuery, perm};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use beerflow_core::AppError;
use beerflow_core::domain::user::PasswordReset;
use beerflow_core::domain::{NewUserRequest, User, Venue, VenuePatch};
use uuid::Uuid;

/// The venue.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}",
    tag = "venues",
    params(doc::VenuePath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The venue.", body = Venue),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Unavailable,
    )
)]
pub async fn get_venue(
    State(state): State<AppState>,
    auth: Authorized<perm::VenueRead>,
) -> Result<Json<Venue>, AppError> {
    state.services.get_venue(&auth.user, auth.venue_id).await.map(Json)
}

/// Changes the venue's settings (the kitchen display's age thresholds); absent fields stay.
#[utoipa::path(
    patch,
    path = "/venues/{venue_id}",
    tag = "venues",
    params(doc::VenuePath),
    request_body = VenuePatch,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The updated venue.", body = Venue),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn update_venue(
    State(state): State<AppState>,
    auth: Authorized<perm::VenueWrite>,
    ApiJson(patch): ApiJson<VenuePatch>,
) -> Result<Json<Venue>, AppError> {
    state.services.update_venue(&auth.user, auth.venue_id, patch).await.map(Json)
}

/// The venue's staff accounts.
#[utoipa::path(
    get,
    path = "/venues/{venue_id}/users",
    tag = "venues",
    params(doc::VenuePath, PageQuery),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The users.", body = Vec<User>),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::Unavailable,
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersRead>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Vec<User>>, AppError> {
    state.services.list_users(&auth.user, auth.venue_id, query.page()?).await.map(Json)
}

/// Creates a staff account of the venue.
#[utoipa::path(
    post,
    path = "/venues/{venue_id}/users",
    tag = "venues",
    params(doc::VenuePath),
    request_body = NewUserRequest,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 201, description = "The new user.", body = User),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Conflict, doc::PayloadTooLarge,
        doc::Unavailable,
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersManage>,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<User>), AppError> {
    let user = state.services.create_user(&auth.user, auth.venue_id, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Deactivates a staff account: it can no longer sign in, its tokens stop working.
#[utoipa::path(
    delete,
    path = "/venues/{venue_id}/users/{user_id}",
    tag = "venues",
    params(doc::VenueUserPath),
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 204, description = "Deactivated."),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::Conflict, doc::Unavailable,
    )
)]
pub async fn deactivate_user(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersManage>,
    ApiPath((_, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    state.services.deactivate_user(&auth.user, auth.venue_id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a new password for a staff account (an admin's reset); its sessions and tokens stay.
#[utoipa::path(
    put,
    path = "/venues/{venue_id}/users/{user_id}/password",
    tag = "venues",
    params(doc::VenueUserPath),
    request_body = PasswordReset,
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The user.", body = User),
        doc::BadRequest, doc::Unauthorized, doc::Forbidden, doc::NotFound, doc::PayloadTooLarge, doc::Unavailable,
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    auth: Authorized<perm::UsersManage>,
    ApiPath((_, user_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<Json<User>, AppError> {
    state.services.reset_password(&auth.user, auth.venue_id, user_id, &req.password).await.map(Json)
}
