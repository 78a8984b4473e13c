//! The axum extractor over real HTTP on loopback: a signed callback reaches the handler typed,
//! anything tampered gets 403 and never reaches it.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use api::payments::{Capture, PayStage, PayStatusCallback};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use runtime::webhook::{PublicUrl, RawWebhook, TwilioWebhook, Validator, WebhookConfig};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

mod odd;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const PUBLIC: &str = "https://pay.example.com";
const TIMEOUT: Duration = Duration::from_secs(10);

fn independent_form(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut pairs = params.to_vec();
    pairs.sort();
    pairs.dedup();
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).expect("any key");
    mac.update(url.as_bytes());
    for (k, v) in pairs {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[derive(Clone)]
struct Sinks {
    callbacks: mpsc::UnboundedSender<PayStatusCallback>,
    json: mpsc::UnboundedSender<serde_json::Value>,
    every: mpsc::UnboundedSender<Result<PayStatusCallback, RawWebhook>>,
}

async fn pay_status(
    State(sinks): State<Sinks>,
    TwilioWebhook(cb): TwilioWebhook<PayStatusCallback>,
) -> &'static str {
    sinks.callbacks.send(cb).expect("test holds the receiver");
    "ok"
}

async fn pay_status_or_raw(
    State(sinks): State<Sinks>,
    TwilioWebhook(cb): TwilioWebhook<Result<PayStatusCallback, RawWebhook>>,
) -> &'static str {
    sinks.every.send(cb).expect("test holds the receiver");
    "ok"
}

async fn json_hook(
    State(sinks): State<Sinks>,
    TwilioWebhook(value): TwilioWebhook<serde_json::Value>,
) -> &'static str {
    sinks.json.send(value).expect("test holds the receiver");
    "ok"
}

