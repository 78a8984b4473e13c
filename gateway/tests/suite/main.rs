//! The gateway's integration suites, one module per concern, in one test binary: every binary
//! links the whole workspace (every product's declarations), about 250 MB each, so one binary
//! instead of twelve saves CI eleven links and gigabytes of disk. `no_secrets` stays a binary of
//! its own: it captures every log line of its process.

#[path = "../common/mod.rs"]
mod common;

mod answers;
// The stand-in Assistants declaration `products` drives.
#[cfg(feature = "full")]
mod assistants;
mod bad_input;
mod binary;
mod caller_auth;
mod credentials;
mod faults;
mod operations;
mod path_tricks;
mod pay_session;
// It drives the generated Verify, Messaging and Chat declarations.
#[cfg(feature = "full")]
mod products;
mod props;
mod reload;
mod twilio_python;
