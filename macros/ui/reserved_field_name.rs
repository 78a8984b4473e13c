use runtime::{twilio_endpoint, AccountSid, MessageSid};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Messages/<Sid>.json")]
pub struct UpdateMessage {
    pub account_sid: Option<AccountSid>,
    pub sid: MessageSid,
    pub send: Option<bool>,
}

async fn uses(client: &runtime::Client) {
    let _ = update_message("MM1").send(client).await;
}

fn main() {
    let _ = uses;
}
