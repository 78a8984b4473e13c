//! Payments create and update against a local mock: exactly what goes on the wire, and what
//! comes back.

use api::payments::{
    create, update, BankAccountType, Capture, CardType, Input, MatchingInput, PaymentMethod,
    Status, TokenType,
};
use runtime::{Client, RetryPolicy};
use rust_decimal_macros::dec;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SUB: &str = "AC0123456789abcdef0123456789abcdef";
const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PK: &str = "PKcccccccccccccccccccccccccccccccc";
const TOKEN: &str = "test-auth-token";
const CREATE_PATH: &str = "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/Payments.json";
const UPDATE_PATH: &str =
    "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/Payments/PKcccccccccccccccccccccccccccccccc.json";

/// The spec's example body for both operations.
fn spec_example() -> serde_json::Value {
    serde_json::json!({
        "account_sid": AC,
        "call_sid": CA,
        "date_created": "Wed, 18 Dec 2019 20:02:01 +0000",
        "date_updated": "Wed, 18 Dec 2019 20:02:01 +0000",
        "sid": PK,
        "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/Payments/PKcccccccccccccccccccccccccccccccc.json"
    })
}

async fn mock(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1, "exactly one request expected");
    requests.remove(0)
}

fn form(req: &Request) -> Vec<(String, String)> {
    serde_html_form::from_bytes(&req.body).expect("form body")
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn header<'a>(req: &'a Request, name: &str) -> &'a str {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("missing header {name}"))
}

fn assert_common_headers(req: &Request) {
    // Basic base64("AC…:test-auth-token"), computed independently of the client.
    let expected = format!("Basic {}", base64_std(&format!("{AC}:{TOKEN}")));
    assert_eq!(header(req, "authorization"), expected);
    assert_eq!(
        header(req, "content-type"),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(header(req, "accept"), "application/json");
    let ua = header(req, "user-agent");
    assert!(ua.starts_with("twilio-rust-runtime/0.1.0 ("), "{ua}");
    assert!(
        ua.contains(std::env::consts::OS) && ua.contains(std::env::consts::ARCH),
        "{ua}"
    );
    assert!(ua.contains(" rust/1."), "{ua}");
}

/// A plain base64 encoder, so the expected header does not come from the code under test.
fn base64_std(input: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn create_with_required_fields_only() {
    let server = mock(201, spec_example()).await;
    let session = create(CA, "order-1234/start", "https://example.com/pay/status")
        .send(&client(&server))
        .await
        .expect("created");
    assert_eq!(session.sid, PK);
    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), CREATE_PATH);
    assert_eq!(req.url.query(), None);
    assert_common_headers(&req);
    assert_eq!(
        form(&req),
        pairs(&[
            ("IdempotencyKey", "order-1234/start"),
            ("StatusCallback", "https://example.com/pay/status")
        ])
    );
}

#[tokio::test]
async fn create_with_every_optional_field() {
    let server = mock(201, spec_example()).await;
    create(CA, "order-1234/start", "/pay/status")
        .bank_account_type(BankAccountType::ConsumerSavings)
        .charge_amount(dec!(999999.99))
        .currency("EUR")
        .description("Order 1234 & co")
        .input(Input::Dtmf)
        .min_postal_code_length(5)
        .parameter(serde_json::json!({"merchant": "m-1", "retry": false}))
        .payment_connector("stripe_connector")
        .payment_method(PaymentMethod::AchDebit)
        .postal_code(false)
        .security_code(true)
        .timeout(600)
        .token_type(TokenType::OneTime)
        .valid_card_types([CardType::Visa, CardType::Amex, CardType::DinersClub])
        .require_matching_inputs([
            MatchingInput::PaymentCardNumber,
            MatchingInput::SecurityCode,
        ])
        .confirmation(true)
        .send(&client(&server))
        .await
        .expect("created");
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), CREATE_PATH);
    assert_common_headers(&req);
    assert_eq!(
        form(&req),
        pairs(&[
            ("IdempotencyKey", "order-1234/start"),
            ("StatusCallback", "/pay/status"),
            ("BankAccountType", "consumer-savings"),
            ("ChargeAmount", "999999.99"),
            ("Currency", "EUR"),
            ("Description", "Order 1234 & co"),
            ("Input", "dtmf"),
            ("MinPostalCodeLength", "5"),
            ("Parameter", r#"{"merchant":"m-1","retry":false}"#),
            ("PaymentConnector", "stripe_connector"),
            ("PaymentMethod", "ach-debit"),
            ("PostalCode", "false"),
            ("SecurityCode", "true"),
            ("Timeout", "600"),
            ("TokenType", "one-time"),
            ("ValidCardTypes", "visa amex diners-club"),
            ("RequireMatchingInputs", "payment-card-number,security-code"),
            ("Confirmation", "true"),
        ])
    );
    // The raw body keeps the space-joined list as one value, encoded as a form does.
    let raw = String::from_utf8(req.body.clone()).expect("utf-8");
    assert!(
        raw.contains("ValidCardTypes=visa+amex+diners-club"),
        "{raw}"
    );
}

