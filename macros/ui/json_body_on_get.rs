use runtime::twilio_endpoint;

#[twilio_endpoint(GET, "/v1/Assistants", host = "assistants", body = json)]
pub struct ListAssistants {
    pub page_size: Option<u32>,
}

fn main() {}
