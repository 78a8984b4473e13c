//! Caller → gateway: missing, wrong and revoked keys (401), operations and accounts a key may
//! not touch (403), rate limits (429 with `Retry-After`), console sessions; nothing is ever
//! forwarded when the gateway refuses.

use crate::common;

use common::*;
use gateway::Gateway;

async fn post(gateway: &Gateway, path: &str, authorization: Option<&str>) -> reqwest::Response {
    let mut request = http()
        .post(format!("{}{path}", gateway.url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k"));
    if let Some(a) = authorization {
        request = request.header("Authorization", a);
    }
    request.send().await.expect("answer")
}

async fn twilio_error(answer: reqwest::Response) -> (u16, serde_json::Value) {
    let status = answer.status().as_u16();
    let body: serde_json::Value = answer.json().await.expect("json body");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["code"].is_u64() && body["message"].is_string() && body["more_info"].is_string(),
        "{body}"
    );
    (status, body)
}

#[tokio::test]
async fn missing_wrong_and_revoked_keys_are_401_and_nothing_is_forwarded() {
    let key = TestKey::new("agent", &["*"]);
    let other = TestKey::new("other", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key, &other]).await;
    let path = payments_path(ACCOUNT, 1);
    let answer = post(&gateway, &path, None).await;
    assert!(answer.headers().contains_key("www-authenticate"));
    assert_eq!(twilio_error(answer).await.0, 401);
    for wrong in [
        basic(&key.id, "gw_wrong"),
        basic(&key.id, &other.secret),
        basic("SKffffffffffffffffffffffffffffffff", &key.secret),
        "Basic not-base64!".to_owned(),
        format!("Bearer {}.{}", other.id, key.secret),
    ] {
        let (status, body) = twilio_error(post(&gateway, &path, Some(&wrong)).await).await;
        assert_eq!(status, 401, "{wrong}");
        assert_eq!(body["code"], 20003);
    }
    assert!(upstream.received().is_empty());

    // Revoke `other` in the config and reload: its key stops working at once, `key` goes on.
    assert_eq!(
        post(&gateway, &path, Some(&other.basic())).await.status(),
        201
    );
    let mut revoked = other.clone();
    revoked.entry.revoked = Some("2026-01-01T00:00:00Z".into());
    gateway
        .reload_with(config(&upstream.url(), &[&key, &revoked]))
        .expect("reload");
    let before = upstream.received().len();
    assert_eq!(
        post(&gateway, &path, Some(&other.basic())).await.status(),
        401
    );
    assert_eq!(
        upstream.received().len(),
        before,
        "nothing forwarded for a revoked key"
    );
    assert_eq!(
        post(&gateway, &payments_path(ACCOUNT, 2), Some(&key.basic()))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn operations_outside_the_allow_list_are_403() {
    let key = TestKey::new("fetch-only", &["calls.fetch"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let (status, body) =
        twilio_error(post(&gateway, &payments_path(ACCOUNT, 1), Some(&key.basic())).await).await;
    assert_eq!(status, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("payments.create"),
        "{body}"
    );
    assert!(upstream.received().is_empty());
}

#[tokio::test]
async fn accounts_are_checked_and_keys_can_be_bound_to_a_subaccount() {
    let key = TestKey::new("main", &["*"]);
    let bound = TestKey::new("sub", &["*"]).account(SUBACCOUNT);
    let (gateway, upstream) = gateway_with(&[&key, &bound]).await;
    // The configured account and its allowed subaccount: forwarded.
    assert_eq!(
        post(&gateway, &payments_path(ACCOUNT, 1), Some(&key.basic()))
            .await
            .status(),
        201
    );
    assert_eq!(
        post(&gateway, &payments_path(SUBACCOUNT, 2), Some(&key.basic()))
            .await
            .status(),
        201
    );
    assert_eq!(upstream.received().len(), 2);
    // Another account: refused before anything goes upstream.
    let (status, body) =
        twilio_error(post(&gateway, &payments_path(STRANGER, 3), Some(&key.basic())).await).await;
    assert_eq!(status, 403);
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains(STRANGER));
    // A key bound to the subaccount: that account only.
    assert_eq!(
        post(
            &gateway,
            &payments_path(SUBACCOUNT, 4),
            Some(&bound.basic())
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        post(&gateway, &payments_path(ACCOUNT, 5), Some(&bound.basic()))
            .await
            .status(),
        403
    );
    // `/Accounts/<Sid>.json` names the account with another placeholder; it is checked too.
    let fetch = http()
        .get(format!(
            "{}/2010-04-01/Accounts/{STRANGER}.json",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(fetch.status(), 403);
    assert_eq!(upstream.received().len(), 3);
}

#[tokio::test]
async fn over_the_rate_limit_is_429_with_retry_after_and_nothing_forwarded() {
    let key = TestKey::new("slow", &["*"]).rate("1/m", 2);
    let other = TestKey::new("other", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key, &other]).await;
    for n in 0..2 {
        assert_eq!(
            post(&gateway, &payments_path(ACCOUNT, n), Some(&key.basic()))
                .await
                .status(),
            201
        );
    }
    let answer = post(&gateway, &payments_path(ACCOUNT, 9), Some(&key.basic())).await;
    let retry_after: u64 = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, body) = twilio_error(answer).await;
    assert_eq!((status, body["code"].as_u64()), (429, Some(20429)));
    assert_eq!(
        upstream.received().len(),
        2,
        "the refused request was not forwarded"
    );
    // Limits are per key.
    assert_eq!(
        post(&gateway, &payments_path(ACCOUNT, 10), Some(&other.basic()))
            .await
            .status(),
        201
    );
    // A reload that keeps the key's rate keeps its spent allowance.
    gateway
        .reload_with(config(&upstream.url(), &[&key, &other]))
        .expect("reload");
    assert_eq!(
        post(&gateway, &payments_path(ACCOUNT, 11), Some(&key.basic()))
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn console_sessions_need_the_console_header_and_carry_no_secret() {
    let key = TestKey::new("console", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let client = http();
    let session = client
        .post(format!("{}/console/session", gateway.url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("key={}:{}", key.id, key.secret))
        .send()
        .await
        .expect("session");
    assert_eq!(session.status(), 200);
    let cookie = session
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("Set-Cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains(&key.secret), "the cookie holds no secret");
    let body = session.text().await.expect("body");
    assert!(!body.contains(&key.secret), "{body}");
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    let rest = |console: bool| {
        let mut r = client
            .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 1)))
            .header("Cookie", &pair)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(payment_form("k-1"));
        if console {
            r = r.header("X-Twilio-Console", "1");
        }
        r.send()
    };
    // A cross-site form can send the cookie (were it not SameSite) but not a custom header.
    let without = rest(false).await.expect("answer");
    assert_eq!(without.status(), 403);
    assert!(!without.headers().contains_key("www-authenticate"));
    assert!(upstream.received().is_empty());
    assert_eq!(rest(true).await.expect("answer").status(), 201);
    assert_eq!(
        upstream.received()[0].header("authorization"),
        Some(basic(ACCOUNT, TOKEN).as_str())
    );
    assert!(upstream.received()[0].header("cookie").is_none());
    // A tampered cookie is no session.
    let tampered = pair.replace("v1.SK", "v1.SL");
    let answer = client
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 2)))
        .header("Cookie", tampered)
        .header("X-Twilio-Console", "1")
        .body(payment_form("k-2"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 401);
    // Another site's page cannot start a session.
    let cross = client
        .post(format!("{}/console/session", gateway.url()))
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("key={}:{}", key.id, key.secret))
        .send()
        .await
        .expect("answer");
    assert_eq!(cross.status(), 403);
    assert!(cross.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn the_embedded_sandbox_hands_loopback_pages_a_session_but_not_other_hosts() {
    let gateway = Gateway::builder()
        .bind("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("gateway");
    let client = http();
    let page = client
        .get(format!("{}/console/", gateway.url()))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // DNS rebinding: a page of another name that resolves to 127.0.0.1 gets nothing.
    let rebound = client
        .get(format!("{}/console/", gateway.url()))
        .header("Host", "evil.example")
        .send()
        .await
        .expect("page");
    assert!(rebound.headers().get("set-cookie").is_none());
    // The session works for REST calls with the console header.
    let pair = cookie.split(';').next().expect("pair");
    let call = client
        .post(format!(
            "{}/2010-04-01/Accounts/{}/Calls.json",
            gateway.url(),
            gateway.account_sid()
        ))
        .header("Cookie", pair)
        .header("X-Twilio-Console", "1")
        .form(&[
            ("To", "+15005550006"),
            ("From", "+15005550001"),
            ("Url", "https://example.com/twiml"),
        ])
        .send()
        .await
        .expect("call");
    assert_eq!(call.status(), 201);
}

#[tokio::test]
async fn the_consoles_json_helpers_need_the_session_and_the_console_header() {
    let gateway = Gateway::builder()
        .bind("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("gateway");
    let client = http();
    let page = client
        .get(format!("{}/console/", gateway.url()))
        .send()
        .await
        .expect("page");
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session")
        .to_owned();
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let check = format!("{}/console/api/check/calls.create", gateway.url());
    let inbox = format!("{}/console/api/callbacks/0123456789abcdef", gateway.url());
    let send = |url: String, cookie: Option<&str>, header: bool| {
        let mut request = client
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("To=%2B15005550006");
        if url.contains("/callbacks/") {
            request = client.get(&url);
        }
        if let Some(c) = cookie {
            request = request.header("Cookie", c.to_owned());
        }
        if header {
            request = request.header("X-Twilio-Console", "1");
        }
        request.send()
    };
    for url in [&check, &inbox] {
        // No session: 401, and no login dialog.
        let none = send(url.clone(), None, true).await.expect("answer");
        assert_eq!(none.status(), 401, "{url}");
        assert!(none.headers().get("www-authenticate").is_none());
        let body: serde_json::Value = none.json().await.expect("json");
        assert_eq!(body["code"], 20003);
        // The cookie alone (what another site's form could make the browser send): 403.
        let bare = send(url.clone(), Some(&pair), false).await.expect("answer");
        assert_eq!(bare.status(), 403, "{url}");
    }
    let ok = send(check.clone(), Some(&pair), true)
        .await
        .expect("answer");
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.expect("json");
    assert!(body["problems"].is_array(), "{body}");
}
