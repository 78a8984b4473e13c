use api::payments::{PayStage, PayStatusCallback};
use axum::{routing::post, Extension, Router};
use runtime::webhook::{PublicUrl, TwilioWebhook, Validator, WebhookConfig};

// Runs only once the signature matched; a bad or missing one never gets here (403).
async fn pay_status(TwilioWebhook(cb): TwilioWebhook<PayStatusCallback>) -> &'static str {
    match cb.stage() {
        PayStage::Completed => println!("{} paid: {:?}", cb.sid, cb.payment_confirmation_code),
        PayStage::Capturing => println!("{} still needs {:?}", cb.sid, cb.required),
        stage => println!("{} is {stage:?} ({:?})", cb.sid, cb.result),
    }
    "ok" // answer 2xx quickly: Twilio retries, so a callback may arrive twice
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let validator = Validator::new(std::env::var("TWILIO_AUTH_TOKEN")?);
    // The URL Twilio calls, not the address this process listens on behind the proxy.
    let public = PublicUrl::new("https://pay.example.com")?;
    let app = Router::new()
        .route("/pay/status", post(pay_status))
        .layer(Extension(WebhookConfig::new(validator, public)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
