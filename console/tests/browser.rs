//! The console in a real browser: headless Chromium (Debian's, installed by
//! scripts/browser-deps) driven over WebDriver by fantoccini. Run with
//! `cargo test -p console --features browser --test browser` (CI does).
//!
//! The console is served by the real gateway, `gateway` with no configuration (the embedded
//! sandbox upstream), as a user starts it: the binary `target/debug/gateway` (or
//! `$GATEWAY_BIN`; `cargo build -p gateway` first). In a checkout without the gateway crate
//! the tests' stand-in gateway serves it instead, and the test says so.

mod support;

/// What serves the console.
struct Server {
    url: String,
    /// Secrets the page must never hold (the sandbox's auth token or the gateway key secret).
    secrets: Vec<String>,
    _process: Option<tokio::process::Child>,
    _harness: Option<support::Harness>,
}

impl Server {
    async fn start() -> Server {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        if !repo.join("gateway/Cargo.toml").exists() {
            eprintln!(
                "no gateway crate in this checkout: the tests' stand-in gateway serves the console"
            );
            let harness = support::Harness::start().await;
            return Server {
                url: harness.url(""),
                secrets: vec![
                    harness.sandbox.auth_token().to_owned(),
                    harness.sandbox.api_key_secret().to_owned(),
                ],
                _process: None,
                _harness: Some(harness),
            };
        }
        let binary = std::env::var("GATEWAY_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| {
                std::env::var_os("CARGO_TARGET_DIR")
                    .map(std::path::PathBuf::from)
                    .unwrap_or_else(|| repo.join("target"))
                    .join("debug/gateway")
            });
        assert!(
            binary.exists(),
            "{} is missing: cargo build -p gateway",
            binary.display()
        );
        let empty = tempdir();
        let mut process = tokio::process::Command::new(&binary)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .current_dir(&empty)
            .env_remove("TWILIO_ACCOUNT_SID")
            .env_remove("TWILIO_AUTH_TOKEN")
            .env_remove("TWILIO_API_KEY")
            .env_remove("TWILIO_API_SECRET")
            .env_remove("GATEWAY_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the gateway starts");
        let mut lines = BufReader::new(process.stdout.take().expect("stdout")).lines();
        let (mut url, mut secret) = (None, None);
        let read = tokio::time::timeout(WAIT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(u) = line.strip_prefix("Twilio gateway listening on ") {
                    url = Some(u.trim().to_owned());
                }
                if let Some(s) = line.trim().strip_prefix("secret:") {
                    secret = Some(s.trim().to_owned());
                }
                if line.trim_start().starts_with("console:") {
                    break;
                }
            }
        })
        .await;
        assert!(read.is_ok(), "the gateway did not announce itself");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server {
            url: url.expect("the gateway's URL"),
            secrets: secret.into_iter().collect(),
            _process: Some(process),
            _harness: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

const WAIT: Duration = Duration::from_secs(20);

struct Driver {
    _process: tokio::process::Child,
    url: String,
}

/// Starts chromedriver on a free port and waits for the line saying it listens.
async fn chromedriver() -> Driver {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut process = tokio::process::Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{binary} did not start ({e}): run scripts/browser-deps"));
    let stdout = process.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("started successfully") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "chromedriver did not say it started");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Driver {
        _process: process,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1440,1000",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

/// Waits (in the page, up to WebDriver's script timeout of 30 s) until `script`, a
/// JavaScript expression, is truthy; returns its value.
async fn until(c: &Client, what: &str, script: &str) -> serde_json::Value {
    let body = format!(
        "const done = arguments[arguments.length - 1];\n\
         const check = () => {{ let v = null; try {{ v = ({script}); }} catch (e) {{}}\n\
           if (v) done(v); else setTimeout(check, 25); }};\n\
         check();"
    );
    c.execute_async(&body, vec![])
        .await
        .unwrap_or_else(|e| panic!("waiting for {what}: {e}"))
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

async fn snippet(c: &Client, lang: &str) -> String {
    c.execute(
        &format!("return document.getElementById('code-{lang}').textContent;"),
        vec![],
    )
    .await
    .expect("script")
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn fill(c: &Client, id: &str, value: &str) {
    let field = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pay_session_from_the_page() {
    let harness = Server::start().await;
    let driver = chromedriver().await;
    let profile = tempdir();
    let c = browser(&driver, &profile).await;

    // A newcomer starts a call from the page (the sandbox's caller will key in a test card).
    c.goto(&harness.url("/console/op/calls.create"))
        .await
        .expect("Create Calls");
    fill(&c, "p-To", "+15005550006").await;
    fill(&c, "p-From", "+15005550001").await;
    fill(&c, "p-Url", "https://example.com/twiml").await;
    until(&c, "the form to be checked", "document.getElementById('code-curl').textContent.includes('Url=https://example.com/twiml')").await;
    c.find(Locator::Id("send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    until(
        &c,
        "the call",
        "document.getElementById('try-form').dataset.sent === '201'",
    )
    .await;
    let answer: serde_json::Value =
        serde_json::from_str(&text(&c, "#answer .body").await).expect("JSON");
    let call = answer["sid"].as_str().expect("a call SID").to_owned();
    assert!(call.starts_with("CA"), "{call}");
    let account_sid = answer["account_sid"].as_str().expect("account").to_owned();

    // Search "payments" and open Create Payments.
    c.goto(&harness.url("/console/")).await.expect("the list");
    let search = c.find(Locator::Id("search")).await.expect("search box");
    search.send_keys("payments").await.expect("type");
    let shown = until(
        &c,
        "the search to filter",
        "(() => { const v = [...document.querySelectorAll('#operations li:not([hidden]) .title')].map(e => e.textContent); return v.length === 2 ? v : null; })()",
    )
    .await;
    assert_eq!(
        shown,
        json!(["Create Payments", "Update Payments"]),
        "both payment operations, nothing else"
    );
    c.find(Locator::Css("a[href='/console/op/payments.create']"))
        .await
        .expect("the Create Payments link")
        .click()
        .await
        .expect("click");
    until(&c, "the operation page", "document.querySelector('h1') && document.querySelector('h1').textContent === 'Create Payments'").await;
    // The account SID is prefilled.
    let account = c
        .find(Locator::Id("p-AccountSid"))
        .await
        .expect("account field")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(account.as_deref(), Some(account_sid.as_str()));

    // Fill it in; the snippets follow every change.
    let rust_before = snippet(&c, "rust").await;
    fill(&c, "p-CallSid", &call).await;
    until(
        &c,
        "the Rust snippet to name the call",
        &format!("document.getElementById('code-rust').textContent.includes('{call}')"),
    )
    .await;
    assert_ne!(snippet(&c, "rust").await, rust_before);
    fill(&c, "p-IdempotencyKey", "browser-start-1").await;
    until(&c, "the curl snippet to carry the key", "document.getElementById('code-curl').textContent.includes('IdempotencyKey=browser-start-1')").await;
    let inbox = c
        .find(Locator::Css(".use-inbox"))
        .await
        .expect("inbox button")
        .attr("data-url")
        .await
        .expect("attr")
        .expect("an inbox URL");
    fill(&c, "p-StatusCallback", &inbox).await;
    let curl_before = snippet(&c, "curl").await;
    fill(&c, "p-ChargeAmount", "19.99").await;
    until(
        &c,
        "the Rust snippet to set the amount",
        "document.getElementById('code-rust').textContent.includes('.charge_amount(\"19.99\")')",
    )
    .await;
    until(&c, "the curl snippet to send the amount", "document.getElementById('code-curl').textContent.includes(\"--data-urlencode 'ChargeAmount=19.99'\")").await;
    assert_ne!(snippet(&c, "curl").await, curl_before);
    let rust = snippet(&c, "rust").await;
    assert!(
        rust.contains(&format!(
            "create(\"{call}\", \"browser-start-1\", \"{inbox}\")"
        )),
        "{rust}"
    );

    // A bad value: the declaration's own message, and nothing is sent.
    let sent_before = rest_requests(&c).await;
    fill(&c, "p-ChargeAmount", "1000000").await;
    c.find(Locator::Id("send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    until(
        &c,
        "the refusal",
        "document.getElementById('try-form').dataset.sent === 'refused'",
    )
    .await;
    let shown = text(&c, ".field[data-param='ChargeAmount'] .error").await;
    let expected = rust_refusal(&account_sid, &call).await;
    assert_eq!(shown, expected, "the page shows what a Rust caller is told");
    assert_eq!(rest_requests(&c).await, sent_before, "nothing was sent");

    // Send: 201 and a PK sid.
    fill(&c, "p-ChargeAmount", "19.99").await;
    c.find(Locator::Id("send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    until(
        &c,
        "the answer",
        "document.getElementById('try-form').dataset.sent === '201'",
    )
    .await;
    let status = text(&c, "#answer .status-line").await;
    assert!(status.starts_with("201"), "{status}");
    let body = text(&c, "#answer .body").await;
    let answer: serde_json::Value = serde_json::from_str(&body).expect("pretty JSON");
    let payment = answer["sid"].as_str().expect("a sid").to_owned();
    assert!(
        payment.starts_with("PK") && payment.len() == 34,
        "{payment}"
    );

    // The screenshot the README shows, kept as a CI artifact: the filled form, its snippets and
    // the answer, on a tall laptop-width window.
    until(&c, "the snippets to follow the last change", "document.getElementById('code-rust').textContent.includes('.charge_amount(\"19.99\")') && document.getElementById('code-curl').textContent.includes('ChargeAmount=19.99')").await;
    c.set_window_size(1440, 1100).await.expect("resize");
    c.execute(
        "window.scrollTo(0, 0); document.querySelector('.op-code').scrollTop = 0;",
        vec![],
    )
    .await
    .expect("scroll");
    let png = c.screenshot().await.expect("screenshot");
    let out =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/console-screenshot.png");
    std::fs::write(&out, &png).expect("write the screenshot");

    c.set_window_size(1440, 1000).await.expect("resize");

    // Continue with Update Payments from the answer's links, capture the card number and watch
    // the callbacks arrive in the page's inbox.
    let link = until(&c, "the next-step links", "(() => { const a = [...document.querySelectorAll('#answer .next a')].find(a => a.textContent === 'POST Update Payments'); return a ? a.href : null; })()").await;
    c.goto(link.as_str().expect("href"))
        .await
        .expect("open Update Payments");
    until(
        &c,
        "the update page",
        "document.querySelector('h1').textContent === 'Update Payments'",
    )
    .await;
    let prefilled = c
        .find(Locator::Id("p-Sid"))
        .await
        .expect("Sid")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(prefilled.as_deref(), Some(payment.as_str()));
    c.find(Locator::Css(
        "#p-Capture option[value='payment-card-number']",
    ))
    .await
    .expect("Capture option")
    .click()
    .await
    .expect("select");
    c.find(Locator::Id("send"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    until(
        &c,
        "202",
        "document.getElementById('try-form').dataset.sent === '202'",
    )
    .await;
    let card = until(
        &c,
        "a callback with the masked card number",
        "(() => { const dd = [...document.querySelectorAll('#callbacks dt')].find(dt => dt.textContent === 'PaymentCardNumber' && dt.nextSibling.textContent.endsWith('4242')); return dd ? dd.nextSibling.textContent : null; })()",
    )
    .await;
    assert!(
        card.as_str().is_some_and(|v| v.starts_with("xxxx")),
        "{card}"
    );
    let signature = text(&c, "#callbacks .cb-head").await;
    assert!(signature.ends_with("signature valid"), "{signature}");

    // Nothing secret in the browser: no readable cookie, no storage, no token in the page.
    let exposed = c
        .execute("return [document.cookie, localStorage.length, sessionStorage.length, document.documentElement.outerHTML];", vec![])
        .await
        .expect("script");
    assert_eq!(exposed[0], json!(""), "the session cookie is HttpOnly");
    assert_eq!(exposed[1], json!(0));
    assert_eq!(exposed[2], json!(0));
    let html = exposed[3].as_str().unwrap_or_default();
    for secret in &harness.secrets {
        assert!(!html.contains(secret.as_str()), "a secret is in the page");
    }

    c.close().await.expect("close the browser");
    let _ = std::fs::remove_dir_all(&profile);
}

/// How many requests the page sent to the REST surface (the browser's own record).
async fn rest_requests(c: &Client) -> usize {
    c.execute(
        "return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/2010-04-01/')).length;",
        vec![],
    )
    .await
    .expect("script")
    .as_u64()
    .unwrap_or(0) as usize
}

/// What a Rust caller is told for `ChargeAmount=1000000` (the declared range): the client
/// refuses before sending, so it needs no server.
async fn rust_refusal(account: &str, call: &str) -> String {
    let client = runtime::Client::builder(account, "unused")
        .base_url("http://127.0.0.1:1")
        .build()
        .expect("client");
    let err = api::payments::create(call, "k", "https://example.com/cb")
        .charge_amount(rust_decimal::Decimal::from(1_000_000))
        .send(&client)
        .await
        .expect_err("refused before sending");
    let refused = err.invalid_params().expect("a parameter refusal");
    let first = refused.iter().next().expect("one refusal");
    first.to_string()
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "console-browser-{}",
        console::inbox::new_id().expect("randomness")
    ));
    std::fs::create_dir_all(&dir).expect("profile dir");
    dir
}

/// The session the page runs on: an `HttpOnly; SameSite=Strict` cookie, and the REST surface
/// refuses a request without it (a cross-site form post) or without `X-Twilio-Console: 1`.
#[tokio::test(flavor = "multi_thread")]
async fn the_session_cookie_is_httponly_strict_and_required() {
    let server = Server::start().await;
    // The workspace's reqwest has no default crypto provider (the runtime names ring): a test
    // that builds its own client names it too, whichever test runs first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http
        .get(server.url("/console/"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .next()
        .expect("a session cookie on loopback with the sandbox")
        .to_owned();
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.contains(&"httponly".to_owned()), "{cookie}");
    assert!(attrs.contains(&"samesite=strict".to_owned()), "{cookie}");
    let session = cookie.split(';').next().expect("name=value").to_owned();
    let account = page
        .text()
        .await
        .expect("text")
        .split("account <code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the account on the page")
        .to_owned();
    let calls = server.url(&format!("/2010-04-01/Accounts/{account}/Calls.json"));
    let form = "To=%2B15005550006&From=%2B15005550001&Url=https%3A%2F%2Fexample.com%2Ftwiml";
    // What a page on another site can send: a form post, no cookie (SameSite=Strict), no
    // custom header.
    let cross_site = http
        .post(&calls)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(cross_site.status(), 401, "no cookie, no call");
    let without_header = http
        .post(&calls)
        .header("cookie", &session)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(
        without_header.status(),
        403,
        "the cookie alone is not enough"
    );
    let with_both = http
        .post(&calls)
        .header("cookie", &session)
        .header("x-twilio-console", "1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(
        with_both.status(),
        201,
        "the console's own request goes through"
    );
}
