use runtime::{twilio_endpoint, AccountSid, PhoneNumber};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Messages.json", exactly_one_of(from, messaging_service_sid))]
pub struct CreateMessage {
    pub account_sid: Option<AccountSid>,
    pub to: PhoneNumber,
    pub from: PhoneNumber,
    pub messaging_service_sid: Option<String>,
}

fn main() {}
