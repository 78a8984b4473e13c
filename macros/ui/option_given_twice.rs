use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Queues.json", status = 201, status = 200)]
pub struct CreateQueue {
    pub account_sid: Option<AccountSid>,
    pub friendly_name: String,
}

fn main() {}
