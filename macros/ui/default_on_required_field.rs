use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Queues.json")]
pub struct CreateQueue {
    pub account_sid: Option<AccountSid>,
    #[twilio(default = "queue")]
    pub friendly_name: String,
}

fn main() {}
