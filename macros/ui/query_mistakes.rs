use runtime::twilio_endpoint;

// `query` on a GET (every parameter is in the query already), on a path field, and on a
// header parameter: one error each.
#[twilio_endpoint(GET, "/v1/Things/<Sid>", host = "lookups")]
pub struct FetchThing {
    #[twilio(query)]
    pub sid: String,
    #[twilio(query)]
    pub page_size: Option<u32>,
}

#[twilio_endpoint(POST, "/v1/Things", host = "lookups")]
pub struct CreateThing {
    #[twilio(header = "X-Twilio-Webhook-Enabled", query)]
    pub webhook_enabled: Option<bool>,
}

fn main() {}
