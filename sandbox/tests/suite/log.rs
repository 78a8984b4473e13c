//! The log of the `sandbox` binary, as a person running it sees it: one line per request and per
//! callback attempt (a dead receiver reported at every retry), JSON for machines, and never a
//! card digit, token or auth token in any line, even at TRACE.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use api::payments::{create, update, Capture, Status};
use base64::Engine as _;
use common::WAIT;
use sandbox::Receiver;
use tokio::sync::mpsc;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "SENTINEL-auth-token-5f1e0c";
/// The password of a callback URL.
const URL_PASSWORD: &str = "SENTINEL-url-password-77a";
/// A Luhn-valid Visa number no test of ours uses elsewhere.
const CARD: &str = "4000056655665556";

/// The binary, started for one test; killed when dropped.
struct Server {
    child: Child,
    base_url: String,
    /// Every stdout line (the banner).
    banner: Vec<String>,
    lines: mpsc::UnboundedReceiver<String>,
    /// Every stderr line seen so far (the log).
    log: Vec<String>,
}

impl Server {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sandbox"));
        command
            .args([
                "--port",
                "0",
                "--account-sid",
                ACCOUNT,
                "--auth-token",
                TOKEN,
            ])
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the sandbox binary starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut banner = Vec::new();
        let mut reader = BufReader::new(stdout);
        let base_url = loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line).expect("stdout");
            assert!(read > 0, "the sandbox exited before listening: {banner:?}");
            banner.push(line.trim_end().to_owned());
            if let Some(url) = line.trim().strip_prefix("Twilio Pay sandbox listening on ") {
                break url.to_owned();
            }
        };
        // The rest of the banner (a few lines), then stdout is drained in the background.
        for _ in 0..6 {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            banner.push(line.trim_end().to_owned());
        }
        std::thread::spawn(move || for _ in reader.lines() {});
        Self {
            child,
            base_url,
            banner,
            lines,
            log: Vec::new(),
        }
    }

    /// A log line that satisfies `wanted`, among those seen so far or, waiting for it, the
    /// next ones (the timeout only stops a broken run). Lines of one request and of the
    /// callbacks it queued may come in either order, so earlier lines count too.
    async fn line(&mut self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        if let Some(line) = self.log.iter().find(|l| wanted(l)) {
            return line.clone();
        }
        let found = tokio::time::timeout(WAIT, async {
            loop {
                let line = self.lines.recv().await?;
                self.log.push(line.clone());
                if wanted(&line) {
                    return Some(line);
                }
            }
        })
        .await;
        match found {
            Ok(Some(line)) => line,
            _ => panic!(
                "no log line {what}; the log so far:\n{}",
                self.log.join("\n")
            ),
        }
    }

    /// Stops the server and returns its whole log.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
        self.log.join("\n")
    }

    fn client(&self) -> runtime::Client {
        runtime::Client::builder(ACCOUNT, TOKEN)
            .base_url(&self.base_url)
            .build()
            .expect("client")
    }

    fn banner_value(&self, name: &str) -> String {
        self.banner
            .iter()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}=")))
            .expect(name)
            .to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on.
fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

async fn post_call(server: &Server, to: &str, password: &str) -> (u16, serde_json::Value) {
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/2010-04-01/Accounts/{ACCOUNT}/Calls.json",
            server.base_url
        ))
        .basic_auth(ACCOUNT, Some(password))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_html_form::to_string([
                ("To", to),
                ("From", "+15005550006"),
                ("Url", "https://example.com/twiml"),
            ])
            .expect("form"),
        )
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

