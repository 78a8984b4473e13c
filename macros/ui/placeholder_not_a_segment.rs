use runtime::{twilio_endpoint, AccountSid, CallSid};

#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/call-<CallSid>.json")]
pub struct FetchCall {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
}

#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>json")]
pub struct FetchCall2 {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
}

fn main() {}
