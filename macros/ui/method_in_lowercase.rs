use runtime::{twilio_endpoint, AccountSid, CallSid};

#[twilio_endpoint(put, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json")]
pub struct UpdateCall {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
}

fn main() {}
