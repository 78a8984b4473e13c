//! No SSRF, no path tricks: the upstream host comes from the declaration's product alone, and
//! whatever a request line says is refused or lands inside one percent-encoded value. Every
//! request here is sent raw, as no well-behaved client would send it.

use crate::common;

use common::*;

fn request(method: &str, target: &str, host: &str, key: &TestKey, body: &str) -> Vec<u8> {
    format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        key.basic(),
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn tricks_in_the_request_line_are_refused_and_nothing_is_forwarded() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let host = gateway.addr().to_string();
    let form = payment_form("k-1");
    let call = call_sid(1);
    let good = payments_path(ACCOUNT, 1);
    let cases: Vec<(String, u16)> = vec![
        // An absolute URL: a proxy request to another host.
        (format!("http://169.254.169.254{good}"), 400),
        (format!("http://evil.example{good}"), 400),
        // Dot segments, raw and encoded.
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/../Calls/{call}/Payments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/%2e%2e/{call}/Payments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/./Calls/{call}/Payments.json"),
            400,
        ),
        // An encoded slash or backslash inside a value.
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}%2FPayments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}%2F..%2F..%2Fadmin/Calls/{call}/Payments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}%5C/Payments.json"),
            400,
        ),
        // NUL, double encoding, invalid UTF-8.
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}%00/Payments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}%252F/Payments.json"),
            400,
        ),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/%ff%fe/Payments.json"),
            400,
        ),
        // Overlong path and query.
        (
            format!(
                "/2010-04-01/Accounts/{ACCOUNT}/Calls/{}/Payments.json",
                "C".repeat(9000)
            ),
            414,
        ),
        (format!("{good}?x={}", "a".repeat(9000)), 414),
        // A POST's parameters in the query string.
        (
            format!("{good}?StatusCallback=http://169.254.169.254/"),
            400,
        ),
        // Not Twilio's paths.
        ("/admin".to_owned(), 404),
        ("//evil.example/2010-04-01/Accounts.json".to_owned(), 404),
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call}/Payments.json/extra"),
            404,
        ),
        // A literal segment spelled with escapes is not the literal.
        (
            format!("/2010-04-01/Accounts/{ACCOUNT}/%43alls/{call}/Payments.json"),
            404,
        ),
    ];
    for (target, expected) in &cases {
        let (status, answer) = raw(&gateway, &request("POST", target, &host, &key, &form)).await;
        assert_eq!(status, *expected, "{target}: {answer}");
        if status != 414 {
            let body = raw_body(&answer);
            assert_eq!(body["status"], *expected, "Twilio-shaped: {answer}");
        }
    }
    assert!(
        upstream.received().is_empty(),
        "forwarded: {:?}",
        upstream.received()
    );
    still_serving(&gateway).await;
}

#[tokio::test]
async fn a_forged_host_changes_nothing_upstream() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let form = payment_form("k-2");
    for host in [
        "evil.example",
        "169.254.169.254",
        "localhost:1",
        "api.twilio.com",
    ] {
        let (status, answer) = raw(
            &gateway,
            &request("POST", &payments_path(ACCOUNT, 2), host, &key, &form),
        )
        .await;
        assert_eq!(status, 201, "{host}: {answer}");
    }
    let received = upstream.received();
    assert_eq!(received.len(), 4);
    for sent in received {
        assert_eq!(sent.path, payments_path(ACCOUNT, 2));
        let host = sent.header("host").unwrap_or_default();
        assert!(
            host.starts_with("127.0.0.1:"),
            "upstream Host is its own: {host}"
        );
    }
}

#[tokio::test]
async fn encoded_values_are_decoded_once_and_reencoded_for_upstream() {
    // `+` in a SID position is no SID: the declaration refuses it before anything is sent.
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let host = gateway.addr().to_string();
    let target = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/CA%2B1/Payments.json");
    let (status, answer) = raw(
        &gateway,
        &request("POST", &target, &host, &key, &payment_form("k")),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(upstream.received().is_empty());
    // A value with characters the path must escape reaches upstream escaped, in its segment.
    let target = format!("/2010-04-01/Accounts/{ACCOUNT}/Notes/a%20b%3Fc%23d.json");
    let (status, answer) = raw(&gateway, &request("GET", &target, &host, &key, "")).await;
    assert_eq!(status, 200, "{answer}");
    let sent = &upstream.received()[0];
    assert!(
        sent.path
            .starts_with(&format!("/2010-04-01/Accounts/{ACCOUNT}/Notes/a")),
        "{}",
        sent.path
    );
    assert!(
        !sent.path.contains('?') && !sent.path.contains('#') && !sent.path.contains(' '),
        "{}",
        sent.path
    );
}

// --- A GET declared here, outside `api`, as any crate may declare one: its free-text path
// value exercises re-encoding. ---

/// A note.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct Note {
    /// Its SID.
    pub sid: String,
}

/// Reads a note.
#[runtime::twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Notes/<Sid>.json", response = Note)]
pub struct FetchNote {
    /// The account.
    pub account_sid: Option<runtime::AccountSid>,
    /// The note.
    pub sid: String,
}
