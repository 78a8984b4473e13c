//! The generated Api v2010 declarations: the whole surface is registered, operation-level
//! conditions refuse a request before it is sent, and the odd cases encode as Twilio expects.

use runtime::{Client, Endpoint, Method};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER: &str = "AC0123456789abcdef0123456789abcdef";
const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PN: &str = "PNcccccccccccccccccccccccccccccccc";

fn offline() -> Client {
    Client::builder(AC, "test-auth-token")
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client")
}

/// Encodes without sending; `Err` names the refused parameters.
fn encode<E: Endpoint>(params: E) -> Result<(String, Option<String>), String> {
    offline().encode(&params).map_err(|e| {
        e.invalid_params()
            .map(|p| {
                p.iter()
                    .map(|i| i.param.as_ref())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_else(|| e.to_string())
    })
}

#[test]
fn every_operation_of_the_spec_is_declared() {
    let api: Vec<_> = runtime::endpoints()
        .into_iter()
        .filter(|e| e.name.starts_with("api::"))
        .collect();
    let count = |m: Method| api.iter().filter(|e| e.method == m).count();
    assert_eq!(api.len(), 197);
    assert_eq!(
        (
            count(Method::Get),
            count(Method::Post),
            count(Method::Delete)
        ),
        (103, 62, 32)
    );
    let mut seen = std::collections::HashSet::new();
    for e in &api {
        assert!(
            seen.insert((e.method, e.path)),
            "declared twice: {} {}",
            e.method,
            e.path
        );
    }
    let list = api
        .iter()
        .find(|e| e.name == "api::calls::list::List")
        .expect("calls list");
    assert!(list.param("StartTime>").is_some() && list.param("PageSize").is_some());
}

#[test]
fn create_call_needs_a_url_twiml_or_application() {
    let refused = api::calls::create("+14155550100", "+14155550101")
        .into_params()
        .expect("arguments are fine");
    assert_eq!(encode(refused).expect_err("no instructions"), "Url");
    let ok = api::calls::create("+14155550100", "+14155550101")
        .twiml("<Response><Say>hi</Say></Response>")
        .into_params()
        .expect("params");
    let (_, body) = encode(ok).expect("accepted");
    assert!(body.expect("form").contains("Twiml=%3CResponse%3E"));
}

#[test]
fn create_message_needs_a_sender_and_content() {
    let nothing = api::messages::create("+14155550100")
        .into_params()
        .expect("params");
    assert_eq!(encode(nothing).expect_err("both groups fail"), "From,Body");
    let no_content = api::messages::create("+14155550100")
        .from("+14155550101")
        .into_params()
        .expect("params");
    assert_eq!(encode(no_content).expect_err("no content"), "Body");
    let by_service = api::messages::create("+14155550100")
        .messaging_service_sid("MGdddddddddddddddddddddddddddddddd")
        .media_url(vec![
            runtime::Uri::new("https://example.com/a.png").expect("url"),
            runtime::Uri::new("https://example.com/b.png").expect("url"),
        ])
        .into_params()
        .expect("params");
    let (_, body) = encode(by_service).expect("accepted");
    // Lists travel as repeated keys, never comma-joined.
    assert_eq!(body.expect("form").matches("MediaUrl=").count(), 2);
}

#[test]
fn list_setters_take_any_list_of_convertible_items() {
    let params = api::messages::create("+14155550100")
        .messaging_service_sid("MGdddddddddddddddddddddddddddddddd")
        .media_url(["https://example.com/a.png", "https://example.com/b.png"])
        .persistent_action(vec!["mailto:ops@example.com"])
        .into_params()
        .expect("params");
    let (_, body) = encode(params).expect("accepted");
    let body = body.expect("form");
    assert_eq!(
        body.matches("MediaUrl=https%3A%2F%2Fexample.com%2F")
            .count(),
        2,
        "{body}"
    );
    assert!(
        body.contains("PersistentAction=mailto%3Aops%40example.com"),
        "{body}"
    );

    // Every refused item is reported, with its position, before anything is sent.
    let refused = api::messages::create("+14155550100")
        .media_url(vec!["https://example.com/a.png", "not a url", ""])
        .into_params()
        .expect_err("two bad items");
    let text = refused.to_string();
    assert!(
        text.contains("MediaUrl") && text.contains("item 2") && text.contains("item 3"),
        "{text}"
    );
    assert!(!text.contains("item 1"), "{text}");
}

#[test]
fn buying_a_number_needs_the_number_or_an_area_code() {
    let neither = api::incoming_phone_numbers::create()
        .into_params()
        .expect("params");
    assert_eq!(encode(neither).expect_err("neither"), "PhoneNumber");
    let by_area = api::incoming_phone_numbers::create()
        .area_code("415")
        .into_params()
        .expect("params");
    assert!(encode(by_area).is_ok());
}

#[test]
fn moving_a_number_sends_the_target_account_in_the_body_only() {
    let params = api::incoming_phone_numbers::update(PN)
        .new_account_sid(OTHER)
        .into_params()
        .expect("params");
    let (target, body) = encode(params).expect("accepted");
    assert_eq!(
        target,
        format!("/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json")
    );
    assert_eq!(
        body.as_deref(),
        Some(format!("AccountSid={OTHER}").as_str())
    );
}

#[test]
fn message_sids_may_be_sms_or_mms() {
    assert!(api::messages::fetch("MMeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")
        .into_params()
        .is_ok());
    assert!(api::messages::fetch("SMeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee")
        .into_params()
        .is_ok());
    assert!(api::messages::fetch(CA).into_params().is_err());
}

#[test]
fn date_filters_use_twilio_formats() {
    let from = time::macros::datetime!(2024-03-09 10:11:12 +02:00);
    let params = api::messages::list()
        .date_sent_after(from)
        .date_sent_before(time::macros::date!(2024 - 04 - 01))
        .into_params()
        .expect("params");
    let (target, _) = encode(params).expect("accepted");
    assert!(
        target.ends_with("?DateSent%3C=2024-04-01&DateSent%3E=2024-03-09T08%3A11%3A12Z"),
        "{target}"
    );
}

#[tokio::test]
async fn delete_answers_unit_on_204() {
    let server = MockServer::start().await;
    let call_path = format!("/2010-04-01/Accounts/{AC}/Calls/{CA}.json");
    Mock::given(method("DELETE"))
        .and(path(call_path.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(AC, "test-auth-token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let unit: () = api::calls::delete(CA).send(&client).await.expect("deleted");
    assert_eq!(unit, ());
}

#[tokio::test]
async fn a_fetched_resource_decodes_with_typed_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "sid": PN,
            "account_sid": AC,
            "phone_number": "+14155550100",
            "voice_method": "POST",
            "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
            "capabilities": {"voice": true, "sms": false},
            "emergency_status": "Active",
            "address_requirements": "something-new",
            "subresource_uris": {"assigned_add_ons": "/x.json"},
            "unknown_extra": 42
        })))
        .mount(&server)
        .await;
    let client = Client::builder(AC, "test-auth-token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let number = api::incoming_phone_numbers::fetch(PN)
        .send(&client)
        .await
        .expect("decodes");
    assert_eq!(number.sid.expect("sid").as_str(), PN);
    assert_eq!(number.voice_method, Some(api::HttpMethod::Post));
    assert_eq!(
        number.date_created.map(|d| d.year()),
        Some(2015),
        "RFC 2822 parsed"
    );
    assert_eq!(
        number.emergency_status,
        Some(api::incoming_phone_numbers::EmergencyStatus::Active)
    );
    assert_eq!(
        number.address_requirements,
        Some(api::incoming_phone_numbers::AddressRequirement::Other(
            "something-new".into()
        ))
    );
    assert_eq!(number.voice_url, None, "absent fields are None");
}