struct App {
    addr: SocketAddr,
    callbacks: mpsc::UnboundedReceiver<PayStatusCallback>,
    json: mpsc::UnboundedReceiver<serde_json::Value>,
    every: mpsc::UnboundedReceiver<Result<PayStatusCallback, RawWebhook>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Serves the app on an ephemeral loopback port; `config` None leaves the extension out.
async fn spawn_app(config: Option<WebhookConfig>) -> App {
    let (cb_tx, callbacks) = mpsc::unbounded_channel();
    let (json_tx, json) = mpsc::unbounded_channel();
    let (every_tx, every) = mpsc::unbounded_channel();
    let sinks = Sinks {
        callbacks: cb_tx,
        json: json_tx,
        every: every_tx,
    };
    // Nested, so the extractor must use the original path (`/twilio/...`), not the stripped one.
    let twilio = Router::new()
        .route("/pay/status", post(pay_status).get(pay_status))
        .route("/pay/every", post(pay_status_or_raw))
        .route("/json", post(json_hook));
    let mut app = Router::new()
        .nest("/twilio", twilio)
        .route("/health", get(|| async { "up" }))
        .with_state(sinks);
    if let Some(config) = config {
        app = app.layer(Extension(config));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    App {
        addr,
        callbacks,
        json,
        every,
        server,
    }
}

fn config(public: &str) -> WebhookConfig {
    WebhookConfig::new(
        Validator::new(TOKEN),
        PublicUrl::new(public).expect("public URL"),
    )
}

fn http() -> reqwest::Client {
    // reqwest is built without a crypto provider of its own in this workspace (ring is named
    // instead): give the process one before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .expect("client")
}

const CAPTURE: &[(&str, &str)] = &[
    ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ("CallSid", "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
    ("Sid", "PKcccccccccccccccccccccccccccccccc"),
    ("Capture", "payment-card-number"),
    ("PartialResult", "false"),
    ("Required", "expiration-date, security-code"),
    ("PaymentCardNumber", "************1111"),
    ("DateUpdated", "2024-03-05T14:07:41.003Z"),
];

async fn post_form(
    app: &App,
    path_and_query: &str,
    body: String,
    signature: Option<&str>,
) -> reqwest::Response {
    let mut request = http()
        .post(format!("http://{}{path_and_query}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(signature) = signature {
        request = request.header("X-Twilio-Signature", signature);
    }
    request.send().await.expect("loopback request")
}

#[tokio::test]
async fn signed_callback_reaches_the_handler_typed() {
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    // `@`, `:` and percent-escapes must reach the check exactly as sent (reqwest itself
    // escapes a raw `'`, so it goes out pre-escaped here).
    let path = "/twilio/pay/status?order=42&by=ann@example.com&at=12:30&note=O%27Brien%20Jr";
    // Twilio signed the public URL; the app listens on 127.0.0.1 over plain http.
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), CAPTURE);
    let body = serde_html_form::to_string(CAPTURE).expect("form");
    let response = post_form(&app, path, body, Some(&signature)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
    let cb = tokio::time::timeout(TIMEOUT, app.callbacks.recv())
        .await
        .expect("handler ran in time")
        .expect("callback");
    assert_eq!(cb.sid.as_str(), "PKcccccccccccccccccccccccccccccccc");
    assert_eq!(cb.stage(), PayStage::Capturing);
    assert_eq!(cb.capture, Some(Capture::PaymentCardNumber));
    assert_eq!(
        cb.required,
        [Capture::ExpirationDate, Capture::SecurityCode]
    );
    assert_eq!(
        cb.payment_card_number.as_ref().and_then(|n| n.last4()),
        Some("1111")
    );
}

#[tokio::test]
async fn tampered_missing_or_misdirected_signatures_get_403() {
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    let path = "/twilio/pay/status";
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), CAPTURE);
    let body = serde_html_form::to_string(CAPTURE).expect("form");

    // One body byte changed.
    let mut tampered = body.clone().into_bytes();
    let at = tampered.len() - 3;
    tampered[at] = if tampered[at] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let response = post_form(&app, path, tampered, Some(&signature)).await;
    assert_eq!(response.status(), 403);

    // No header at all.
    let response = post_form(&app, path, body.clone(), None).await;
    assert_eq!(response.status(), 403);

    // Signed with another token.
    let wrong = independent_form("not-the-token", &format!("{PUBLIC}{path}"), CAPTURE);
    let response = post_form(&app, path, body.clone(), Some(&wrong)).await;
    assert_eq!(response.status(), 403);

    // Signed for the URL the app sees (the proxy pitfall turned around): refused.
    let local = independent_form(TOKEN, &format!("http://{}{path}", app.addr), CAPTURE);
    let response = post_form(&app, path, body.clone(), Some(&local)).await;
    assert_eq!(response.status(), 403);

    // Not base64.
    let response = post_form(&app, path, body, Some("%%%")).await;
    assert_eq!(response.status(), 403);

    // Every response above was sent after the extractor decided, so the handler never ran.
    assert!(app.callbacks.try_recv().is_err());
}

#[tokio::test]
async fn json_bodies_are_checked_against_body_sha256() {
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    let body = br#"{"Sid":"PKcccccccccccccccccccccccccccccccc","Result":"success"}"#.to_vec();
    let hex: String = Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = format!("/twilio/json?bodySHA256={hex}");
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), &[]);
    let send = |body: Vec<u8>| {
        http()
            .post(format!("http://{}{path}", app.addr))
            .header("content-type", "application/json; charset=utf-8")
            .header("x-twilio-signature", &signature)
            .body(body)
            .send()
    };
    let response = send(body.clone()).await.expect("request");
    assert_eq!(response.status(), 200);
    let value = tokio::time::timeout(TIMEOUT, app.json.recv())
        .await
        .expect("in time")
        .expect("value");
    assert_eq!(value["Result"], "success");

    let mut tampered = body;
    tampered[10] ^= 0x01;
    let response = send(tampered).await.expect("request");
    assert_eq!(response.status(), 403);
    assert!(app.json.try_recv().is_err());
}

