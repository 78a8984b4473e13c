//! Bad values are refused with a typed error naming each parameter, and nothing is sent.

use api::payments::{create, update};
use runtime::{Client, Outcome};
use rust_decimal_macros::dec;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PK: &str = "PKcccccccccccccccccccccccccccccccc";
const URL: &str = "https://example.com/pay/status";

/// A server that must never be reached.
async fn untouchable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

async fn refused(
    server: &MockServer,
    req: impl std::future::Future<Output = Result<api::payments::Payment, runtime::Error>>,
) -> Vec<(String, String)> {
    let err = req.await.expect_err("must be refused");
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert_eq!(err.attempts(), 0);
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(server
        .received_requests()
        .await
        .expect("recording")
        .is_empty());
    err.invalid_params()
        .expect("invalid params")
        .iter()
        .map(|p| (p.param.to_string(), p.reason.to_string()))
        .collect()
}

fn client(server: &MockServer) -> Client {
    Client::builder(AC, "token")
        .base_url(server.uri())
        .build()
        .expect("client")
}

#[tokio::test]
async fn malformed_sids_are_refused() {
    let server = untouchable().await;
    let c = client(&server);
    let got = refused(&server, create("CA123", "k", URL).send(&c)).await;
    assert_eq!(got.len(), 1);
    // Read as a person reads it: the parameter, what it should look like, what it was.
    assert_eq!(
        format!("{} {}", got[0].0, got[0].1),
        r#"CallSid must be a call SID: CA followed by 32 hex digits; got "CA123" (5 characters)"#
    );

    let got = refused(
        &server,
        update(CA, "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "k", URL).send(&c),
    )
    .await;
    assert_eq!(
        format!("{} {}", got[0].0, got[0].1),
        r#"Sid must be a payment SID: PK followed by 32 hex digits; got "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" (it starts with "CA")"#
    );

    let got = refused(
        &server,
        create(CA, "k", URL)
            .account_sid("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .send(&c),
    )
    .await;
    assert_eq!(got[0].0, "AccountSid");
    assert!(got[0].1.contains("API key"), "{}", got[0].1);

    let got = refused(
        &server,
        update(CA, "PKzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "k", URL).send(&c),
    )
    .await;
    assert!(got[0].1.contains("hex"), "{}", got[0].1);
}

#[tokio::test]
async fn charge_amount_must_be_at_least_zero_and_below_a_million() {
    let server = untouchable().await;
    let c = client(&server);
    for bad in [dec!(-0.01), dec!(1000000), dec!(1000000.01)] {
        let got = refused(&server, create(CA, "k", URL).charge_amount(bad).send(&c)).await;
        assert_eq!(
            got,
            vec![(
                "ChargeAmount".to_owned(),
                format!("must be at least 0 and less than 1000000, got {bad}")
            )]
        );
    }
    // The edges that are allowed encode without loss.
    for good in [dec!(0), dec!(999999.99)] {
        let params = create(CA, "k", URL)
            .charge_amount(good)
            .into_params()
            .expect("valid");
        let (_, body) = c.encode(&params).expect("encodes");
        assert!(body
            .expect("form")
            .contains(&format!("ChargeAmount={good}")));
    }
}

#[tokio::test]
async fn timeout_must_be_between_1_and_600() {
    let server = untouchable().await;
    let c = client(&server);
    for bad in [0u32, 601] {
        let got = refused(&server, create(CA, "k", URL).timeout(bad).send(&c)).await;
        assert_eq!(
            got,
            vec![(
                "Timeout".to_owned(),
                format!("must be between 1 and 600, got {bad}")
            )]
        );
    }
    let got = refused(&server, create(CA, "k", URL).timeout(-5).send(&c)).await;
    assert_eq!(got[0].0, "Timeout");
}

#[tokio::test]
async fn min_postal_code_length_must_be_positive() {
    let server = untouchable().await;
    let got = refused(
        &server,
        create(CA, "k", URL)
            .min_postal_code_length(0)
            .send(&client(&server)),
    )
    .await;
    assert_eq!(
        got,
        vec![(
            "MinPostalCodeLength".to_owned(),
            "must be at least 1, got 0".to_owned()
        )]
    );
}

#[tokio::test]
async fn idempotency_key_must_not_be_empty() {
    let server = untouchable().await;
    let c = client(&server);
    let got = refused(&server, create(CA, "", URL).send(&c)).await;
    assert_eq!(
        got,
        vec![("IdempotencyKey".to_owned(), "must not be empty".to_owned())]
    );
    let got = refused(&server, update(CA, PK, "  ", URL).send(&c)).await;
    assert_eq!(got[0].0, "IdempotencyKey");
}

#[tokio::test]
async fn status_callback_must_be_a_url() {
    let server = untouchable().await;
    let c = client(&server);
    for bad in ["not a url", "", "ftp://example.com/x", "https://"] {
        let got = refused(&server, create(CA, "k", bad).send(&c)).await;
        assert_eq!(got.len(), 1, "{bad:?}");
        assert_eq!(got[0].0, "StatusCallback", "{bad:?}");
    }
}

#[tokio::test]
async fn every_bad_argument_is_reported_together() {
    let server = untouchable().await;
    let got = refused(
        &server,
        create("nope", "", "not a url").send(&client(&server)),
    )
    .await;
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["CallSid", "IdempotencyKey", "StatusCallback"]);
    let got = refused(
        &server,
        create(CA, "k", URL)
            .timeout(0)
            .min_postal_code_length(0)
            .send(&client(&server)),
    )
    .await;
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    // Refusals come in the order the values were given.
    assert_eq!(names, ["Timeout", "MinPostalCodeLength"]);
    // A range is checked as the value is set: a refused argument does not hide it.
    let got = refused(
        &server,
        create("nope", "k", URL).timeout(601).send(&client(&server)),
    )
    .await;
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["CallSid", "Timeout"]);
    assert_eq!(got[1].1, "must be between 1 and 600, got 601");
}

#[tokio::test]
async fn a_non_object_parameter_is_refused() {
    let server = untouchable().await;
    let got = refused(
        &server,
        create(CA, "k", URL)
            .parameter(serde_json::json!(["a"]))
            .send(&client(&server)),
    )
    .await;
    assert_eq!(got[0].0, "Parameter");
    let got = refused(
        &server,
        create(CA, "k", URL)
            .parameter(serde_json::json!({"a": {"b": 1}}))
            .send(&client(&server)),
    )
    .await;
    assert!(got[0].1.contains("single-level"), "{}", got[0].1);
}

#[tokio::test]
async fn an_update_sets_exactly_one_of_capture_and_status() {
    use api::payments::{Capture, Status};
    let server = untouchable().await;
    let c = client(&server);
    let got = refused(&server, update(CA, PK, "k", URL).send(&c)).await;
    assert_eq!(
        got,
        vec![(
            "Capture".to_owned(),
            "or Status must be set (exactly one of them)".to_owned()
        )]
    );
    let got = refused(
        &server,
        update(CA, PK, "k", URL)
            .capture(Capture::SecurityCode)
            .status(Status::Complete)
            .send(&c),
    )
    .await;
    assert_eq!(
        got,
        vec![(
            "Status".to_owned(),
            "cannot be set together with Capture: set exactly one of Capture and Status".to_owned()
        )]
    );
    // Either one alone passes the check (and would be sent).
    for params in [
        update(CA, PK, "k", URL).capture(Capture::SecurityCode),
        update(CA, PK, "k", URL).status(Status::Cancel),
    ] {
        let params = params.into_params().expect("values accepted");
        c.encode(&params).expect("the rule holds");
    }
    // The rule is in the registry, for the gateway and the console.
    let info = runtime::endpoints()
        .into_iter()
        .find(|e| e.operation() == "payments.update")
        .expect("registered");
    assert_eq!(
        info.rules,
        [runtime::Rule {
            kind: runtime::RuleKind::ExactlyOne,
            params: &["Capture", "Status"],
        }]
    );
}
