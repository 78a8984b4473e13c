use runtime::twilio_endpoint;

#[twilio_endpoint(GET, "/v2/Services", host = "verify.twilio.com")]
pub struct ListServices {
    pub page_size: Option<u32>,
}

fn main() {}
