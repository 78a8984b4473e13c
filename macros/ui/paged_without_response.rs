use runtime::twilio_endpoint;

#[twilio_endpoint(GET, "/v2/Services", host = "verify", paged)]
pub struct ListServices {
    pub page_size: Option<u32>,
}

fn main() {}
