//! BeerFlow's core: pure domain rules shared by the browser and the server, and (with `ssr`)
//! the storage interface, its SQLite and PostgreSQL implementations and the use cases.

pub mod domain;
pub mod error;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod observe;
#[cfg(feature = "ssr")]
pub mod realtime;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod store;

pub use error::AppError;
