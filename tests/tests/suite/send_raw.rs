//! `Client::send_raw`, the entry point a gateway forwards through: the same request as
//! `execute` (encoding, auth, retries, timeouts, body cap), the answer handed back as it came.
//! Over real HTTP: wiremock for headers and bodies, the fault server for retries.

use crate::support;

use std::time::Duration;

// Through `api` alone, as an application writes it.
use api::{CallOptions, Client, ErrorKind, Outcome, RetryPolicy};
use support::{call_sid, Fault, FaultServer, ACCOUNT, TOKEN};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn payment(n: u64) -> api::payments::Create {
    api::payments::create(
        call_sid(n),
        format!("key-{n}"),
        "https://example.com/status",
    )
    .into_params()
    .expect("valid parameters")
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn no_retry() -> CallOptions {
    CallOptions {
        retry: Some(RetryPolicy::none()),
        ..CallOptions::default()
    }
}

fn client(url: String) -> Client {
    Client::builder(ACCOUNT, TOKEN)
        .base_url(url)
        .retry(fast())
        .max_response_bytes(64 * 1024)
        .build()
        .expect("client")
}

fn basic() -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    )
}

#[tokio::test]
async fn an_error_status_comes_back_as_an_answer_with_the_headers_a_proxy_keeps() {
    let server = MockServer::start().await;
    let body = r#"{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#;
    Mock::given(method("POST"))
        .and(path(support::payments_path(&call_sid(1))))
        .and(header("authorization", basic().as_str()))
        .and(body_string_contains("IdempotencyKey=key-1"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("Twilio-Request-Id", "RQ00000000000000000000000000000001")
                .insert_header("X-Twilio-Concurrent-Requests", "1")
                .insert_header("Twilio-Concurrent-Requests", "2")
                .insert_header("x-powered-by", "AT-5000")
                .insert_header("set-cookie", "session=abc")
                .set_body_raw(body, "application/json; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let answer = client(server.uri())
        .send_raw(&payment(1), &CallOptions::default())
        .await
        .expect("an answer");
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body, body.as_bytes());
    assert_eq!(
        answer.header("Twilio-Request-Id"),
        Some("RQ00000000000000000000000000000001")
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let mut names: Vec<&str> = answer.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    // Nothing else: no connection, length, date, cookie or server headers.
    assert_eq!(
        names,
        [
            "content-type",
            "twilio-concurrent-requests",
            "twilio-request-id",
            "x-twilio-concurrent-requests"
        ]
    );
}

#[tokio::test]
async fn a_success_is_the_body_as_sent_not_a_decoded_model() {
    let server = MockServer::start().await;
    // Not a Payment at all: send_raw does not decode.
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(r#"{"anything":true}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let answer = client(server.uri())
        .send_raw(&payment(2), &CallOptions::default())
        .await
        .expect("an answer");
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body, r#"{"anything":true}"#.as_bytes());
}

#[tokio::test]
async fn retryable_statuses_are_retried_first_and_the_last_answer_is_returned() {
    let server = FaultServer::start().await;
    let client = client(server.url());
    // 503, then a proper answer: one call, two attempts, the success comes back.
    server.script([Some(Fault::Unavailable503), None]);
    let answer = client
        .send_raw(&payment(3), &CallOptions::default())
        .await
        .expect("answer");
    assert_eq!(answer.status, 201);
    assert_eq!(server.attempts_for_key("key-3").len(), 2);

    // 503 every time: once the policy is done, the last 503 is the answer, not an error.
    server.set_plan(support::Plan::Always(Fault::Unavailable503));
    let answer = client
        .send_raw(&payment(4), &CallOptions::default())
        .await
        .expect("answer");
    assert_eq!(answer.status, 503);
    assert_eq!(server.attempts_for_key("key-4").len(), 3);

    // An idempotent create that met a 500 is replayed with its key; one session in the end.
    server.set_plan(support::Plan::Healthy);
    server.script([Some(Fault::Internal500), None]);
    let answer = client
        .send_raw(&payment(5), &CallOptions::default())
        .await
        .expect("answer");
    assert_eq!(answer.status, 201);
    assert_eq!(server.sessions_on_call(&call_sid(5)).len(), 1);
    assert_eq!(server.duplicates(), 0);
}

#[tokio::test]
async fn no_answer_is_an_error_with_its_outcome() {
    let server = FaultServer::start().await;
    let client = client(server.url());
    // A 2xx body over the cap: an error, never a cut body posing as the answer.
    server.script([Some(Fault::HugeBody)]);
    let err = client
        .send_raw(&payment(6), &no_retry())
        .await
        .expect_err("over the cap");
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { .. }),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Processed);

    // An error status whose body is over the cap too.
    server.script([Some(Fault::HugeErrorBody)]);
    let err = client
        .send_raw(&payment(7), &no_retry())
        .await
        .expect_err("over the cap");
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { status: 500, .. }),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::Unknown);

    // Refused parameters (a struct built by hand, outside its declared range): nothing is sent.
    let before = server.received().len();
    let bad = api::payments::Create {
        min_postal_code_length: Some(0),
        ..payment(8)
    };
    let err = client
        .send_raw(&bad, &CallOptions::default())
        .await
        .expect_err("refused");
    assert!(
        err.invalid_params()
            .is_some_and(|p| p.contains("MinPostalCodeLength")),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert_eq!(server.received().len(), before);
}
