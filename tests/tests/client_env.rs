//! `Client::from_env` reads the official variable names. One test in its own binary, because
//! it changes the process environment.

use runtime::Client;

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SK: &str = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn clear() {
    for v in [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_REGION",
        "TWILIO_EDGE",
    ] {
        std::env::remove_var(v);
    }
}

#[test]
fn from_env_reads_the_official_variables() {
    clear();
    let err = Client::from_env().expect_err("nothing set");
    assert!(err.to_string().contains("TWILIO_ACCOUNT_SID"), "{err}");

    std::env::set_var("TWILIO_ACCOUNT_SID", AC);
    let err = Client::from_env().expect_err("no token");
    assert!(err.to_string().contains("TWILIO_AUTH_TOKEN"), "{err}");

    std::env::set_var("TWILIO_AUTH_TOKEN", "env-token-value");
    let client = Client::from_env().expect("token auth");
    assert_eq!(
        client.account_sid(),
        &AC.parse::<runtime::AccountSid>().expect("sid")
    );
    assert_eq!(client.base_url(), "https://api.twilio.com");
    assert!(!format!("{client:?}").contains("env-token-value"));

    std::env::set_var("TWILIO_API_KEY", SK);
    std::env::set_var("TWILIO_API_SECRET", "env-secret-value");
    std::env::set_var("TWILIO_REGION", "au1");
    std::env::set_var("TWILIO_EDGE", "sydney");
    let client = Client::from_env().expect("api key auth");
    assert_eq!(client.base_url(), "https://api.sydney.au1.twilio.com");
    let debug = format!("{client:?}");
    assert!(debug.contains("ApiKey") && debug.contains(SK), "{debug}");
    assert!(
        !debug.contains("env-secret-value") && !debug.contains("env-token-value"),
        "{debug}"
    );

    // The classic mix-up: the API key in the account variable.
    std::env::set_var("TWILIO_ACCOUNT_SID", SK);
    std::env::remove_var("TWILIO_API_KEY");
    let err = Client::from_env().expect_err("SK as account");
    assert!(err.to_string().contains("API key"), "{err}");
    clear();
}
