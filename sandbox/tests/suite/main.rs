//! The sandbox's integration suites, one module per concern, in one test binary (each test
//! binary of the workspace links every product's declarations, about 250 MB: one link instead
//! of eight).

#[path = "../common/mod.rs"]
mod common;

mod bind;
mod delivery;
mod flow;
mod idempotency;
mod log;
mod magic;
mod pace;
mod rules;
