//! BeerFlow's integration tests in one binary: the real server, and the store alone, on SQLite and PostgreSQL.

#[macro_use]
mod helpers;

mod cli;
mod foundation;
mod inventory;
mod orders;
mod pages;
mod realtime;
mod store;
