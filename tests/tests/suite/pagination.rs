//! Lists against a local mock: `stream` follows `next_page_uri` lazily, one page in memory at a
//! time, honours a limit, and surfaces a failing page as a typed error.

use futures_util::{StreamExt, TryStreamExt};
use runtime::{Client, ErrorKind, RetryPolicy};
use time::macros::date;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CALLS: &str = "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json";

fn call(n: usize) -> serde_json::Value {
    serde_json::json!({
        "sid": format!("CA{n:032x}"),
        "account_sid": AC,
        "status": "completed",
        "start_time": "Tue, 31 Aug 2010 20:36:29 +0000",
        "price": "-0.03000",
        "some_future_field": {"x": 1}
    })
}

/// Page `index` (0-based) of a 3-page list of 2 calls each; the last has no next page.
fn page(index: usize) -> serde_json::Value {
    let next = (index < 2).then(|| {
        format!(
            "{CALLS}?PageSize=2&StartTime%3E=2024-01-01&Page={}&PageToken=PA{}",
            index + 1,
            index + 1
        )
    });
    serde_json::json!({
        "calls": [call(index * 2), call(index * 2 + 1)],
        "first_page_uri": format!("{CALLS}?PageSize=2&Page=0"),
        "next_page_uri": next,
        "previous_page_uri": null,
        "page": index,
        "page_size": 2,
        "start": index * 2,
        "end": index * 2 + 1,
        "uri": format!("{CALLS}?PageSize=2&Page={index}"),
    })
}

/// Mounts three pages; page 2 (index 1) answers `page2_status` instead when given.
async fn server(page2_status: Option<u16>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CALLS))
        .and(query_param_is_missing("PageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0)))
        .mount(&server)
        .await;
    let second = match page2_status {
        Some(status) => ResponseTemplate::new(status).set_body_json(serde_json::json!({
            "code": 20500, "message": "Internal Server Error", "status": status
        })),
        None => ResponseTemplate::new(200).set_body_json(page(1)),
    };
    Mock::given(method("GET"))
        .and(path(CALLS))
        .and(query_param("PageToken", "PA1"))
        .respond_with(second)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CALLS))
        .and(query_param("PageToken", "PA2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2)))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(AC, "test-auth-token")
        .base_url(server.uri())
        .build()
        .expect("client")
}

async fn requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recording on")
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn three_pages_are_followed_lazily_one_page_in_memory() {
    let server = server(None).await;
    let client = client(&server);
    let mut calls = api::calls::list()
        .start_time_after(date!(2024 - 01 - 01))
        .page_size(2u32)
        .stream(&client);
    assert!(
        requests(&server).await.is_empty(),
        "nothing sent before polling"
    );

    let mut sids = Vec::new();
    let mut seen_requests = Vec::new();
    while let Some(call) = calls.try_next().await.expect("every page answers") {
        // Never more than what is left of the current page.
        assert!(
            calls.buffered_len() < 2,
            "buffered {}",
            calls.buffered_len()
        );
        sids.push(call.sid.expect("sid").to_string());
        seen_requests.push(requests(&server).await.len());
    }
    assert_eq!(sids.len(), 6);
    assert_eq!(sids[5], format!("CA{:032x}", 5));
    // Page n+1 is requested only once page n's items are used up.
    assert_eq!(seen_requests, vec![1, 1, 2, 2, 3, 3]);
    assert_eq!(calls.pages_fetched(), 3);

    let sent = requests(&server).await;
    assert_eq!(sent[0], "StartTime%3E=2024-01-01&PageSize=2");
    assert!(sent[1].ends_with("PageToken=PA1") && sent[2].ends_with("PageToken=PA2"));
}

#[tokio::test]
async fn the_limit_stops_early_and_fetches_no_further_page() {
    let server = server(None).await;
    let client = client(&server);
    let calls: Vec<_> = api::calls::list()
        .page_size(2u32)
        .stream(&client)
        .limit(3)
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(calls.len(), 3);
    assert_eq!(requests(&server).await.len(), 2, "page 3 never requested");

    let none: Vec<_> = api::calls::list()
        .stream(&client)
        .limit(0)
        .try_collect()
        .await
        .expect("nothing");
    assert!(none.is_empty());
    assert_eq!(
        requests(&server).await.len(),
        2,
        "a zero limit sends nothing"
    );
}

#[tokio::test]
async fn a_server_error_on_page_two_is_a_typed_error_and_ends_the_stream() {
    let server = server(Some(500)).await;
    let client = client(&server);
    let mut calls = api::calls::list()
        .page_size(2u32)
        .with_retry(RetryPolicy::none())
        .stream(&client);
    assert!(calls.next().await.expect("item").is_ok());
    assert!(calls.next().await.expect("item").is_ok());
    let err = calls
        .next()
        .await
        .expect("an error item")
        .expect_err("page 2 fails");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.code(), Some(20500));
    assert!(matches!(err.kind(), ErrorKind::Api(_)), "{err:?}");
    assert!(
        calls.next().await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn invalid_filters_fail_before_anything_is_sent() {
    let server = server(None).await;
    let client = client(&server);
    let mut calls = api::calls::list().page_size(5000u32).stream(&client);
    let err = calls
        .next()
        .await
        .expect("an error")
        .expect_err("out of range");
    assert!(
        err.invalid_params().is_some_and(|p| p.contains("PageSize")),
        "{err}"
    );
    assert!(calls.next().await.is_none());
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_single_page_reads_through_send() {
    let server = server(None).await;
    let client = client(&server);
    let page = api::calls::list()
        .page_size(2u32)
        .send(&client)
        .await
        .expect("page");
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.page, Some(0));
    assert!(page
        .next_page_uri
        .as_deref()
        .is_some_and(|u| u.contains("PA1")));
    let first = &page.items[0];
    assert_eq!(first.status, Some(api::calls::Status::Completed));
    assert!(first.start_time.is_some() && first.price.is_some());
}
