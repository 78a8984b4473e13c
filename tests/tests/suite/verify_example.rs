//! The README's Verify example (tests/examples/verify_otp.rs) run as a program against a local
//! mock of the two Verify endpoints: it must send what Verify expects and read both answers.
//! (scripts/conformance also runs it against Prism serving Twilio's verify spec.)

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::json;

const SERVICE: &str = "VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, String, String)>>>);

impl Seen {
    fn push(&self, what: &str, headers: &HeaderMap, body: String) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        self.0
            .lock()
            .expect("lock")
            .push((what.to_owned(), auth, body));
    }
}

async fn start(
    State(seen): State<Seen>,
    Path(service): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    seen.push(&format!("start {service}"), &headers, body);
    let answer = json!({
        "sid": "VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "service_sid": service,
        "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "to": "+14155550100",
        "channel": "sms", "status": "pending", "valid": false,
    });
    (StatusCode::CREATED, answer.to_string())
}

async fn check(
    State(seen): State<Seen>,
    Path(service): Path<String>,
    headers: HeaderMap,
    body: String,
) -> String {
    seen.push(&format!("check {service}"), &headers, body);
    json!({ "sid": "VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "status": "approved", "valid": true })
        .to_string()
}

/// The example as `cargo test` builds it: target/<profile>/examples/verify_otp.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    profile_dir.join("examples/verify_otp")
}

#[tokio::test]
async fn the_readme_verify_example_starts_and_checks_a_code() {
    let seen = Seen::default();
    let app = Router::new()
        .route("/v2/Services/{service}/Verifications", post(start))
        .route("/v2/Services/{service}/VerificationCheck", post(check))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let binary = example_binary();
    assert!(
        binary.exists(),
        "{} is missing: `cargo test -p tests` builds the examples",
        binary.display()
    );
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&binary)
            .env("VERIFY_URL", &url)
            .env_remove("TWILIO_ACCOUNT_SID")
            .output()
    })
    .await
    .expect("joined")
    .expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "example failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(r#"is Some("pending")"#), "{stdout}");
    assert!(stdout.contains(r#"check: Some("approved")"#), "{stdout}");

    let seen = seen.0.lock().expect("lock").clone();
    let basic = "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTptb2NrLXRva2Vu";
    assert_eq!(
        seen,
        vec![
            (
                format!("start {SERVICE}"),
                basic.to_owned(),
                "To=%2B14155550100&Channel=sms".to_owned()
            ),
            (
                format!("check {SERVICE}"),
                basic.to_owned(),
                "Code=123456&To=%2B14155550100".to_owned()
            ),
        ]
    );
}

#[test]
fn readme_verify_example_is_the_compiled_example() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/verify_otp.rs");
    assert!(
        readme.contains(&format!("```rust,no_run\n{example}```")),
        "README's Verify example must equal tests/examples/verify_otp.rs"
    );
}
