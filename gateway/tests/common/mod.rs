//! Helpers of the gateway's suites: a gateway in front of the fault suite's recording server
//! (`tests/tests/support`, which keeps every request it gets, headers included), keys, and
//! raw HTTP for requests a well-behaved client would never send.

#![allow(dead_code)] // each test binary uses a different part of it

use std::time::Duration;

use base64::Engine as _;
use gateway::config::{KeyEntry, Limits};
use gateway::{FileConfig, Gateway, NewKey, TwilioSection};
use secrecy::ExposeSecret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[path = "../../../tests/tests/support/mod.rs"]
pub mod support;

pub use support::{call_sid, FaultServer, ACCOUNT, TOKEN};

/// A subaccount the test config allows.
pub const SUBACCOUNT: &str = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
/// An account the test config does not know.
pub const STRANGER: &str = "ACcccccccccccccccccccccccccccccccc";

/// A key as a test holds it: the config entry and the secret.
#[derive(Clone)]
pub struct TestKey {
    pub id: String,
    pub secret: String,
    pub entry: KeyEntry,
}

impl TestKey {
    pub fn new(name: &str, allow: &[&str]) -> Self {
        let made = NewKey::generate().expect("random");
        Self {
            id: made.id.clone(),
            secret: made.secret.expose_secret().to_owned(),
            entry: KeyEntry {
                id: made.id,
                name: name.to_owned(),
                secret_sha256: made.digest.to_hex(),
                allow: allow.iter().map(|s| (*s).to_owned()).collect(),
                rate: Some("1000/s".to_owned()),
                burst: None,
                account: None,
                created: None,
                revoked: None,
            },
        }
    }

    pub fn rate(mut self, rate: &str, burst: u32) -> Self {
        self.entry.rate = Some(rate.to_owned());
        self.entry.burst = Some(burst);
        self
    }

    pub fn account(mut self, account: &str) -> Self {
        self.entry.account = Some(account.to_owned());
        self
    }

    pub fn basic(&self) -> String {
        basic(&self.id, &self.secret)
    }
}

pub fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The test config: Twilio credentials pointing at `upstream`, these keys.
pub fn config(upstream: &str, keys: &[&TestKey]) -> FileConfig {
    FileConfig {
        bind: Some("127.0.0.1:0".parse().expect("addr")),
        twilio: Some(TwilioSection {
            account_sid: Some(ACCOUNT.to_owned()),
            auth_token: Some(TOKEN.to_owned()),
            subaccounts: vec![SUBACCOUNT.to_owned()],
            base_url: Some(upstream.to_owned()),
            ..TwilioSection::default()
        }),
        limits: Limits {
            upstream_timeout: Duration::from_millis(300),
            header_timeout: Duration::from_millis(500),
            body_timeout: Duration::from_millis(500),
            max_body_bytes: 64 * 1024,
            ..Limits::default()
        },
        keys: keys.iter().map(|k| k.entry.clone()).collect(),
        ..FileConfig::default()
    }
}

/// A gateway in front of a fresh recording server, with these keys.
pub async fn gateway_with(keys: &[&TestKey]) -> (Gateway, FaultServer) {
    let upstream = FaultServer::start().await;
    let gateway = Gateway::builder()
        .config(config(&upstream.url(), keys))
        .start()
        .await
        .expect("gateway starts");
    (gateway, upstream)
}

/// The payments-create path for call `n` on `account`.
pub fn payments_path(account: &str, n: u64) -> String {
    format!(
        "/2010-04-01/Accounts/{account}/Calls/{}/Payments.json",
        call_sid(n)
    )
}

/// A valid payments-create form.
pub fn payment_form(key: &str) -> String {
    format!(
        "IdempotencyKey={key}&StatusCallback=https%3A%2F%2Fexample.com%2Fstatus&ChargeAmount=19.99"
    )
}

/// An HTTP client that never follows redirects and uses no proxy.
pub fn http() -> reqwest::Client {
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

/// A raw HTTP/1.1 exchange: writes `request` as is, returns the status and the whole answer
/// (the gateway closes after answering with `Connection: close`).
pub async fn raw(gateway: &Gateway, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(gateway.addr()).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The JSON body of an answer read with [`raw`].
pub fn raw_body(answer: &str) -> serde_json::Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// Checks the gateway still answers: an authenticated health check of the REST path.
pub async fn still_serving(gateway: &Gateway) {
    let status = http()
        .get(format!("{}/healthz", gateway.url()))
        .send()
        .await
        .expect("the gateway still answers")
        .status();
    assert_eq!(status, 200);
}
