//! The Payments resource as Twilio returns it.

use runtime::{AccountSid, CallSid, PaymentSid};
use time::OffsetDateTime;

/// A pay session, as returned by [`create`](super::create) and [`update`](super::update).
///
/// Decoding keeps going when a field holds a value of an unexpected shape (see
/// [`runtime::response`]): the field reads as `None` and its raw value is in
/// [`unreadable`](Self::unreadable). Only [`sid`](Self::sid) is essential: it is the one handle
/// for every later [`update`](super::update), so an answer without a readable session SID
/// fails to decode (the error says Twilio acted). The account and call are the ones the request
/// named, so the caller already has them.
#[runtime::twilio_model(dates = rfc2822)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Payment {
    /// The session (`PK…`): pass it to [`update`](super::update).
    pub sid: PaymentSid,
    /// The account that owns it.
    pub account_sid: Option<AccountSid>,
    /// The call it runs on.
    pub call_sid: Option<CallSid>,
    /// When it was created (RFC 2822 on the wire; ISO 8601 is read too).
    pub date_created: Option<OffsetDateTime>,
    /// When it last changed.
    pub date_updated: Option<OffsetDateTime>,
    /// Its URI, relative to the API host.
    pub uri: Option<String>,
}
