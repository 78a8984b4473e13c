//! Every product over real HTTP on loopback: routing by the declaration's host (one base URL
//! for all products, or one URL per host), PUT and PATCH, JSON bodies, header parameters and
//! requests without credentials. Each declaration here is a hand-written stand-in for one the
//! generator writes from a spec, in the same shape.

use runtime::{Client, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "products-test-token";

mod shapes {
    use runtime::twilio_endpoint;

    /// Lists Verify services (a product other than `api`).
    #[twilio_endpoint(GET, "/v2/Services", host = "verify")]
    pub struct ListServices {
        /// How many per page.
        pub page_size: Option<u32>,
    }

    /// Fetches an Api v2010 account.
    #[twilio_endpoint(GET, "/2010-04-01/Accounts/<Sid>.json")]
    pub struct FetchAccount {
        /// The account.
        pub sid: String,
    }
}

use shapes::{fetch_account, list_services};

async fn answering(route: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|r| match r.url.query() {
            Some(q) => format!("{}?{q}", r.url.path()),
            None => r.url.path().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn a_base_url_routes_other_products_under_their_host_label() {
    let server = answering("/verify/v2/Services").await;
    Mock::given(method("GET"))
        .and(path("/2010-04-01/Accounts/AC1.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(format!("{}/", server.uri()))
        .build()
        .expect("client");
    list_services()
        .page_size(5u32)
        .send(&client)
        .await
        .expect("verify");
    fetch_account("AC1").send(&client).await.expect("api");
    assert_eq!(
        paths(&server).await,
        [
            "/verify/v2/Services?PageSize=5",
            "/2010-04-01/Accounts/AC1.json"
        ]
    );
    assert_eq!(client.base_url(), server.uri());
    assert_eq!(
        client.host_url("verify").expect("url"),
        format!("{}/verify", server.uri())
    );
}

#[tokio::test]
async fn a_host_url_sends_that_product_alone_elsewhere() {
    let verify = answering("/v2/Services").await;
    let rest = answering("/2010-04-01/Accounts/AC1.json").await;
    let client = Client::builder(AC, TOKEN)
        .base_url(rest.uri())
        .host_base_url("verify", verify.uri())
        .build()
        .expect("client");
    list_services().send(&client).await.expect("verify");
    fetch_account("AC1").send(&client).await.expect("api");
    assert_eq!(paths(&verify).await, ["/v2/Services"]);
    assert_eq!(paths(&rest).await, ["/2010-04-01/Accounts/AC1.json"]);
    // The host is the one of the URL given for it, with the client's credentials.
    let sent = &verify.received_requests().await.expect("recording")[0];
    assert!(sent.headers.get("authorization").is_some());
}

#[test]
fn bad_routing_settings_are_refused_when_building() {
    let err = Client::builder(AC, TOKEN)
        .host_base_url("verify.twilio.com", "http://127.0.0.1:1")
        .build()
        .expect_err("not a label");
    assert!(matches!(err.kind(), ErrorKind::Config(_)), "{err}");
    assert!(err.to_string().contains("verify.twilio.com"), "{err}");
    let err = Client::builder(AC, TOKEN)
        .host_base_url("verify", "ftp://127.0.0.1:1")
        .build()
        .expect_err("not http");
    assert!(matches!(err.kind(), ErrorKind::Config(_)), "{err}");
}
