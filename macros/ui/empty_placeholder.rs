use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/<>.json")]
pub struct FetchCall {
    pub account_sid: Option<AccountSid>,
}

fn main() {}
