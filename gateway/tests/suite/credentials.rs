//! Gateway → Twilio: exactly the configured credentials reach upstream, whatever the caller
//! sends (after Kong's `hide_credentials` tests and agent-vault's `InjectedWinsOverClient`).
//! The upstream is the fault suite's server, which records every header of every request.

use crate::common;

use common::*;

/// Headers a caller might send that carry credentials or steer a proxy; none may reach
/// upstream as sent.
const CALLER_HEADERS: [(&str, &str); 9] = [
    ("Cookie", "session=attacker-cookie"),
    ("Proxy-Authorization", "Basic YXR0YWNrZXI6cHJveHk="),
    ("X-Twilio-Signature", "attacker-signature"),
    ("X-Api-Key", "attacker-api-key"),
    ("X-Forwarded-For", "203.0.113.9"),
    ("X-Forwarded-Host", "evil.example"),
    ("Forwarded", "for=203.0.113.9;host=evil.example"),
    ("X-Original-URL", "/admin"),
    ("Twilio-Request-Id", "RQattacker"),
];

#[tokio::test]
async fn the_callers_authorization_never_reaches_upstream_and_the_configured_one_does() {
    let key = TestKey::new("agent", &["payments.*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let client = http();
    // The caller authenticates with its gateway key, and adds everything else it can think of.
    let mut request = client
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 1)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-1"));
    for (name, value) in CALLER_HEADERS {
        request = request.header(name, value);
    }
    let answer = request.send().await.expect("answer");
    assert_eq!(answer.status(), 201, "{:?}", answer.text().await);
    let received = upstream.received();
    assert_eq!(received.len(), 1);
    let sent = &received[0];
    assert_eq!(
        sent.header("authorization"),
        Some(basic(ACCOUNT, TOKEN).as_str()),
        "exactly the configured credentials"
    );
    assert_eq!(
        sent.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .count(),
        1
    );
    for (name, value) in CALLER_HEADERS {
        assert!(
            sent.headers.iter().all(|(_, v)| !v.contains(value)),
            "{name} reached upstream: {:?}",
            sent.headers
        );
    }
    assert!(
        sent.headers.iter().all(|(_, v)| !v.contains(&key.secret)),
        "the gateway key's secret reached upstream"
    );
    // The path's host is the upstream's own, not anything the caller said.
    assert!(sent
        .header("host")
        .is_some_and(|h| h.starts_with("127.0.0.1:")));
}

#[tokio::test]
async fn an_attackers_basic_credentials_are_refused_and_never_forwarded() {
    // Kong's case: a caller sends its own Twilio credentials instead of a gateway key.
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    for authorization in [
        basic("ACattacker", "attacker-token"),
        basic(ACCOUNT, "attacker-token"),
        basic(ACCOUNT, TOKEN), // even the real Twilio credentials are not a gateway key
        format!("Bearer {}", key.secret),
        "Digest username=x".to_owned(),
    ] {
        let answer = http()
            .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 2)))
            .header("Authorization", &authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(payment_form("k-2"))
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 401, "{authorization}");
    }
    assert!(upstream.received().is_empty(), "nothing was forwarded");
}

#[tokio::test]
async fn every_way_of_sending_a_key_gets_the_same_injected_credentials() {
    let key = TestKey::new("agent", &["payments"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let ways = [
        basic(&key.id, &key.secret),
        basic(ACCOUNT, &key.secret),
        format!("Bearer {}.{}", key.id, key.secret),
    ];
    for (n, authorization) in ways.iter().enumerate() {
        let answer = http()
            .post(format!(
                "{}{}",
                gateway.url(),
                payments_path(ACCOUNT, 10 + n as u64)
            ))
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(payment_form(&format!("k-{n}")))
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 201, "{authorization}");
    }
    let received = upstream.received();
    assert_eq!(received.len(), ways.len());
    for sent in received {
        assert_eq!(
            sent.header("authorization"),
            Some(basic(ACCOUNT, TOKEN).as_str())
        );
    }
}

#[tokio::test]
async fn an_api_key_upstream_sends_the_api_key() {
    let key = TestKey::new("agent", &["payments"]);
    let upstream = FaultServer::start().await;
    let mut config = config(&upstream.url(), &[&key]);
    let api_key = "SKdddddddddddddddddddddddddddddddd";
    if let Some(t) = config.twilio.as_mut() {
        t.auth_token = None;
        t.api_key = Some(api_key.to_owned());
        t.api_secret = Some("api-secret-never-shown".to_owned());
    }
    let gateway = gateway::Gateway::builder()
        .config(config)
        .start()
        .await
        .expect("gateway");
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 3)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-3"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    let received = upstream.received();
    assert_eq!(
        received[0].header("authorization"),
        Some(basic(api_key, "api-secret-never-shown").as_str())
    );
}

#[tokio::test]
async fn the_upstream_request_is_rebuilt_from_the_declaration_and_the_answer_kept() {
    let key = TestKey::new("agent", &["payments"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 4)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-4"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    let body = answer.text().await.expect("body");
    assert!(
        body.starts_with(&format!(
            r#"{{"account_sid":"{ACCOUNT}","call_sid":"{}","sid":"PK"#,
            call_sid(4)
        )),
        "{body}"
    );
    // The upstream saw the request rebuilt from the declaration: same form, same path.
    let sent = &upstream.received()[0];
    assert_eq!(sent.path, payments_path(ACCOUNT, 4));
    let form: Vec<(String, String)> = serde_html_form::from_bytes(&sent.body).expect("form");
    assert!(
        form.contains(&("ChargeAmount".into(), "19.99".into())),
        "{form:?}"
    );
    assert!(form.contains(&("IdempotencyKey".into(), "k-4".into())));
}
