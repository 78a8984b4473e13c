use runtime::{twilio_endpoint, AccountSid, CallSid, IdempotencyKey, PaymentSid, Uri};

use super::{Capture, Payment, Status};

/// Drives a pay session: asks the caller for one field, or completes or cancels the session.
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments/<Sid>.json", response = Payment, status = 202)]
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
