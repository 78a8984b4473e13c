use runtime::twilio_endpoint;

#[twilio_endpoint(POST, "/v1/Services", host = "conversations")]
pub struct CreateService {
    pub friendly_name: String,
    #[twilio(header = "X-Twilio-Webhook-Enabled")]
    pub webhook_enabled: Option<Vec<String>>,
}

fn main() {}