#[tokio::test]
async fn get_callbacks_are_decoded_from_the_signed_query() {
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    let query = serde_html_form::to_string(CAPTURE).expect("form");
    let path = format!("/twilio/pay/status?{query}");
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), &[]);
    let response = http()
        .get(format!("http://{}{path}", app.addr))
        .header("x-twilio-signature", &signature)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let cb = tokio::time::timeout(TIMEOUT, app.callbacks.recv())
        .await
        .expect("in time")
        .expect("callback");
    assert_eq!(cb.capture, Some(Capture::PaymentCardNumber));
}

#[tokio::test]
async fn forwarded_headers_count_only_when_trusted() {
    let path = "/twilio/pay/status";
    let forwarded_public = "https://edge.example.org";
    let signature = independent_form(TOKEN, &format!("{forwarded_public}{path}"), CAPTURE);
    let body = serde_html_form::to_string(CAPTURE).expect("form");
    let send = |app: &App| {
        http()
            .post(format!("http://{}{path}", app.addr))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", &signature)
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "edge.example.org")
            .body(body.clone())
            .send()
    };
    let untrusting = spawn_app(Some(config(PUBLIC))).await;
    assert_eq!(send(&untrusting).await.expect("request").status(), 403);

    let trusting = WebhookConfig::new(
        Validator::new(TOKEN),
        PublicUrl::new(PUBLIC)
            .expect("public")
            .trust_forwarded_headers(),
    );
    let mut trusting = spawn_app(Some(trusting)).await;
    assert_eq!(send(&trusting).await.expect("request").status(), 200);
    assert!(tokio::time::timeout(TIMEOUT, trusting.callbacks.recv())
        .await
        .expect("in time")
        .is_some());

    // The standard RFC 7239 header alone does the same.
    let standard = http()
        .post(format!("http://{}{path}", trusting.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", &signature)
        .header(
            "forwarded",
            "for=203.0.113.7;proto=https;host=\"edge.example.org\"",
        )
        .body(body.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(standard.status(), 200);
    assert!(tokio::time::timeout(TIMEOUT, trusting.callbacks.recv())
        .await
        .expect("in time")
        .is_some());
}

#[tokio::test]
async fn authentic_but_undecodable_is_400_and_missing_config_is_500() {
    let app = spawn_app(Some(config(PUBLIC))).await;
    let path = "/twilio/pay/status";
    let params = [("Sid", "PKcccccccccccccccccccccccccccccccc")]; // no AccountSid
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), &params);
    let body = serde_html_form::to_string(params).expect("form");
    let response = post_form(&app, path, body.clone(), Some(&signature)).await;
    assert_eq!(response.status(), 400);
    let text = response.text().await.expect("body");
    assert!(
        !text.contains("PKccc"),
        "the response echoes no payload: {text}"
    );

    let bare = spawn_app(None).await;
    let response = post_form(&bare, path, body, Some(&signature)).await;
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn odd_values_never_keep_a_callback_from_the_handler() {
    let logs = logs();
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    let path = "/twilio/pay/status";
    // Each of the five fields with each of its seven odd values, then all five at once.
    type Pairs = Vec<(&'static str, &'static str)>;
    let mut bodies: Vec<(Vec<&str>, Pairs)> = Vec::new();
    for (name, values) in odd::ODD {
        for value in values {
            let pairs = odd::COMPLETED
                .iter()
                .map(|&(k, v)| (k, if k == *name { *value } else { v }))
                .collect();
            bodies.push((vec![*name], pairs));
        }
    }
    let all_odd = odd::COMPLETED
        .iter()
        .map(
            |&(k, v)| match odd::ODD.iter().find(|(name, _)| *name == k) {
                Some((_, values)) => (k, values[0]),
                None => (k, v),
            },
        )
        .collect();
    bodies.push((odd::ODD.iter().map(|(n, _)| *n).collect(), all_odd));
    for (odd_names, pairs) in &bodies {
        let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), pairs);
        let body = serde_html_form::to_string(pairs).expect("form");
        let response = post_form(&app, path, body, Some(&signature)).await;
        assert_eq!(response.status(), 200, "{pairs:?}");
        let cb = tokio::time::timeout(TIMEOUT, app.callbacks.recv())
            .await
            .expect("handler ran in time")
            .expect("callback");
        assert_eq!(cb.result, Some(api::payments::PayResult::Success));
        assert_eq!(cb.payment_confirmation_code.as_deref(), Some("ch_1Gx2Yz"));
        assert_eq!(cb.stage(), PayStage::Completed);
        let mut kept: Vec<&str> = cb.unreadable.names().collect();
        kept.sort_unstable();
        let mut expected = odd_names.clone();
        expected.sort_unstable();
        assert_eq!(kept, expected, "{pairs:?}");
        for name in odd_names {
            let sent = pairs.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
            assert_eq!(
                cb.unreadable.get(name).and_then(|v| v.as_str()),
                sent,
                "the raw value arrives as sent"
            );
        }
    }
    let text = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(text.contains("does not fit its type"), "{text}");
    assert!(!text.contains("ch_1Gx2Yz"), "{text}");
}

