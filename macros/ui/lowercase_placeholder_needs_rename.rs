use runtime::twilio_endpoint;

#[twilio_endpoint(DELETE, "/v1/Knowledge/<id>", host = "knowledge")]
pub struct DeleteKnowledge {
    pub id: String,
}

fn main() {}
