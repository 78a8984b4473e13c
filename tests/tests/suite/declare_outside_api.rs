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

mod list_calls {
    use runtime::{twilio_endpoint, AccountSid};

    /// Lists calls started in a window (a query-string declaration with Twilio's odd names).
    #[twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Calls.json")]
    pub struct ListCalls {
        pub account_sid: Option<AccountSid>,
        #[twilio(rename = "StartTime>")]
        pub started_after: Option<String>,
        #[twilio(rename = "StartTime<")]
        pub started_before: Option<String>,
        pub status: Option<Vec<String>>,
        #[twilio(range = 1..=1000)]
        pub page_size: Option<u32>,
    }

    /// Deletes a recording.
    #[twilio_endpoint(DELETE, "/2010-04-01/Accounts/<AccountSid>/Recordings/<Sid>.json")]
    pub struct DeleteRecording {
        pub account_sid: Option<AccountSid>,
        pub sid: String,
    }
}

#[tokio::test]
async fn query_names_with_angle_brackets_and_lists_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"calls": []})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, "token")
        .base_url(server.uri())
        .build()
        .expect("client");
    list_calls::list_calls()
        .started_after("2024-01-01")
        .started_before("2024-02-01")
        .status(vec!["completed".to_owned(), "busy".to_owned()])
        .page_size(20u32)
        .send(&client)
        .await
        .expect("listed");
    let req = &server.received_requests().await.expect("recording")[0];
    assert_eq!(
        req.url.path(),
        "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json"
    );
    assert_eq!(
        req.url.query(),
        Some("StartTime%3E=2024-01-01&StartTime%3C=2024-02-01&Status=completed&Status=busy&PageSize=20")
    );
    assert_eq!(
        req.headers.get("accept").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );

    let err = list_calls::list_calls()
        .page_size(0u32)
        .send(&client)
        .await
        .expect_err("range");
    assert_eq!(
        err.invalid_params()
            .expect("params")
            .iter()
            .next()
            .expect("one")
            .param,
        "PageSize"
    );
}

#[tokio::test]
async fn delete_returns_unit_on_204_and_path_values_cannot_escape_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder(AC, "token")
        .base_url(server.uri())
        .build()
        .expect("client");
    // The response type of a DELETE is `()`: a 204 has no body to decode.
    #[allow(clippy::let_unit_value)]
    let (): () = list_calls::delete_recording("RE1/../x?y#z")
        .send(&client)
        .await
        .expect("deleted");
    let req = &server.received_requests().await.expect("recording")[0];
    assert_eq!(req.url.path(), "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Recordings/RE1%2F..%2Fx%3Fy%23z.json");
    assert_eq!(req.url.query(), None);
    // DELETE carries no JSON Accept, as the official helpers do.
    assert_ne!(
        req.headers.get("accept").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );

    for bad in ["..", ".", ""] {
        let err = list_calls::delete_recording(bad)
            .send(&client)
            .await
            .expect_err("refused");
        assert_eq!(
            err.invalid_params()
                .expect("params")
                .iter()
                .next()
                .expect("one")
                .param,
            "Sid"
        );
    }
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        1
    );
}