#[tokio::test]
async fn an_authentic_body_that_does_not_decode_reaches_the_handler_raw() {
    let mut app = spawn_app(Some(config(PUBLIC))).await;
    let path = "/twilio/pay/every";
    // No Sid: not a usable PayStatusCallback, but Twilio said something worth keeping.
    let params = [
        ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("CallSid", "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        ("Result", "success"),
        ("PaymentConfirmationCode", "ch_1Gx2Yz"),
    ];
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), &params);
    let body = serde_html_form::to_string(params).expect("form");
    let response = post_form(&app, path, body.clone(), Some(&signature)).await;
    assert_eq!(response.status(), 200);
    let got = tokio::time::timeout(TIMEOUT, app.every.recv())
        .await
        .expect("handler ran in time")
        .expect("a payload");
    let raw = got.expect_err("raw pairs");
    assert_eq!(raw.get("PaymentConfirmationCode"), Some("ch_1Gx2Yz"));
    assert_eq!(raw.get("Result"), Some("success"));
    assert_eq!(raw.pairs().len(), 4);
    assert_eq!(raw.body(), body.as_bytes());
    assert!(raw.reason().contains("Sid"), "{}", raw.reason());
    assert!(
        !format!("{raw:?}").contains("ch_1Gx2Yz"),
        "Debug shows names only"
    );

    // A decodable one arrives typed on the same route; a forged one never arrives.
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), CAPTURE);
    let body = serde_html_form::to_string(CAPTURE).expect("form");
    assert_eq!(
        post_form(&app, path, body.clone(), Some(&signature))
            .await
            .status(),
        200
    );
    let got = tokio::time::timeout(TIMEOUT, app.every.recv())
        .await
        .expect("handler ran in time")
        .expect("a payload");
    assert_eq!(
        got.expect("typed").capture,
        Some(Capture::PaymentCardNumber)
    );
    let forged = independent_form("not-the-token", &format!("{PUBLIC}{path}"), CAPTURE);
    assert_eq!(
        post_form(&app, path, body, Some(&forged)).await.status(),
        403
    );
    assert!(app.every.try_recv().is_err());
}

/// A log sink shared by the whole test binary.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
        logs
    })
}

#[tokio::test]
async fn rejections_are_logged_without_the_body() {
    let logs = logs();
    let app = spawn_app(Some(config(PUBLIC))).await;
    let path = "/twilio/pay/status?secret-query=QUERYMARK";
    let body = "AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&PaymentCardNumber=BODYMARK4111";
    let signature = independent_form(TOKEN, &format!("{PUBLIC}{path}"), &[("x", "y")]);
    let response = post_form(&app, path, body.to_owned(), Some(&signature)).await;
    assert_eq!(response.status(), 403);
    let text = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(text.contains("rejected a Twilio webhook"), "{text}");
    for secret in ["BODYMARK", "QUERYMARK", signature.as_str(), TOKEN] {
        assert!(!text.contains(secret), "{secret} leaked into logs: {text}");
    }
}

#[test]
fn readme_example_is_the_compiled_example() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../examples/status_callbacks.rs");
    assert!(
        readme.contains(&format!("```rust,no_run\n{example}```")),
        "README's \"Receiving status callbacks\" example must equal tests/examples/status_callbacks.rs"
    );
}
