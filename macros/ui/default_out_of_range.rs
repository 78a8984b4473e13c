use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Queues.json")]
pub struct CreateQueue {
    pub account_sid: Option<AccountSid>,
    pub friendly_name: String,
    #[twilio(range = 1..=5000, default = "0")]
    pub max_size: Option<u32>,
}

fn main() {}
