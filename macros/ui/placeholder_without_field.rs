use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(DELETE, "/2010-04-01/Accounts/<AccountSid>/Queues/<QueueSid>.json")]
pub struct DeleteQueue {
    pub account_sid: Option<AccountSid>,
}

fn main() {}
