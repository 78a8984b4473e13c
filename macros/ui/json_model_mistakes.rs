use runtime::twilio_endpoint;

// A model name on a form body, and one that is no class name on a JSON body: one error each.
#[twilio_endpoint(POST, "/v1/Services", host = "verify", json_model = "CreateServiceRequest")]
pub struct CreateService {
    pub friendly_name: String,
}

#[twilio_endpoint(POST, "/v1/ReferralConversion", host = "marketplace", body = json, json_model = "create-request")]
pub struct CreateReferralConversion {
    pub referral_account_sid: Option<String>,
}

fn main() {}
