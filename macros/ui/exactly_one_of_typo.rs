use runtime::{twilio_endpoint, AccountSid, CallSid, PaymentSid};

#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments/<Sid>.json", exactly_one_of(captrue, status))]
pub struct UpdatePayment {
    pub account_sid: Option<AccountSid>,
    pub call_sid: CallSid,
    pub sid: PaymentSid,
    pub capture: Option<String>,
    pub status: Option<String>,
}

async fn uses(client: &runtime::Client) {
    let _ = update_payment("CA1", "PK1").status("complete").send(client).await;
}

fn main() {
    let _ = uses;
}
