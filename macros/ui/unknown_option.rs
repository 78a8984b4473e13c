use runtime::{twilio_endpoint, AccountSid};

#[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Queues.json", respones = ())]
pub struct ListQueues {
    pub account_sid: Option<AccountSid>,
}

fn main() {}
