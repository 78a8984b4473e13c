//! Path placeholders the specs type as integers, enums or dates are declared with those types
//! (not as text) and written as one segment each: generated declarations of three products,
//! over real HTTP on loopback.

use api::verify::v2::forms::FormTypes;
use runtime::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

async fn client_for(server: &MockServer, host: &str) -> Client {
    Client::builder(AC, "typed-path-token")
        .host_base_url(host, server.uri())
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_integer_placeholder_is_its_decimal_digits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/Services/default/Lists/todo/Items/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"index": 42})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, "sync").await;
    let item = api::sync::v1::services::lists::items::fetch("default", "todo", 42)
        .send(&client)
        .await
        .expect("fetched");
    assert_eq!(item.index, Some(42));
}

#[tokio::test]
async fn an_enum_placeholder_is_its_wire_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/Forms/form-push"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, "verify").await;
    api::verify::v2::forms::fetch(FormTypes::FormPush)
        .send(&client)
        .await
        .expect("fetched");
}

#[tokio::test]
async fn a_date_placeholder_is_yyyy_mm_dd() {
    let server = MockServer::start().await;
    let call = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/Archives/2024-02-29/Calls/{call}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, "voice").await;
    let day = runtime::Date(time::macros::date!(2024 - 02 - 29));
    let sid: runtime::sid::CallSid = call.parse().expect("a call SID");
    api::voice::v1::archives::calls::delete(day, sid)
        .send(&client)
        .await
        .expect("deleted");
}

#[test]
fn the_registry_types_them_too() {
    use runtime::param::Scalar;
    let kind = |op: &str, wire: &str| {
        let info = runtime::endpoints()
            .into_iter()
            .find(|e| e.operation() == op)
            .unwrap_or_else(|| panic!("{op} is declared"));
        info.param(wire).expect("the placeholder").kind.scalar
    };
    assert_eq!(
        kind("sync.v1.services.lists.items.fetch", "Index"),
        Scalar::Integer
    );
    assert_eq!(kind("voice.v1.archives.calls.delete", "Date"), Scalar::Date);
    assert!(
        matches!(kind("verify.v2.forms.fetch", "FormType"), Scalar::Enum(v) if v == ["form-push"])
    );
}
