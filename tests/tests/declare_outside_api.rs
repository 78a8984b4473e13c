//! A crate other than `api` declares an endpoint (`tests::FetchCall`, 7 lines in src/lib.rs)
//! and calls it like any other.

use runtime::Client;
use tests::fetch_call;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

#[tokio::test]
async fn fetch_call_declared_outside_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": CA, "status": "in-progress", "to": "+15550100", "from": "+15550101"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(AC, "token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let call = fetch_call(CA).send(&client).await.expect("fetched");
    assert_eq!(call.sid, CA);
    assert_eq!(call.status, "in-progress");
    let req = &server.received_requests().await.expect("recording")[0];
    assert_eq!(
        req.url.query(),
        None,
        "GET without parameters has no query string"
    );
    assert!(req.headers.get("content-type").is_none(), "GET has no body");
    assert_eq!(req.body.len(), 0);
}

#[test]
fn the_declaration_is_in_the_registry() {
    let info = runtime::endpoints()
        .into_iter()
        .find(|e| e.name == "tests::FetchCall")
        .expect("registered");
    assert_eq!(info.method, runtime::Method::Get);
    assert_eq!(
        info.path,
        "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json"
    );
    assert_eq!(info.function, "fetch_call");
    assert_eq!(info.response, "Call");
    let call_sid = info.param("CallSid").expect("CallSid");
    assert!(call_sid.required);
    assert_eq!(call_sid.location, runtime::param::Location::Path);
    assert!(!info.param("AccountSid").expect("AccountSid").required);
    assert!(!info.idempotency_key);
}
