use runtime::{twilio_endpoint, AccountSid, CallSid};

#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AcountSid>/Calls/<CallSid>/<CallSid>.json")]
pub struct FetchCall {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
    #[twilio(range = 1..=10, colour = "red")]
    pub page_size: Option<u32>,
}

fn main() {
    // The struct and its start function still exist: only the real errors above are reported.
    let _ = fetch_call("CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").page_size(5u32);
}
