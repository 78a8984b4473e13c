//! Twilio webhooks: checking (and, for test servers, computing) `X-Twilio-Signature`.
//!
//! - [`Validator`] checks a request against one or more auth tokens: form POSTs
//!   ([`validate`](Validator::validate), [`validate_form_body`](Validator::validate_form_body)),
//!   GET callbacks (parameters in the URL) and JSON bodies
//!   ([`validate_json`](Validator::validate_json)).
//! - [`PublicUrl`] rebuilds the URL Twilio requested from the app's configured public base
//!   URL, so validation survives proxies.
//! - [`compute_signature`], [`compute_form_body_signature`] and [`json_signing_url`] sign
//!   requests the way Twilio does.
//! - With the `axum` feature, `TwilioWebhook<T>` is an extractor that does all of this and
//!   yields the decoded payload (or, as `TwilioWebhook<Result<T, RawWebhook>>`, the raw
//!   parameters of an authentic request that does not decode).

#[cfg(feature = "axum")]
mod axum;
mod default_port;
mod error;
mod public_url;
mod signature;
mod strict_form;
mod validator;

#[cfg(feature = "axum")]
pub use self::axum::{RawWebhook, TwilioWebhook, WebhookConfig, WebhookRejection};
pub use error::SignatureError;
pub use public_url::PublicUrl;
pub use signature::{
    body_sha256_hex, compute_form_body_signature, compute_signature, json_signing_url,
};
pub use validator::Validator;
