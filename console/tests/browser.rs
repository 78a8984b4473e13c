//! The console in a real browser: headless Chromium (Debian's, installed by
//! scripts/browser-deps) driven over WebDriver by fantoccini. Run with
//! `cargo test -p console --features browser --test browser` (CI does).

mod support;

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
    let harness = support::Harness::start().await;
    let driver = chromedriver().await;
    let profile = tempdir();
    let c = browser(&driver, &profile).await;

    // The list: search "payments", both payment operations and nothing else.
    c.goto(&harness.url("/console/"))
        .await
        .expect("open the console");
    let search = c.find(Locator::Id("search")).await.expect("search box");
    search.send_keys("payments").await.expect("type");
    let shown = until(
        &c,
        "the search to filter",
        "(() => { const v = [...document.querySelectorAll('#operations li:not([hidden]) .title')].map(e => e.textContent); return v.length === 2 ? v : null; })()",
    )
    .await;
    assert_eq!(shown, json!(["Create Payments", "Update Payments"]));

    // Open Create Payments.
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
    assert_eq!(account.as_deref(), Some(harness.sandbox.account_sid()));

    // Fill it in; the snippets follow every change.
    let call = harness.sandbox.start_call();
    let rust_before = snippet(&c, "rust").await;
    fill(&c, "p-CallSid", call.as_str()).await;
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
    let forwarded_before = harness.forwarded();
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
    let expected = rust_refusal(&harness, call.as_str()).await;
    assert_eq!(shown, expected, "the page shows what a Rust caller is told");
    assert_eq!(harness.forwarded(), forwarded_before, "nothing was sent");

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
    assert!(
        !html.contains(harness.sandbox.auth_token()),
        "the auth token is not in the page"
    );

    c.close().await.expect("close the browser");
    let _ = std::fs::remove_dir_all(&profile);
}

/// What a Rust caller is told for `ChargeAmount=1000000` (the declared range).
async fn rust_refusal(harness: &support::Harness, call: &str) -> String {
    let client = harness.sandbox.client().expect("client");
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
