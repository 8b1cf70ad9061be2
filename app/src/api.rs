//! Server functions of the UI. Each one is a thin wrapper: it finds the session's user and calls
//! the same use case the REST API calls.

use beerflow_core::domain::{Role, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the UI knows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl From<User> for SessionUser {
    fn from(u: User) -> Self {
        SessionUser { id: u.id, venue_id: u.venue_id, name: u.name, email: u.email, role: u.role }
    }
}

/// Where each role lands after login.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Manager => "/manager",
        Role::Waiter => "/waiter",
        Role::Kitchen => "/kitchen",
    }
}

/// The user of the browser session, if signed in and still active.
#[server]
pub async fn current_user() -> Result<Option<SessionUser>, ServerFnError> {
    Ok(ssr::session_user().await?.map(SessionUser::from))
}

/// Checks the credentials, starts a session (HttpOnly cookie) and goes to the role's home.
#[server]
pub async fn login(email: String, password: String) -> Result<(), ServerFnError> {
    use beerflow_core::services::LoginRequest;
    let services = ssr::services()?;
    let client =
        leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await.ok().map(|ci| ci.0.ip());
    let response = services
        .login(&LoginRequest { email, password }, client)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let session = ssr::session().await?;
    // A new id on login, so a session id planted before login is worthless.
    session.cycle_id().await.map_err(ssr::internal)?;
    session.insert(ssr::USER_KEY, response.user.id).await.map_err(ssr::internal)?;
    leptos_axum::redirect(home_path(response.user.role));
    Ok(())
}

#[server]
pub async fn logout() -> Result<(), ServerFnError> {
    ssr::session().await?.flush().await.map_err(ssr::internal)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The venue's staff, for admins and managers.
#[server]
pub async fn list_staff() -> Result<Vec<User>, ServerFnError> {
    let services = ssr::services()?;
    let user = ssr::session_user().await?.ok_or_else(|| ServerFnError::new("not signed in"))?;
    services.list_users(&user, user.venue_id, Default::default()).await.map_err(|e| ServerFnError::new(e.to_string()))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use beerflow_core::domain::User;
    use beerflow_core::services::SharedServices;
    use leptos::prelude::*;
    use tower_sessions::Session;
    use uuid::Uuid;

    /// The session key holding the signed-in user's id.
    pub const USER_KEY: &str = "user_id";

    pub fn services() -> Result<SharedServices, ServerFnError> {
        use_context::<SharedServices>().ok_or_else(|| ServerFnError::new("services missing from context"))
    }

    pub async fn session() -> Result<Session, ServerFnError> {
        leptos_axum::extract::<Session>().await.map_err(|e| ServerFnError::new(e.to_string()))
    }

    pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
        leptos::logging::error!("session store error: {e}");
        ServerFnError::new("internal error")
    }

    pub async fn session_user() -> Result<Option<User>, ServerFnError> {
        let session = session().await?;
        let Some(id) = session.get::<Uuid>(USER_KEY).await.map_err(internal)? else {
            return Ok(None);
        };
        match services()?.active_user(id).await {
            Ok(user) => Ok(Some(user)),
            Err(beerflow_core::AppError::Unauthorized(_)) => Ok(None),
            Err(e) => Err(ServerFnError::new(e.to_string())),
        }
    }
}
