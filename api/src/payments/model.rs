//! The Payments resource as Twilio returns it.

use runtime::{AccountSid, CallSid, PaymentSid};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A pay session, as returned by [`create`](super::create) and [`update`](super::update).
///
/// The spec marks every field nullable; a session without its SIDs is of no use, so those three
/// are required here and a body without them is a decode error rather than a silent `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// The session (`PK…`): pass it to [`update`](super::update).
    pub sid: PaymentSid,
    /// The account that owns it.
    pub account_sid: AccountSid,
    /// The call it runs on.
    pub call_sid: CallSid,
    /// When it was created (RFC 2822 on the wire).
    #[serde(default, with = "runtime::date::rfc2822_option")]
    pub date_created: Option<OffsetDateTime>,
    /// When it last changed.
    #[serde(default, with = "runtime::date::rfc2822_option")]
    pub date_updated: Option<OffsetDateTime>,
    /// Its URI, relative to the API host.
    #[serde(default)]
    pub uri: Option<String>,
}
