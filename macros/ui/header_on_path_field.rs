use runtime::{twilio_endpoint, CallSid};

#[twilio_endpoint(GET, "/v1/Calls/<CallSid>", host = "voice")]
pub struct FetchCall {
    #[twilio(header = "X-Call-Sid")]
    pub call_sid: CallSid,
}

fn main() {}
