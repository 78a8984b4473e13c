// A declared response must be a `#[twilio_model]` (or a Page of one, `serde_json::Value`, `()`).
#[derive(serde::Deserialize)]
pub struct Call {
    pub sid: String,
}

#[runtime::twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json", response = Call)]
pub struct FetchCall {
    pub account_sid: Option<runtime::AccountSid>,
    pub call_sid: runtime::CallSid,
}

fn main() {}
