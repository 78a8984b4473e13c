use runtime::{twilio_endpoint, AccountSid, CallSid, IdempotencyKey, PaymentSid, Uri};

use super::{Capture, Payment, Status};

/// Drives a pay session: asks the caller for one field, or completes or cancels the session.
///
/// Each request does one of the two: set `capture` (the field to ask for next) or `status`
/// (complete or cancel), never both and never neither; Twilio refuses anything else, and so
/// does the client, before sending.
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments/<Sid>.json", response = Payment, status = 202, exactly_one_of(capture, status))]
pub struct Update {
    /// The account; the client's own unless set (subaccounts).
    pub account_sid: Option<AccountSid>,
    /// The call the session runs on.
    pub call_sid: CallSid,
    /// The session, from [`create`](super::create).
    pub sid: PaymentSid,
    /// One fresh key per step; retries reuse it, so a step is never applied twice.
    pub idempotency_key: IdempotencyKey,
    /// Where Twilio posts session progress.
    pub status_callback: Uri,
    /// The field to ask the caller for.
    pub capture: Option<Capture>,
    /// Complete or cancel the session.
    pub status: Option<Status>,
}
