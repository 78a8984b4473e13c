//! The client's integration suites, one module per concern, in one test binary (each test
//! binary of the workspace links every product's declarations, about 250 MB: one link instead
//! of fifteen). Suites that change process-wide state stay binaries of their own: `client_env`
//! and `proxy_env` set environment variables, `no_secrets`, `webhook_axum` and
//! `webhook_callback_log` install or depend on a tracing subscriber, and `soak` is run by name
//! (README).

#[path = "../odd/mod.rs"]
mod odd;
#[path = "../support/mod.rs"]
mod support;

mod declarations;
mod declare_outside_api;
mod faults;
mod pagination;
mod payments;
mod prefixed_map;
mod products;
mod response_models;
mod send_raw;
mod transport;
mod typed_path;
mod v2010;
mod validation;
mod variants;
mod verify_example;
mod webhook_callback;
mod webhook_signature;
