//! A real client no one here wrote: Twilio's official twilio-python 9.13.0 (installed pinned by
//! `scripts/python-deps` into a virtualenv) runs a whole pay session through the gateway to the
//! embedded sandbox: create call, create payment, capture four fields, complete. The status
//! callbacks arrive signed with the sandbox's auth token, which the Python side never holds.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use gateway::Gateway;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The venv's python, installed (or found) by the project's own script.
fn python() -> String {
    let out = Command::new("bash")
        .arg(workspace().join("scripts/python-deps"))
        .current_dir(workspace())
        .output()
        .expect("run scripts/python-deps");
    assert!(
        out.status.success(),
        "scripts/python-deps failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .expect("the venv's python")
        .trim()
        .to_owned();
    let path = PathBuf::from(&last);
    if path.is_absolute() {
        last
    } else {
        workspace().join(path).display().to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twilio_python_runs_a_pay_session_through_the_gateway() {
    let python = tokio::task::spawn_blocking(python).await.expect("python");
    let gateway = Gateway::builder()
        .bind("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("gateway");
    let sandbox = gateway.sandbox().expect("sandbox upstream");
    let (key_id, secret) = gateway.sandbox_key().expect("key");
    let mut receiver = sandbox::Receiver::start(sandbox.auth_token())
        .await
        .expect("receiver");
    let script = workspace().join("gateway/tests/python/pay_session.py");
    let mut command = tokio::process::Command::new(&python);
    command
        .arg(&script)
        .env("GATEWAY_URL", gateway.url())
        .env("GATEWAY_KEY_ID", key_id)
        .env("GATEWAY_KEY_SECRET", secret)
        .env("ACCOUNT_SID", gateway.account_sid())
        .env("STATUS_CALLBACK", receiver.url("/pay/status"))
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY");
    let out = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("python finished in time")
        .expect("python ran");
    assert!(
        out.status.success(),
        "twilio-python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .expect("the script's JSON line");
    assert!(
        report["call"].as_str().is_some_and(|s| s.starts_with("CA")),
        "{report}"
    );
    assert!(
        report["payment"]
            .as_str()
            .is_some_and(|s| s.starts_with("PK")),
        "{report}"
    );
    assert_eq!(report["completed"], report["payment"]);
    assert_eq!(report["refusal"]["status"], 400, "{report}");
    assert_eq!(report["refusal"]["code"], 20001, "{report}");
    assert!(
        report["refusal"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Timeout"),
        "{report}"
    );
    assert_eq!(report["unauthenticated"], 401, "{report}");

    // The callbacks of the session, each signed; the last one says the charge went through.
    let mut last = None;
    while let Some(received) = receiver.next(Duration::from_secs(10)).await {
        assert!(
            received.signature_valid,
            "unsigned callback: {:?}",
            received.url
        );
        let callback: api::payments::PayStatusCallback = received.callback().expect("typed");
        let is_final = callback.stage().is_final();
        last = Some(callback);
        if is_final {
            break;
        }
    }
    let last = last.expect("callbacks arrived");
    assert!(last.stage().is_final(), "the session completed");
    assert!(last
        .payment_confirmation_code
        .is_some_and(|c| !c.is_empty()));
}
