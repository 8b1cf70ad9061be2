//! Pure domain types and rules: no I/O, compiled for the browser and the server alike.

pub mod event;
pub mod fefo;
pub mod floor;
pub mod inventory;
pub mod language;
pub mod order;
pub mod permission;
pub mod quantity;
pub mod role;
pub mod stock;
pub mod table;
pub mod text;
pub mod timestamp;
pub mod user;
pub mod venue;
pub mod wire;

pub use fefo::{Allocation, FefoPlan, LotStock, plan_fefo};
pub use permission::{Action, allowed};
pub use quantity::{Money, Qty};
pub use role::Role;
pub use user::{NewUserRequest, User};
pub use venue::{TicketAge, Venue, VenuePatch};
