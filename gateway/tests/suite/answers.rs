//! Answers come back as they came: status, body, `Twilio-Request-Id` and Twilio's other
//! headers (never the upstream's cookies or hop-by-hop headers); error statuses too; page
//! links lead back through the gateway, so our client's `stream()` pages through it.

use crate::common;

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use common::*;
use futures_util::TryStreamExt as _;

/// A tiny upstream: two pages of calls (v2010 envelope with `next_page_uri`, plus a `meta`
/// block with an absolute link), a 404 with Twilio's body, and the requests it got.
async fn upstream() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    async fn answer(State(seen): State<Arc<Mutex<Vec<String>>>>, request: Request) -> Response {
        let target = request.uri().to_string();
        seen.lock().expect("lock").push(target.clone());
        let calls = format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json");
        let headers = [
            ("Content-Type", "application/json"),
            ("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef"),
            ("Twilio-Concurrent-Requests", "1"),
            ("Set-Cookie", "upstream=secret-cookie"),
            ("Server", "upstream/1.0"),
        ];
        let body = if target == calls {
            format!(
                r#"{{"calls":[{{"sid":"CA00000000000000000000000000000001"}}],"next_page_uri":"{calls}?Page=1&PageToken=PT1","page":0,"page_size":1,"meta":{{"next_page_url":"https://api.twilio.com{calls}?Page=1&PageToken=PT1","key":"calls"}}}}"#
            )
        } else if target == format!("{calls}?Page=1&PageToken=PT1") {
            r#"{"calls":[{"sid":"CA00000000000000000000000000000002"}],"next_page_uri":null,"page":1,"page_size":1}"#.to_owned()
        } else {
            return (
                axum::http::StatusCode::NOT_FOUND,
                headers,
                r#"{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#,
            )
                .into_response();
        };
        (headers, body).into_response()
    }
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn start() -> (gateway::Gateway, TestKey, Arc<Mutex<Vec<String>>>) {
    let key = TestKey::new("reader", &["calls"]);
    let (url, seen) = upstream().await;
    let gateway = gateway::Gateway::builder()
        .config(config(&url, &[&key]))
        .start()
        .await
        .expect("gateway");
    (gateway, key, seen)
}

#[tokio::test]
async fn status_body_and_twilios_headers_come_back_and_page_links_lead_here() {
    let (gateway, key, _) = start().await;
    let answer = http()
        .get(format!(
            "{}/2010-04-01/Accounts/{ACCOUNT}/Calls.json",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200);
    let headers = answer.headers().clone();
    assert_eq!(
        headers["twilio-request-id"],
        "RQ0123456789abcdef0123456789abcdef"
    );
    assert_eq!(headers["twilio-concurrent-requests"], "1");
    assert!(headers["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("application/json"));
    assert!(
        headers.get("set-cookie").is_none(),
        "the upstream's cookies stay upstream"
    );
    assert!(headers.get("server").is_none());
    assert_eq!(headers["cache-control"], "no-store");
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(
        body["next_page_uri"],
        format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json?Page=1&PageToken=PT1")
    );
    assert_eq!(
        body["meta"]["next_page_url"],
        format!(
            "{}/2010-04-01/Accounts/{ACCOUNT}/Calls.json?Page=1&PageToken=PT1",
            gateway.url()
        )
    );
    assert_eq!(
        body["calls"][0]["sid"],
        "CA00000000000000000000000000000001"
    );
}

#[tokio::test]
async fn error_answers_pass_through_verbatim() {
    let (gateway, key, seen) = start().await;
    let answer = http()
        .get(format!(
            "{}/2010-04-01/Accounts/{ACCOUNT}/Calls/CA00000000000000000000000000000009.json",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 404);
    assert_eq!(
        answer.headers()["twilio-request-id"],
        "RQ0123456789abcdef0123456789abcdef"
    );
    assert_eq!(
        answer.text().await.expect("body"),
        r#"{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#
    );
    assert_eq!(seen.lock().expect("lock").len(), 1, "forwarded once");
}

#[tokio::test]
async fn our_client_pages_through_the_gateway() {
    let (gateway, key, seen) = start().await;
    let client = runtime::Client::builder_with_api_key(ACCOUNT, &key.id, &key.secret)
        .base_url(gateway.url())
        .build()
        .expect("client");
    let sids: Vec<String> = api::calls::list()
        .stream(&client)
        .map_ok(|call| call.sid.map(|s| s.to_string()).unwrap_or_default())
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(
        sids,
        [
            "CA00000000000000000000000000000001",
            "CA00000000000000000000000000000002"
        ]
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].ends_with("?Page=1&PageToken=PT1"), "{seen:?}");
}