/// No line of `log` holds a secret or card data.
fn assert_no_secrets(log: &str, extra: &[&str]) {
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    let mut sentinels = vec![
        TOKEN.to_owned(),
        b64(format!("{ACCOUNT}:{TOKEN}")),
        CARD.to_owned(),
        CARD[..12].to_owned(),
        "4242424242424242".to_owned(),
        "400000000000".to_owned(),
    ];
    sentinels.extend(extra.iter().map(|s| (*s).to_owned()));
    for sentinel in &sentinels {
        assert!(
            !log.contains(sentinel.as_str()),
            "the log shows {sentinel:?}:\n{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_and_every_callback_attempt_has_a_line() {
    let mut server = Server::start(&[], &[]);
    assert!(
        server
            .banner
            .iter()
            .any(|l| l.contains("the one given with --auth-token")),
        "a token given on the command line is not echoed: {:?}",
        server.banner
    );
    server
        .line("saying where it listens", |l| {
            l.contains("INFO listening on http://127.0.0.1:")
        })
        .await;
    let client = server.client();
    let mut receiver = Receiver::start(TOKEN).await.expect("receiver");
    let live = receiver.url("/pay/status");
    let dead = format!("http://127.0.0.1:{}/gone", dead_port());

    let (status, body) = post_call(&server, "+15005550002", TOKEN).await;
    assert_eq!(status, 201, "{body}");
    let call: runtime::CallSid = body["sid"].as_str().expect("sid").parse().expect("sid");
    let line = server
        .line("for the call", |l| l.contains("/Calls.json → 201"))
        .await;
    assert!(
        line.contains(&format!(
            "INFO POST /2010-04-01/Accounts/{ACCOUNT}/Calls.json → 201 Created in "
        )),
        "{line}"
    );
    let line = server
        .line("for the call's caller", |l| l.contains("in progress"))
        .await;
    assert!(
        line.ends_with(&format!(
            "call {call} in progress: the caller keys in visa …0002 (declined) (chosen by To +15005550002), pace instant (chosen by the sandbox's default)"
        )),
        "{line}"
    );

    let session = create(call, "log/start", live.as_str())
        .charge_amount(rust_decimal::Decimal::ONE)
        .send(&client)
        .await
        .expect("create");
    server
        .line("for the session", |l| {
            l.contains("/Payments.json → 201 Created")
        })
        .await;
    let early = update(call, session.sid, "log/early", live.as_str())
        .status(Status::Complete)
        .send(&client)
        .await;
    assert!(early.is_err());
    let line = server
        .line("for the refusal", |l| l.contains("→ 400"))
        .await;
    assert!(line.contains(" WARN POST "), "{line}");
    assert!(
        line.contains(&format!(
            "/Payments/{}.json → 400 Bad Request in ",
            session.sid
        )),
        "{line}"
    );
    assert!(
        line.contains(
            " ms error 64019: Cannot complete the pay session: still required: payment-card-number"
        ),
        "{line}"
    );

    // A live receiver: each attempt delivered at once.
    update(call, session.sid, "log/card", live.as_str())
        .capture(Capture::PaymentCardNumber)
        .send(&client)
        .await
        .expect("capture");
    for _ in 0..4 {
        assert!(receiver.next(WAIT).await.is_some_and(|r| r.signature_valid));
    }
    let line = server
        .line("for a delivered callback", |l| {
            l.contains("payment-card-number done) → 200 OK")
        })
        .await;
    assert!(
        line.contains(&format!(
            "INFO callback POST {live} ({} payment-card-number done) → 200 OK in ",
            session.sid
        )),
        "{line}"
    );
    assert!(line.ends_with(", attempt 1/4"), "{line}");

    // A dead receiver: every attempt of every callback, with the wait before the next one.
    update(call, session.sid, "log/expiry", dead.as_str())
        .capture(Capture::ExpirationDate)
        .send(&client)
        .await
        .expect("capture");
    for (attempt, then) in [
        (1, ", next attempt in 100 ms"),
        (2, ", next attempt in 200 ms"),
        (3, ", next attempt in 400 ms"),
        (4, ", giving up"),
    ] {
        let line = server
            .line(&format!("for attempt {attempt}"), |l| {
                l.contains("expiration-date typing) → connection failed: Connection refused")
                    && l.contains(&format!("attempt {attempt}/4"))
            })
            .await;
        assert!(line.contains(&format!("callback POST {dead} (")), "{line}");
        assert!(line.ends_with(then), "{line}");
        let level = if attempt < 4 { " WARN " } else { "ERROR " };
        assert!(line.contains(level), "{line}");
    }
    // The queue then moves on to the field's last callback, which fails the same way.
    server
        .line("for the next callback's last attempt", |l| {
            l.contains("expiration-date done) → connection failed")
                && l.ends_with("attempt 4/4, giving up")
        })
        .await;

    // Wrong credentials are a line too.
    let (status, _) = post_call(&server, "+15005554242", "not-the-token").await;
    assert_eq!(status, 401);
    server
        .line("for the 401", |l| {
            l.contains("→ 401 Unauthorized in ") && l.ends_with("error 20003: Authenticate")
        })
        .await;
    let api_secret = server.banner_value("TWILIO_API_SECRET");
    let log = server.stop();
    assert_no_secrets(&log, &[&api_secret]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_at_trace_hold_every_fact_and_no_secret() {
    let mut server = Server::start(
        &["--log-format", "json", "--test-card", CARD],
        &[("RUST_LOG", "trace")],
    );
    let api_key = server.banner_value("TWILIO_API_KEY");
    let api_secret = server.banner_value("TWILIO_API_SECRET");
    let client = server.client();
    let key_client = runtime::Client::builder_with_api_key(ACCOUNT, &api_key, &api_secret)
        .base_url(&server.base_url)
        .build()
        .expect("client");
    let mut receiver = Receiver::start(TOKEN).await.expect("receiver");
    let status = receiver.url("/pay");
    let (code, body) = post_call(&server, "+14155550100", TOKEN).await;
    assert_eq!(code, 201, "{body}");
    let call: runtime::CallSid = body["sid"].as_str().expect("sid").parse().expect("sid");
    let session = create(call, "json/start", status.as_str())
        .charge_amount(rust_decimal::Decimal::ONE)
        .send(&key_client)
        .await
        .expect("create with the API key");
    for field in common::CARD_FIELDS {
        update(call, session.sid, format!("json/{field}"), status.as_str())
            .capture(field)
            .send(&client)
            .await
            .expect("capture");
    }
    update(call, session.sid, "json/complete", status.as_str())
        .status(Status::Complete)
        .send(&client)
        .await
        .expect("complete");
    loop {
        let cb = receiver.next(WAIT).await.expect("callback");
        if cb.get("Result").is_some() {
            assert_eq!(cb.get("Result"), Some("success"));
            break;
        }
    }
    let line = server
        .line("for the final callback", |l| l.contains("Result=success"))
        .await;
    let record: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(record["target"], "sandbox::callback");
    assert_eq!(record["level"], "INFO");
    assert_eq!(record["url"], status.as_str());
    assert_eq!(record["payment_sid"], session.sid.as_str());
    assert_eq!(record["step"], "Result=success");
    assert_eq!(record["status"], 200);
    assert_eq!(record["attempt"], 1);
    let line = server
        .line("for the complete", |l| {
            l.contains("\"sandbox::request\"")
                && l.contains(&format!("Payments/{}.json", session.sid))
                && l.contains("202")
        })
        .await;
    let record: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(record["method"], "POST");
    assert_eq!(record["status"], 202);
    assert!(record["request_id"]
        .as_str()
        .is_some_and(|r| r.starts_with("RQ")));
    assert!(record["duration_ms"].is_number());
    // A callback URL with a password (Twilio sends it as Basic auth): masked in our lines, and
    // absent from the HTTP stacks' own.
    let call2: runtime::CallSid = post_call(&server, "+14155550100", TOKEN).await.1["sid"]
        .as_str()
        .expect("sid")
        .parse()
        .expect("sid");
    let secret_url = format!("http://hook:{URL_PASSWORD}@127.0.0.1:{}/pay", dead_port());
    let session2 = create(call2, "json/pw", secret_url.as_str())
        .send(&client)
        .await
        .expect("create");
    update(call2, session2.sid, "json/pw/zip", secret_url.as_str())
        .capture(Capture::PostalCode)
        .send(&client)
        .await
        .expect("capture");
    let line = server
        .line("for the password URL's last attempt", |l| {
            l.contains("postal-code done") && l.contains("giving up")
        })
        .await;
    assert!(line.contains("http://hook:***@127.0.0.1:"), "{line}");
    let log = server.stop();
    assert!(
        log.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "every line is JSON:\n{log}"
    );
    // TRACE lets the HTTP stacks speak too; still no secret.
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:{api_secret}"));
    assert_no_secrets(&log, &[&api_secret, &b64, URL_PASSWORD]);
}

#[test]
fn bad_arguments_are_refused_with_a_clear_message() {
    for (args, says) in [
        (
            &["--test-card", "123"][..],
            "--test-card: the card number 123 has 3 digits; give a card number of 12 to 19 digits that passes the Luhn check, or one of: visa, mastercard",
        ),
        (
            &["--test-card", "4000056655665557"][..],
            "--test-card: the card number xxxxxxxxxxxx5557 fails the Luhn check",
        ),
        (&["--caller-pace", "slow"][..], "--caller-pace: unknown caller pace \"slow\": use instant or realistic"),
        (&["--log-format", "xml"][..], "--log-format: unknown log format \"xml\": use text or json"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(args)
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: sandbox"), "{stderr}");
        assert!(!stderr.contains("400005665566"), "{stderr}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--port", "0"])
        .env("RUST_LOG", "sandbox=[")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RUST_LOG=\"sandbox=[\""));
}
