//! BeerFlow's integration tests in one binary: the real server, and the store alone, on SQLite and PostgreSQL.

#[macro_use]
mod helpers;

mod backup;
mod cli;
mod corrections;
mod delivery;
mod foundation;
mod hardening;
mod inventory;
mod language;
mod manage;
mod observe;
mod openapi;
mod orders;
mod pages;
mod realtime;
mod store;
