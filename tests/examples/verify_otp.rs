//! A Verify one-time code: start a verification by SMS, then check the code the person typed.
//! With `VERIFY_URL` set (Prism serving Twilio's verify spec, or any mock) it runs offline;
//! without it, against verify.twilio.com with the credentials in the environment.

use api::verify::v2::services::{verification_check, verifications};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = match std::env::var("TWILIO_ACCOUNT_SID") {
        Ok(_) => api::Client::builder_from_env()?,
        // A mock takes any credentials that look right.
        Err(_) => api::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "mock-token"),
    };
    if let Ok(url) = std::env::var("VERIFY_URL") {
        builder = builder.host_base_url("verify", url);
    }
    let client = builder.build()?;

    // The Verify service (VA…) made once in the console or with services::create.
    let service: api::sid::VerifyServiceSid = "VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse()?;
    let started = verifications::create(service, "+14155550100", "sms")
        .send(&client)
        .await?;
    println!("verification {:?} is {:?}", started.sid, started.status);

    let checked = verification_check::create(service)
        .to("+14155550100")
        .code("123456")
        .send(&client)
        .await?;
    println!("check: {:?}", checked.status);
    Ok(())
}
