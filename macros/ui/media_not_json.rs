use runtime::twilio_endpoint;

#[twilio_endpoint(GET, "/Organizations/<OrganizationSid>/scim/Users", host = "preview-iam", media = "text/html")]
pub struct ListUsers {
    pub organization_sid: String,
}

fn main() {}
