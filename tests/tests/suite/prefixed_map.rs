//! A prefixed map (Lookup's `AddOnsData`, the spec's `prefixed-collapsible-map-AddOns`) goes on
//! the wire as the official helpers send it, `AddOns.<add-on>.<key>=<value>`, never as its own
//! name; a value with no text form is refused before anything is sent; a server rebuilding the
//! request reads the prefixed pairs back and refuses the map's own name.

use api::lookups::v1::phone_numbers::{fetch, Fetch};
use runtime::{Client, ErrorKind, FromWire, WireInput};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

async fn client(server: &MockServer) -> Client {
    Client::builder(AC, "prefixed-map-token")
        .host_base_url("lookups", server.uri())
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_map_travels_as_prefixed_pairs_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/PhoneNumbers/+14155550100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    fetch("+14155550100")
        .add_ons(vec!["payfone_tcpa_compliance".to_owned()])
        .add_ons_data(serde_json::json!({
            "payfone_tcpa_compliance": { "RightPartyContactedDate": "20160101" },
            "nomorobo_spamscore": { "score": 1, "verbose": true }
        }))
        .send(&client(&server).await)
        .await
        .expect("fetched");
    let got = server.received_requests().await.expect("recorded");
    // The bytes twilio-python 9.13.0 sends for the same values (its `prefixed_collapsible_map`
    // flattening, `requests`' encoding of `+`), keys in the object's order.
    assert_eq!(
        got[0].url.query(),
        Some(
            "AddOns=payfone_tcpa_compliance\
             &AddOns.nomorobo_spamscore.score=1\
             &AddOns.nomorobo_spamscore.verbose=true\
             &AddOns.payfone_tcpa_compliance.RightPartyContactedDate=20160101"
        )
    );
}

#[tokio::test]
async fn a_value_with_no_text_form_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = fetch("+14155550100")
        .add_ons_data(serde_json::json!({ "a": { "b": [1, 2] } }))
        .send(&client(&server).await)
        .await
        .expect_err("refused");
    assert!(matches!(err.kind(), ErrorKind::InvalidParams(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("AddOnsData") && text.contains("\"a.b\"") && text.contains("array"),
        "{text}"
    );
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
}

fn input(pairs: &[(&str, &str)]) -> WireInput {
    WireInput {
        path: vec![("PhoneNumber".into(), "+14155550100".into())],
        pairs: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..WireInput::default()
    }
}

#[test]
fn a_server_reads_the_prefixed_pairs_back_and_refuses_the_maps_own_name() {
    let rebuilt = Fetch::from_wire(&input(&[
        ("AddOns", "nomorobo_spamscore"),
        ("AddOns.nomorobo_spamscore.score", "1"),
    ]))
    .expect("rebuilt");
    let map = rebuilt.add_ons_data.expect("the map");
    assert_eq!(
        map.pairs().collect::<Vec<_>>(),
        [("nomorobo_spamscore.score", "1")]
    );
    assert_eq!(
        rebuilt.add_ons.as_deref(),
        Some(&["nomorobo_spamscore".to_owned()][..])
    );

    let refused = Fetch::from_wire(&input(&[("AddOnsData", r#"{"a":"b"}"#)]))
        .expect_err("the map's own name is no key Twilio reads");
    let text = refused.to_string();
    assert!(text.contains("AddOns.<key>=<value>"), "{text}");

    let refused = Fetch::from_wire(&input(&[("AddOns..x", "1")])).expect_err("empty segment");
    assert!(refused.to_string().contains("empty segment"), "{refused}");
}

#[test]
fn flat_pairs_give_the_map_as_json_text() {
    // What the console and the conformance suite hand over: the parameter's name and its JSON.
    let info = &<Fetch as runtime::Endpoint>::INFO;
    let wire = WireInput::from_pairs(
        info,
        &[
            ("PhoneNumber".to_owned(), "+14155550100".to_owned()),
            ("AddOnsData".to_owned(), r#"{"x":{"y":"z"}}"#.to_owned()),
        ],
    );
    assert_eq!(wire.pairs, [("AddOns.x.y".to_owned(), "z".to_owned())]);
    let rebuilt = Fetch::from_wire(&wire).expect("rebuilt");
    assert_eq!(
        rebuilt.add_ons_data.map(|m| m.to_json()),
        Some(serde_json::json!({"x": {"y": "z"}}))
    );
}
