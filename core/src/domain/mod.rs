//! Pure domain types and rules: no I/O, compiled for the browser and the server alike.

pub mod permission;
pub mod role;
pub mod user;
pub mod venue;

pub use permission::{Action, allowed};
pub use role::Role;
pub use user::{NewUserRequest, User};
pub use venue::Venue;
