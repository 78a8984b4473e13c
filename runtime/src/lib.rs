//! The runtime behind declared Twilio endpoints: the [`Client`] (auth, hosts, timeouts,
//! retries, transport), one [`Error`] type, typed SIDs and parameter values, and webhook
//! signature checks.
//!
//! Endpoints themselves are declared with [`twilio_endpoint`] (the `api` crate declares
//! Twilio's); each declaration generates a function that starts a request and a `send` that
//! hands it to [`Client::execute`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), runtime::Error> {
//! let client = runtime::Client::from_env()?;
//! println!("acting on {}", client.account_sid());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

// The `#[twilio_model]` expansion names `::runtime`; this lets runtime's own code use it.
extern crate self as runtime;

mod client;
mod endpoint;
mod enums;
mod erased;
mod error;
mod http_client;
mod oauth;
pub mod page;
pub mod param;
#[cfg(feature = "reflect")]
mod rebuild;
pub mod reflect;
pub mod registry;
pub mod request;
pub mod response;
mod retry;
mod routing;
pub mod sid;
mod transport;
pub mod webhook;
mod wire;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{
    Client, ClientBuilder, Credentials, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use endpoint::{CallOptions, Endpoint};
pub use erased::{Erased, ForwardError, ForwardFuture, WireError, WireFuture, WireOutcome};
pub use error::{ApiError, Error, ErrorKind, Outcome, TransportError};
pub use macros::{twilio_endpoint, twilio_model};
pub use page::{Items, Listed, Page, PageMeta, Paged};
pub use param::{IntoParam, InvalidParam, InvalidParams, ParamError};
#[cfg(feature = "reflect")]
pub use rebuild::FromWire;
pub use registry::{endpoints, Auth, Body, EndpointInfo, Method, Rule, RuleKind};
pub use request::{
    CommaSeparated, Date, DateTime, IdempotencyKey, JsonObject, PhoneNumber, PrefixedMap,
    SpaceSeparated, Uri,
};
pub use retry::{RetryEvent, RetryPolicy, RetryReason};
pub use sid::{AccountSid, CallSid, MessageSid, PaymentSid, SidError};
pub use transport::RawAnswer;
pub use wire::WireInput;
