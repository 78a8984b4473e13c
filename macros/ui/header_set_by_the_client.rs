use runtime::twilio_endpoint;

#[twilio_endpoint(POST, "/v1/Insights/Session", host = "flex-api")]
pub struct CreateInsightsSession {
    #[twilio(header = "Authorization")]
    pub authorization: Option<String>,
}

fn main() {}
