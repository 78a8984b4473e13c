//! Sentinel secrets (the Twilio auth token, an API secret, gateway key secrets, the session
//! key) never appear in any answer, error, audit line or log line, TRACE level included
//! (after agent-vault's `NoSecretLeak`). Every log line of this test binary is captured.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use common::*;
use gateway::Gateway;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Capture {
    static LOGS: OnceLock<Capture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .json()
            .init();
        capture
    })
}

const API_SECRET: &str = "sentinel-api-secret-5f1e9d";
const SESSION_SECRET: &str = "5e17e1aa5e17e1aa5e17e1aa5e17e1aa5e17e1aa5e17e1aa5e17e1aa5e17e1aa";

fn sentinels(keys: &[&TestKey]) -> Vec<String> {
    let mut all = vec![
        TOKEN.to_owned(),
        API_SECRET.to_owned(),
        SESSION_SECRET.to_owned(),
        // The upstream Authorization header as it travels.
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}")),
    ];
    for key in keys {
        all.push(key.secret.clone());
        all.push(key.basic().trim_start_matches("Basic ").to_owned());
    }
    all
}

fn assert_clean(what: &str, text: &str, sentinels: &[String]) {
    for s in sentinels {
        assert!(!text.contains(s.as_str()), "{what} holds a secret: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_answers_errors_audit_lines_or_trace_logs() {
    let logs = logs();
    let key = TestKey::new("agent", &["payments", "calls.fetch"]);
    let limited = TestKey::new("limited", &["payments"]).rate("1/m", 1);
    let upstream = FaultServer::start().await;
    let mut file = config(&upstream.url(), &[&key, &limited]);
    file.console.session_secret = Some(SESSION_SECRET.to_owned());
    let gateway = Gateway::builder()
        .config(file.clone())
        .start()
        .await
        .expect("gateway");
    let secrets = sentinels(&[&key, &limited]);
    let client = http();
    let mut answers = Vec::new();
    let url = |path: &str| format!("{}{path}", gateway.url());
    // Success, refusals of every kind, and upstream failures.
    let requests = vec![
        client
            .post(url(&payments_path(ACCOUNT, 1)))
            .header("Authorization", key.basic())
            .form(&[
                ("IdempotencyKey", "k1"),
                ("StatusCallback", "https://e.com/s"),
            ]),
        client
            .post(url(&payments_path(ACCOUNT, 2)))
            .header("Authorization", basic(&key.id, TOKEN)),
        client
            .post(url(&payments_path(ACCOUNT, 2)))
            .header("Authorization", basic(ACCOUNT, TOKEN)),
        client
            .post(url(&payments_path(ACCOUNT, 2)))
            .header("Authorization", format!("Bearer {}", key.secret)),
        client
            .post(url(&payments_path(STRANGER, 3)))
            .header("Authorization", key.basic())
            .form(&[("IdempotencyKey", TOKEN)]),
        client
            .post(url(&payments_path(ACCOUNT, 4)))
            .header("Authorization", key.basic())
            .form(&[
                ("IdempotencyKey", "k4"),
                ("StatusCallback", TOKEN),
                ("PaymentCardNumber", "4242424242424242"),
            ]),
        client
            .get(url("/2010-04-01/Accounts.json"))
            .header("Authorization", key.basic()),
        client
            .get(url(&format!("/2010-04-01/Nope/{TOKEN}")))
            .header("Authorization", key.basic()),
        client
            .post(url(&payments_path(ACCOUNT, 5)))
            .header("Authorization", limited.basic())
            .form(&[
                ("IdempotencyKey", "k5"),
                ("StatusCallback", "https://e.com/s"),
            ]),
        client
            .post(url(&payments_path(ACCOUNT, 6)))
            .header("Authorization", limited.basic())
            .form(&[
                ("IdempotencyKey", "k6"),
                ("StatusCallback", "https://e.com/s"),
            ]),
        client
            .post(url("/console/session"))
            .form(&[("key", format!("{}:{}", key.id, key.secret))]),
        client
            .post(url("/console/session"))
            .form(&[("key", format!("{}:{}", key.id, TOKEN))]),
    ];
    for request in requests {
        let answer = request.send().await.expect("answer");
        let mut text = format!("{} {:?}\n", answer.status(), answer.headers());
        text.push_str(&answer.text().await.expect("body"));
        answers.push(text);
    }
    // The upstream fails: its stalls, resets and HTML pages produce the gateway's own errors.
    for fault in [
        support::Fault::Stall,
        support::Fault::ProcessThenReset,
        support::Fault::BadGatewayHtml502,
    ] {
        upstream.set_plan(support::Plan::Always(fault));
        let answer = client
            .post(url(&payments_path(ACCOUNT, 7)))
            .header("Authorization", key.basic())
            .form(&[
                ("IdempotencyKey", "k7"),
                ("StatusCallback", "https://e.com/s"),
            ])
            .send()
            .await
            .expect("answer");
        answers.push(format!(
            "{} {}",
            answer.status(),
            answer.text().await.expect("body")
        ));
    }
    // A refused reload names what is wrong, never the secrets around it.
    let mut bad = file.clone();
    if let Some(t) = bad.twilio.as_mut() {
        t.account_sid = Some(format!("SK{TOKEN}"));
    }
    let error = gateway.reload_with(bad).expect_err("refused");
    answers.push(error.to_string());
    answers.push(format!("{error:?} {gateway:?} {file:?}"));
    answers.push(gateway.metrics());
    let parse_error =
        gateway::FileConfig::parse(&format!("[twilio]\nauth_token = \"{TOKEN}\" junk\n"))
            .expect_err("bad");
    answers.push(parse_error);

    for (i, text) in answers.iter().enumerate() {
        assert_clean(&format!("answer {i}"), text, &secrets);
    }
    drop(gateway);
    let captured = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(
        captured.contains("gateway::audit"),
        "audit lines were captured"
    );
    assert!(
        captured.contains("\"level\":\"TRACE\"") || captured.contains("\"level\":\"DEBUG\""),
        "TRACE-level logs were captured"
    );
    for line in captured.lines() {
        assert_clean("log line", line, &secrets);
    }
}
