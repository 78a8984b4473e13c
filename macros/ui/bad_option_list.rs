use runtime::{twilio_endpoint, AccountSid, CallSid};

/// A status written as a string: reported once, and the function (named by the option after
/// it) and its builder still exist for the code that uses them.
#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json", status = "200", fn = fetch)]
pub struct FetchCall {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
}

async fn uses(client: &runtime::Client) {
    let _ = fetch("CA123").account_sid("AC123").send(client).await;
}

fn main() {
    let _ = uses;
}
