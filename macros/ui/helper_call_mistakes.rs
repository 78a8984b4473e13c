use runtime::twilio_endpoint;

// A call missing a placeholder, one without a method, and a camel-case accessor: one error each.
#[twilio_endpoint(GET, "/v2/Services/<ServiceSid>/Verifications/<Sid>", host = "verify", helper_call = "services(ServiceSid).verifications.fetch")]
pub struct FetchVerification {
    pub service_sid: String,
    pub sid: String,
}

#[twilio_endpoint(GET, "/v2/Services/<ServiceSid>", host = "verify", helper_call = "services(ServiceSid)")]
pub struct FetchService {
    pub service_sid: String,
}

#[twilio_endpoint(GET, "/v2/PhoneNumbers/<PhoneNumber>/Overrides/<Field>", host = "lookups", helper_call = "lookupOverrides(Field, PhoneNumber).fetch")]
pub struct FetchOverride {
    pub phone_number: String,
    pub field: String,
}

fn main() {}
