use runtime::{twilio_endpoint, AccountSid, PhoneNumber, Uri};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls.json", status = 201, one_of(url, twimll))]
pub struct CreateCall {
    pub account_sid: Option<AccountSid>,
    pub to: PhoneNumber,
    pub from: PhoneNumber,
    pub url: Option<Uri>,
    pub twiml: Option<String>,
}

// One error, at the typo: no "no field" from rustc, and the builder still has its setters.
async fn uses(client: &runtime::Client) {
    let _ = create_call("+15550100", "+15550101")
        .url("https://example.com/twiml")
        .twiml("<Response/>")
        .send(client)
        .await;
}

fn main() {
    let _ = uses;
}
