//! The `gateway` binary as an operator meets it: `keys create|list|revoke` edit the config
//! file, SIGHUP applies the change to the running gateway without a restart, audit lines are
//! JSON on stdout, and SIGTERM drains and stops. Without Twilio credentials it starts the
//! embedded sandbox and prints a key that works.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_gateway");

fn cli(args: &[&str], config: &std::path::Path) -> String {
    let out = std::process::Command::new(BIN)
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("TWILIO_ACCOUNT_SID")
        .output()
        .expect("run gateway");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("{label} in {text}"))
}

struct Running {
    child: Child,
    url: String,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
}

async fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("TWILIO_ACCOUNT_SID")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            let _ = tx.send(line);
        }
    });
    let mut banner = String::new();
    let url = loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.recv())
            .await
            .expect("the banner in time")
            .expect("the gateway printed its banner");
        banner.push_str(&line);
        banner.push('\n');
        if let Some(url) = line.strip_prefix("Twilio gateway listening on ") {
            break url.to_owned();
        }
    };
    // The rest of the banner, up to the first blank-free line after it.
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_millis(200), lines.recv()).await
    {
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Try:") || line.contains("sign in with a gateway key") {
            break;
        }
    }
    (Running { child, url, lines }, banner)
}

fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args([name, &pid])
        .status()
        .expect("kill");
    assert!(status.success());
}

async fn post(url: &str, authorization: &str, n: u64) -> u16 {
    http()
        .post(format!("{url}{}", payments_path(ACCOUNT, n)))
        .header("Authorization", authorization)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form(&format!("k-{n}")))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn keys_made_and_revoked_with_the_cli_apply_on_sighup() {
    let upstream = FaultServer::start().await;
    let dir = std::env::temp_dir().join(format!("gw-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("gateway.toml");
    std::fs::write(
        &config,
        format!(
            "# test gateway\nbind = \"127.0.0.1:0\"\n\n[twilio]\naccount_sid = \"{ACCOUNT}\"\nauth_token = \"{TOKEN}\"\nbase_url = \"{}\"\n",
            upstream.url()
        ),
    )
    .expect("config");
    let made = cli(
        &[
            "keys",
            "create",
            "--name",
            "agent",
            "--allow",
            "payments.*",
            "--rate",
            "50/s",
        ],
        &config,
    );
    let (id, secret) = (
        field(&made, "key id:").to_owned(),
        field(&made, "secret:").to_owned(),
    );
    assert!(
        !std::fs::read_to_string(&config)
            .expect("read")
            .contains(&secret),
        "only the digest is stored"
    );
    let (mut running, _) = start(&["--config", config.to_str().expect("utf8")]).await;
    assert_eq!(post(&running.url, &basic(&id, &secret), 1).await, 201);
    // The audit line of that request, as JSON on stdout.
    let audit = tokio::time::timeout(Duration::from_secs(10), running.lines.recv())
        .await
        .expect("an audit line")
        .expect("line");
    let line: serde_json::Value = serde_json::from_str(&audit).expect("JSON audit line");
    assert_eq!(line["key"], "agent");
    assert_eq!(line["operation"], "payments.create");
    assert_eq!(line["status"], 201);
    assert!(!audit.contains(&secret) && !audit.contains(TOKEN));

    // A second key, added while it runs, works after SIGHUP.
    let second = cli(&["keys", "create", "--name", "ci", "--allow", "*"], &config);
    let (id2, secret2) = (
        field(&second, "key id:").to_owned(),
        field(&second, "secret:").to_owned(),
    );
    assert_eq!(
        post(&running.url, &basic(&id2, &secret2), 2).await,
        401,
        "not before the reload"
    );
    signal(&running.child, "-HUP");
    let mut applied = false;
    for n in 0..50 {
        if post(&running.url, &basic(&id2, &secret2), 100 + n).await == 201 {
            applied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(applied, "SIGHUP applied the new key");
    let listed = cli(&["keys", "list"], &config);
    assert!(listed.contains(&id) && listed.contains(&id2) && !listed.contains(&secret));
    cli(&["keys", "revoke", &id], &config);
    signal(&running.child, "-HUP");
    let mut revoked = false;
    for n in 0..50 {
        if post(&running.url, &basic(&id, &secret), 200 + n).await == 401 {
            revoked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(revoked, "SIGHUP applied the revocation");
    assert_eq!(
        post(&running.url, &basic(&id2, &secret2), 300).await,
        201,
        "the other key goes on"
    );
    signal(&running.child, "-TERM");
    let status = tokio::time::timeout(Duration::from_secs(40), running.child.wait())
        .await
        .expect("stopped in time")
        .expect("status");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_credentials_it_starts_the_sandbox_and_prints_a_working_key() {
    let (running, banner) =
        start(&["--bind", "127.0.0.1:0", "--metrics-bind", "127.0.0.1:0"]).await;
    let id = field(&banner, "gateway key (this run only):");
    let secret = field(&banner, "secret:");
    let account = field(&banner, "account:");
    assert!(banner.contains("embedded sandbox"), "{banner}");
    let call = http()
        .post(format!(
            "{}/2010-04-01/Accounts/{account}/Calls.json",
            running.url
        ))
        .basic_auth(id, Some(secret))
        .form(&[
            ("To", "+15005550006"),
            ("From", "+15005550001"),
            ("Url", "https://example.com/twiml"),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(call.status(), 201);
    let health = http()
        .get(format!("{}/healthz", running.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    // `--metrics-bind`: the banner says where (a listener of its own), the call above is
    // counted there, and the main listener has no `/metrics`.
    let metrics_url = field(&banner, "metrics:")
        .strip_suffix(" (a listener of its own)")
        .expect("its own listener")
        .to_owned();
    assert_ne!(metrics_url, format!("{}/metrics", running.url));
    let metrics = http()
        .get(&metrics_url)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(r#"gateway_requests_total{operation="calls.create",status="201"} 1"#),
        "{metrics}"
    );
    let main = http()
        .get(format!("{}/metrics", running.url))
        .basic_auth(id, Some(secret))
        .send()
        .await
        .expect("answer");
    assert_eq!(main.status(), 404);
}
