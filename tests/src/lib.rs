//! Integration, UI and conformance tests of the workspace, and the proof that a crate outside
//! `api` can declare an endpoint of its own in a few lines: [`FetchCall`] below.

use runtime::{twilio_endpoint, AccountSid, CallSid};

/// Fetches one call.
#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json", response = Call)]
pub struct FetchCall {
    /// The account; the client's own unless set.
    pub account_sid: Option<AccountSid>,
    /// The call.
    pub call_sid: CallSid,
}

/// The part of a call this crate reads. `sid` and `status` are essential (not `Option`): an
/// answer without them fails to decode, naming the field.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct Call {
    /// The call's SID.
    pub sid: CallSid,
    /// Its status, e.g. `in-progress`.
    pub status: String,
}

/// The README's Rust blocks, compiled as doctests of this crate (`cargo test --workspace` runs
/// them), so an example on the project's front page cannot rot. Each block is a whole program,
/// with no hidden lines: what the page shows is what compiles.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