#[tokio::test]
async fn update_asks_for_one_field() {
    let server = mock(202, spec_example()).await;
    let session = update(CA, PK, "order-1234/card", "https://example.com/pay/status")
        .capture(Capture::PostalCodeMatcher)
        .send(&client(&server))
        .await
        .expect("accepted");
    assert_eq!(session.call_sid.expect("call_sid"), CA);
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), UPDATE_PATH);
    assert_common_headers(&req);
    assert_eq!(
        form(&req),
        pairs(&[
            ("IdempotencyKey", "order-1234/card"),
            ("StatusCallback", "https://example.com/pay/status"),
            ("Capture", "postal-code-matcher"),
        ])
    );
}

#[tokio::test]
async fn update_completes_the_session() {
    // Capture and Status are exactly one of two (`validation.rs` shows both refused).
    let server = mock(202, spec_example()).await;
    update(
        CA,
        PK,
        "order-1234/complete",
        "https://example.com/pay/status",
    )
    .status(Status::Complete)
    .send(&client(&server))
    .await
    .expect("accepted");
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), UPDATE_PATH);
    assert_common_headers(&req);
    assert_eq!(
        form(&req),
        pairs(&[
            ("IdempotencyKey", "order-1234/complete"),
            ("StatusCallback", "https://example.com/pay/status"),
            ("Status", "complete"),
        ])
    );
}

#[tokio::test]
async fn the_account_can_be_overridden_for_subaccounts() {
    let server = mock(201, spec_example()).await;
    create(CA, "k", "https://example.com/s")
        .account_sid(SUB)
        .send(&client(&server))
        .await
        .expect("created");
    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/Payments.json"
    );
}

#[tokio::test]
async fn api_key_auth_sends_the_key_and_keeps_the_account_in_the_path() {
    let server = mock(201, spec_example()).await;
    let key = "SKdddddddddddddddddddddddddddddddd";
    let client = Client::builder_with_api_key(AC, key, "key-secret")
        .base_url(server.uri())
        .build()
        .expect("client");
    create(CA, "k", "https://example.com/s")
        .send(&client)
        .await
        .expect("created");
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), CREATE_PATH);
    assert_eq!(
        header(&req, "authorization"),
        format!("Basic {}", base64_std(&format!("{key}:key-secret")))
    );
}

#[tokio::test]
async fn the_spec_example_parses_into_payment() {
    let server = mock(201, spec_example()).await;
    let p = create(CA, "k", "https://example.com/s")
        .send(&client(&server))
        .await
        .expect("created");
    assert_eq!(p.account_sid.expect("account_sid"), AC);
    assert_eq!(p.call_sid.expect("call_sid"), CA);
    assert!(p.unreadable.is_empty(), "{:?}", p.unreadable);
    assert_eq!(p.sid, PK);
    let created = p.date_created.expect("date_created");
    assert_eq!(
        (created.year(), created.month() as u8, created.day()),
        (2019, 12, 18)
    );
    assert_eq!(
        (created.hour(), created.minute(), created.second()),
        (20, 2, 1)
    );
    assert_eq!(p.date_updated, Some(created));
    assert!(p
        .uri
        .expect("uri")
        .ends_with("/Payments/PKcccccccccccccccccccccccccccccccc.json"));
}

#[tokio::test]
async fn unknown_extra_fields_are_tolerated() {
    let mut body = spec_example();
    body["brand_new_field"] = serde_json::json!({"nested": [1, 2]});
    body["date_updated"] = serde_json::Value::Null;
    let server = mock(201, body).await;
    let p = create(CA, "k", "https://example.com/s")
        .send(&client(&server))
        .await
        .expect("created");
    assert_eq!(p.sid, PK);
    assert_eq!(p.date_updated, None);
}

#[tokio::test]
async fn a_twilio_error_body_maps_to_the_typed_error() {
    let server = mock(
        400,
        serde_json::json!({
            "code": 21220,
            "message": "Invalid call state for this operation",
            "more_info": "https://www.twilio.com/docs/errors/21220",
            "status": 400
        }),
    )
    .await;
    let err = update(CA, PK, "k", "https://example.com/s")
        .status(Status::Complete)
        .send(&client(&server))
        .await
        .expect_err("400");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some(21220));
    let api = err.api_error().expect("api error");
    assert_eq!(api.message, "Invalid call state for this operation");
    assert_eq!(
        api.more_info.as_deref(),
        Some("https://www.twilio.com/docs/errors/21220")
    );
    assert!(err.definitely_failed());
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("21220") && text.contains("Invalid call state"),
        "{text}"
    );
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn an_html_502_still_gives_a_useful_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CREATE_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let err = create(CA, "k", "https://example.com/s")
        .with_retry(RetryPolicy::none())
        .send(&client(&server))
        .await
        .expect_err("502");
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.code(), None);
    match err.kind() {
        runtime::ErrorKind::Http {
            status,
            body_excerpt,
        } => {
            assert_eq!(*status, 502);
            assert!(body_excerpt.contains("502 Bad Gateway"), "{body_excerpt}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    // A 502 may or may not have been acted on.
    assert!(err.is_outcome_unknown());
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}
