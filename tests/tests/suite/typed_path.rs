//! Path placeholders the specs type as integers, enums or dates are declared with those types
//! (not as text) and written as one segment each, over real HTTP on loopback: the generated
//! Verify declaration with an enum placeholder, and declarations in the generated shape for an
//! integer (as Sync's list items) and a date (as Voice's archived calls).

use api::verify::v2::forms::FormTypes;
use runtime::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

mod shapes {
    use runtime::{twilio_endpoint, Date};

    /// An item by its position in a list (an integer placeholder, as Sync's `<Index>`).
    #[twilio_endpoint(GET, "/v1/Lists/<ListSid>/Items/<Index>", host = "typed-demo")]
    pub struct FetchItem {
        /// The list.
        pub list_sid: String,
        /// The item's position.
        pub index: u32,
    }

    /// Removes a day's archived call (a date placeholder, as Voice's `<Date>`).
    #[twilio_endpoint(DELETE, "/v1/Archives/<Date>/Calls/<Sid>", host = "typed-demo")]
    pub struct DeleteArchivedCall {
        /// The day.
        pub date: Date,
        /// The call.
        pub sid: runtime::sid::CallSid,
    }
}

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
        .and(path("/v1/Lists/todo/Items/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"index": 42})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server, "typed-demo").await;
    let item = shapes::fetch_item("todo", 42u32)
        .send(&client)
        .await
        .expect("fetched");
    assert_eq!(item["index"], 42);
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
    let client = client_for(&server, "typed-demo").await;
    let day = runtime::Date(time::macros::date!(2024 - 02 - 29));
    let sid: runtime::sid::CallSid = call.parse().expect("a call SID");
    shapes::delete_archived_call(day, sid)
        .send(&client)
        .await
        .expect("deleted");
}

#[test]
fn the_registry_types_them_too() {
    use runtime::param::Scalar;
    let kind = |name: &str, wire: &str| {
        let info = runtime::endpoints()
            .into_iter()
            .find(|e| e.name.ends_with(name))
            .unwrap_or_else(|| panic!("{name} is declared"));
        info.param(wire).expect("the placeholder").kind.scalar
    };
    assert_eq!(kind("::FetchItem", "Index"), Scalar::Integer);
    assert_eq!(kind("::DeleteArchivedCall", "Date"), Scalar::Date);
    assert!(
        matches!(kind("verify::v2::forms::fetch::Fetch", "FormType"), Scalar::Enum(v) if v == ["form-push"])
    );
}
