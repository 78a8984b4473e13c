//! Shared helpers for the sandbox tests: a sandbox, a client, a receiver, raw requests and the
//! callback sequence a full card session sends.
#![allow(dead_code)]

use std::time::Duration;

use api::payments::{create, update, Capture, Payment, Status};
use runtime::{CallSid, Client, PaymentSid};
use sandbox::{Received, Receiver, Sandbox};

pub const WAIT: Duration = Duration::from_secs(10);

pub struct Env {
    pub sandbox: Sandbox,
    pub client: Client,
    pub receiver: Receiver,
    pub status: String,
}

pub async fn env() -> Env {
    env_with(Sandbox::builder()).await
}

pub async fn env_with(builder: sandbox::SandboxBuilder) -> Env {
    let sandbox = builder.start().await.expect("sandbox");
    let client = sandbox.client().expect("client");
    let receiver = Receiver::start(sandbox.auth_token())
        .await
        .expect("receiver");
    let status = receiver.url("/pay/status");
    Env {
        sandbox,
        client,
        receiver,
        status,
    }
}

pub const CARD_FIELDS: [Capture; 4] = [
    Capture::PaymentCardNumber,
    Capture::ExpirationDate,
    Capture::SecurityCode,
    Capture::PostalCode,
];

impl Env {
    pub async fn start(&self, call: CallSid, key: &str) -> Result<Payment, runtime::Error> {
        create(call, key, self.status.as_str())
            .charge_amount(rust_decimal::Decimal::new(1999, 2))
            .send(&self.client)
            .await
    }

    pub async fn capture(
        &self,
        call: CallSid,
        sid: PaymentSid,
        field: Capture,
    ) -> Result<Payment, runtime::Error> {
        update(
            call,
            sid,
            format!("{sid}/{field}/{}", fastrand::u64(..)),
            self.status.as_str(),
        )
        .capture(field)
        .send(&self.client)
        .await
    }

    pub async fn finish(
        &self,
        call: CallSid,
        sid: PaymentSid,
        status: Status,
    ) -> Result<Payment, runtime::Error> {
        update(
            call,
            sid,
            format!("{sid}/{status}/{}", fastrand::u64(..)),
            self.status.as_str(),
        )
        .status(status)
        .send(&self.client)
        .await
    }

    /// The next callback, which must arrive within `WAIT` and be correctly signed.
    pub async fn next(&mut self) -> Received {
        let cb = self
            .receiver
            .next(WAIT)
            .await
            .expect("a callback within the timeout");
        assert!(cb.signature_valid, "bad signature on {cb:?}");
        cb
    }

    /// Callbacks until (and including) the one carrying `Result`.
    pub async fn until_result(&mut self) -> Vec<Received> {
        let mut out = Vec::new();
        loop {
            let cb = self.next().await;
            let done = cb.get("Result").is_some_and(|r| !r.is_empty());
            out.push(cb);
            if done {
                return out;
            }
        }
    }

    /// A raw POST with the account's credentials (to send what the typed client refuses to).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
        raw_post(
            &format!("{}{path}", self.sandbox.base_url()),
            self.sandbox.account_sid(),
            self.sandbox.auth_token(),
            form,
        )
        .await
    }

    /// Starts a call over REST, as any client would, with these numbers and extra form fields.
    pub async fn create_call(
        &self,
        to: &str,
        from: &str,
        extra: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let path = format!(
            "/2010-04-01/Accounts/{}/Calls.json",
            self.sandbox.account_sid()
        );
        let mut form = vec![
            ("To", to),
            ("From", from),
            ("Url", "https://example.com/twiml"),
        ];
        form.extend_from_slice(extra);
        self.post(&path, &form).await
    }

    /// [`Env::create_call`] that must succeed; the new call's SID.
    pub async fn call_to(&self, to: &str, from: &str) -> CallSid {
        let (status, body) = self.create_call(to, from, &[]).await;
        assert_eq!(status, 201, "{body}");
        body["sid"]
            .as_str()
            .expect("sid")
            .parse()
            .expect("call SID")
    }

    /// Callbacks until a field's last one (`PartialResult=false`); that one.
    pub async fn field_done(&mut self) -> Received {
        loop {
            let cb = self.next().await;
            if cb.get("PartialResult") == Some("false") {
                return cb;
            }
        }
    }

    /// `Status=complete`, then the callbacks until the one with `Result`; that one.
    pub async fn complete_and_result(&mut self, call: CallSid, sid: PaymentSid) -> Received {
        self.finish(call, sid, Status::Complete)
            .await
            .expect("complete");
        self.until_result().await.pop().expect("final")
    }

    /// Every card field without waiting (fine at the instant pace), then
    /// [`Env::complete_and_result`].
    pub async fn capture_all_and_complete(&mut self, call: CallSid, sid: PaymentSid) -> Received {
        for field in CARD_FIELDS {
            self.capture(call, sid, field).await.expect("capture");
        }
        self.complete_and_result(call, sid).await
    }

    /// Every field in turn, waiting for each one's last callback (as a client should), then
    /// `Status=complete`; the callbacks until the one with `Result`.
    pub async fn run_session(&mut self, call: CallSid, key: &str) -> Vec<Received> {
        let session = self.start(call, key).await.expect("create");
        let mut callbacks = Vec::new();
        for field in CARD_FIELDS {
            self.capture(call, session.sid, field.clone())
                .await
                .expect("capture");
            loop {
                let cb = self.next().await;
                let last = cb.get("Capture") == Some(field.as_str())
                    && cb.get("PartialResult") == Some("false");
                callbacks.push(cb);
                if last {
                    break;
                }
            }
        }
        self.finish(call, session.sid, Status::Complete)
            .await
            .expect("complete");
        callbacks.extend(self.until_result().await);
        callbacks
    }

    pub fn payments_path(&self, call: CallSid) -> String {
        format!(
            "/2010-04-01/Accounts/{}/Calls/{call}/Payments.json",
            self.sandbox.account_sid()
        )
    }
}

pub async fn raw_post(
    url: &str,
    user: &str,
    password: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(url)
        .basic_auth(user, Some(password))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_html_form::to_string(form).expect("form"))
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).expect("JSON body");
    (status, body)
}

/// `(Capture, PartialResult)` of each capture callback a full Visa card session sends, in order.
pub fn expected_capture_sequence() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (field, partials) in [
        ("payment-card-number", 3),
        ("expiration-date", 1),
        ("security-code", 1),
        ("postal-code", 1),
    ] {
        for _ in 0..partials {
            out.push((field.to_owned(), "true".to_owned()));
        }
        out.push((field.to_owned(), "false".to_owned()));
    }
    out
}

pub fn capture_sequence(callbacks: &[Received]) -> Vec<(String, String)> {
    callbacks
        .iter()
        .filter(|cb| cb.get("Capture").is_some())
        .map(|cb| {
            (
                cb.get("Capture").unwrap_or_default().to_owned(),
                cb.get("PartialResult").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Asserts a Twilio-shaped error with this status and code.
pub fn assert_twilio_error(err: &runtime::Error, status: u16, code: u32) {
    assert_eq!(err.status(), Some(status), "{err}");
    assert_eq!(err.code(), Some(code), "{err}");
    let api = err.api_error().expect("a Twilio error body");
    assert!(
        api.more_info
            .as_deref()
            .is_some_and(|m| m.contains(&code.to_string())),
        "{api:?}"
    );
}
