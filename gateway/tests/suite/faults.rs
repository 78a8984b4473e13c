//! Faults upstream, through the gateway: the fault suite's server misbehaves (reset after
//! processing, 500, 502 HTML, stall, …) and its duplicate detector counts sessions per call.
//! Our client → gateway → fault server, each with its own retries: one create with one
//! IdempotencyKey starts exactly one session, whatever happens; a POST without a key is never
//! resent after it may have acted.

use crate::common;

use std::time::Duration;

use common::support::{Fault, Plan};
use common::*;
use runtime::{Client, RetryPolicy};

fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_millis(20))
}

async fn setup() -> (gateway::Gateway, FaultServer, Client, TestKey) {
    let key = TestKey::new("faults", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let client = Client::builder_with_api_key(ACCOUNT, &key.id, &key.secret)
        .base_url(gateway.url())
        .timeout(Duration::from_secs(10))
        .retry(fast(3))
        .build()
        .expect("client");
    (gateway, upstream, client, key)
}

async fn create(client: &Client, n: u64) -> Result<api::payments::Payment, runtime::Error> {
    api::payments::create(
        call_sid(n),
        format!("order-{n}/start"),
        "https://example.com/status",
    )
    .send(client)
    .await
}

#[tokio::test]
async fn one_fault_then_health_ends_in_one_session() {
    let (_gateway, upstream, client, _) = setup().await;
    let faults = [
        Fault::ProcessThenReset,
        Fault::Internal500,
        Fault::BadGatewayHtml502,
        Fault::GatewayTimeout504,
        Fault::Stall,
        Fault::ResetBeforeAnswer,
        Fault::Unavailable503,
        Fault::TooManyRequests(support::RetryAfter::Absent),
        Fault::CutOffBody,
    ];
    for (n, fault) in faults.into_iter().enumerate() {
        let n = n as u64 + 1;
        upstream.script([Some(fault)]);
        let result = create(&client, n).await;
        assert!(result.is_ok(), "{}: {result:?}", fault.name());
        assert_eq!(
            upstream.sessions_on_call(&call_sid(n)).len(),
            1,
            "{}",
            fault.name()
        );
        let attempts = upstream.attempts_for_key(&format!("order-{n}/start")).len();
        assert_eq!(
            attempts,
            2,
            "{}: the gateway retried once, with the same key",
            fault.name()
        );
    }
    assert_eq!(upstream.duplicates(), 0);
}

#[tokio::test]
async fn a_fault_that_never_ends_still_makes_one_session_and_says_the_outcome_is_unknown() {
    let (gateway, upstream, client, key) = setup().await;
    for (n, fault) in [
        (20, Fault::ProcessThenReset),
        (21, Fault::Internal500),
        (22, Fault::Stall),
    ] {
        upstream.set_plan(Plan::Always(fault));
        let error = create(&client, n).await.expect_err(fault.name());
        assert_eq!(
            upstream.sessions_on_call(&call_sid(n)).len(),
            1,
            "{}",
            fault.name()
        );
        assert!(!error.definitely_failed(), "{}: {error}", fault.name());
        // 3 attempts by our client, each of which the gateway tried 3 times: all one key.
        let attempts = upstream.attempts_for_key(&format!("order-{n}/start")).len();
        assert_eq!(attempts, 9, "{}", fault.name());
    }
    // Straight from the gateway: the outcome is named.
    upstream.set_plan(Plan::Always(Fault::ProcessThenReset));
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 30)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-30"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 502);
    assert_eq!(answer.headers()["x-twilio-gateway-outcome"], "unknown");
    let body: serde_json::Value = answer.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("same idempotency key"),
        "{body}"
    );
    assert_eq!(upstream.duplicates(), 0);
}

#[tokio::test]
async fn random_faults_under_concurrency_never_duplicate() {
    let (_gateway, upstream, client, _) = setup().await;
    upstream.set_plan(Plan::Random {
        seed: 7,
        percent: 30,
    });
    let mut tasks = Vec::new();
    for n in 100..160u64 {
        let client = client.clone();
        tasks.push(tokio::spawn(
            async move { create(&client, n).await.is_ok() },
        ));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.expect("task"));
    }
    for n in 100..160u64 {
        assert!(
            upstream.sessions_on_call(&call_sid(n)).len() <= 1,
            "call {n}"
        );
    }
    assert_eq!(upstream.duplicates(), 0, "{:?}", upstream.fault_counts());
    assert!(
        ok >= 40,
        "most creates succeed through two layers of retries: {ok}/60"
    );
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_never_resent_after_it_may_have_acted() {
    let (_gateway, upstream, client, _) = setup().await;
    for fault in [
        Fault::Internal500,
        Fault::ProcessThenReset,
        Fault::BadGatewayHtml502,
        Fault::Stall,
    ] {
        let before = upstream.notes_processed();
        upstream.set_plan(Plan::Always(fault));
        let error = create_note("hello")
            .send(&client)
            .await
            .expect_err(fault.name());
        assert_eq!(
            upstream.notes_processed() - before,
            1,
            "{}: {error}",
            fault.name()
        );
        assert!(!error.definitely_failed(), "{}: {error}", fault.name());
    }
    // Not processed (503): resent, and processed once.
    let before = upstream.notes_processed();
    upstream.script([Some(Fault::Unavailable503)]);
    create_note("hello")
        .send(&client)
        .await
        .expect("resent after 503");
    assert_eq!(upstream.notes_processed() - before, 1);
}

// --- A POST declared here without an idempotency key, as the fault suite declares it. ---

/// A note as the fault server returns it.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct Note {
    /// Its SID.
    pub sid: String,
}

/// Creates a note. No idempotency key: a resend could create a second note.
#[runtime::twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Notes.json", response = Note, status = 201)]
pub struct CreateNote {
    /// The account.
    pub account_sid: Option<runtime::AccountSid>,
    /// The note's text.
    pub text: String,
}
