use runtime::{twilio_endpoint, AccountSid, CallSid};

#[twilio_endpoint(FETCH, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json")]
pub struct FetchCall {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
}

// The start function still exists: only the method is reported.
async fn uses(client: &runtime::Client) {
    let _ = fetch_call("CA123").send(client).await;
}

fn main() {
    let _ = uses;
}
