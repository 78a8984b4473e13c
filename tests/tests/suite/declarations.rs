//! The shapes the newer products need, declared here and checked through the public API: a
//! product host, PUT and PATCH, a JSON body, a header parameter, a lowercase placeholder,
//! defaults and deprecation in the registry, rules, and requests rebuilt from the wire
//! (`FromWire`, `Erased::check`) with the setters' own messages.

use runtime::param::Location;
use runtime::{Auth, Body, Endpoint, FromWire, Method, RuleKind, WireInput};
use serde_json::json;

// A second name for the runtime, as a crate that reaches it through a re-export would have:
// `crate = "…"` makes generated code use it (this module is `declarations` of the suite binary).
use runtime as rt;

mod shapes {
    use runtime::twilio_endpoint;

    /// Replaces an assistant.
    #[twilio_endpoint(PUT, "/v1/Assistants/<id>", host = "assistants", body = json, auth = oauth2, crate = "crate::declarations::rt")]
    pub struct UpdateAssistant {
        /// The assistant.
        #[twilio(rename = "id")]
        pub id: String,
        /// Its new name.
        #[twilio(rename = "name")]
        pub name: Option<String>,
        /// Who owns it.
        #[twilio(rename = "owner", deprecated)]
        pub owner: Option<String>,
        /// Free-form settings.
        #[twilio(rename = "meta")]
        pub meta: Option<serde_json::Value>,
        /// How many results a search returns.
        #[twilio(rename = "size", range = 1..=100, default = "10")]
        pub size: Option<u32>,
        /// Whether the change triggers webhooks.
        #[twilio(header = "X-Twilio-Webhook-Enabled")]
        pub webhook_enabled: Option<bool>,
    }

    /// Changes which countries messages may go to.
    #[twilio_endpoint(
        PATCH,
        "/v1/Messaging/GeoPermissions",
        host = "accounts",
        exactly_one_of(country_code, region)
    )]
    pub struct UpdateGeoPermissions {
        /// One country.
        pub country_code: Option<String>,
        /// A whole region.
        pub region: Option<String>,
        /// Allow or deny.
        pub enabled: bool,
    }
}

use shapes::{update_assistant, update_geo_permissions, UpdateAssistant, UpdateGeoPermissions};

#[test]
fn the_registry_describes_every_new_shape() {
    let info = &UpdateAssistant::INFO;
    assert_eq!(info.method, Method::Put);
    assert_eq!(info.host, "assistants");
    assert_eq!(info.body, Body::Json);
    assert_eq!(info.auth, Auth::OAuth2);
    assert_eq!(info.summary, "Replaces an assistant.");
    assert_eq!(
        info.rust_path(),
        "suite::declarations::shapes::update_assistant"
    );
    assert_eq!(info.operation(), "declarations.shapes.update_assistant");
    let places: Vec<(&str, Location)> = info
        .params
        .iter()
        .map(|p| (p.wire_name, p.location))
        .collect();
    assert_eq!(
        places,
        [
            ("id", Location::Path),
            ("name", Location::Json),
            ("owner", Location::Json),
            ("meta", Location::Json),
            ("size", Location::Json),
            ("X-Twilio-Webhook-Enabled", Location::Header),
        ]
    );
    let size = info.param("size").expect("size");
    assert_eq!(size.default, Some("10"));
    assert_eq!(size.doc, "How many results a search returns.");
    assert!(info.param("owner").expect("owner").deprecated);
    assert!(!size.deprecated);

    let geo = &UpdateGeoPermissions::INFO;
    assert_eq!((geo.method, geo.body), (Method::Patch, Body::Form));
    assert_eq!(geo.rules[0].kind, RuleKind::ExactlyOne);
    assert_eq!(geo.rules[0].params, ["CountryCode", "Region"]);
    // Both are in the program's registry.
    let ops: Vec<String> = runtime::endpoints().iter().map(|e| e.operation()).collect();
    assert!(
        ops.contains(&"declarations.shapes.update_assistant".to_owned()),
        "{ops:?}"
    );
    assert!(ops.contains(&"declarations.shapes.update_geo_permissions".to_owned()));
}

#[test]
fn path_json_body_and_headers_are_kept_apart() {
    let params = update_assistant("a/b")
        .name("Helper")
        .meta(json!({"tone": "dry"}))
        .webhook_enabled(false)
        .into_params()
        .expect("valid");
    // The body: only the JSON members, never the path or the header.
    assert_eq!(
        serde_json::to_value(&params).expect("json"),
        json!({"name": "Helper", "meta": {"tone": "dry"}})
    );
    assert_eq!(
        params.headers(),
        [("X-Twilio-Webhook-Enabled", "false".to_owned())]
    );
    let account = runtime::AccountSid::new("AC00000000000000000000000000000000").expect("sid");
    let mut path = String::new();
    params.write_path(&account, &mut path).expect("path");
    assert_eq!(path, "/v1/Assistants/a%2Fb");
    // Unset header parameters send nothing.
    let bare = update_assistant("x").into_params().expect("valid");
    assert!(bare.headers().is_empty());
}

#[test]
fn ranges_and_rules_hold_for_the_new_shapes() {
    let refused = update_assistant("x")
        .size(0u32)
        .into_params()
        .expect_err("range");
    assert_eq!(refused.to_string(), "size must be between 1 and 100, got 0");

    let neither = update_geo_permissions(true).into_params().expect("values");
    assert_eq!(
        neither.validate().expect_err("rule").to_string(),
        "CountryCode or Region must be set (exactly one of them)"
    );
    let one = update_geo_permissions(true)
        .region("europe")
        .into_params()
        .expect("values");
    assert_eq!(one.validate(), Ok(()));
}

fn refusals(result: Result<impl std::fmt::Debug, runtime::InvalidParams>) -> Vec<String> {
    result
        .expect_err("refused")
        .iter()
        .map(|p| p.to_string())
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PK: &str = "PKcccccccccccccccccccccccccccccccc";
const URL: &str = "https://example.com/pay/status";

#[test]
fn a_request_from_the_wire_is_refused_with_the_setters_words() {
    use api::payments::Create;
    let setter = api::payments::create("CA123", "k", URL)
        .into_params()
        .expect_err("refused")
        .to_string();
    let input = WireInput {
        path: pairs(&[("CallSid", "CA123")]),
        pairs: pairs(&[
            ("IdempotencyKey", "k"),
            ("StatusCallback", URL),
            ("Timeout", "0"),
            ("PostalCode", "maybe"),
            ("Colour", "red"),
            ("Currency", "usd"),
            ("Currency", "eur"),
        ]),
        ..WireInput::default()
    };
    let got = refusals(Create::from_wire(&input));
    assert_eq!(
        got,
        [
            "Colour is not a parameter of payments.create".to_owned(),
            setter,
            "Currency is given 2 times; it takes one value".to_owned(),
            "PostalCode must be `true` or `false`, got \"maybe\"".to_owned(),
            "Timeout must be between 1 and 600, got 0".to_owned(),
        ]
    );
    let missing = WireInput {
        path: pairs(&[("CallSid", CA)]),
        ..WireInput::default()
    };
    assert_eq!(
        refusals(Create::from_wire(&missing)),
        ["IdempotencyKey is required", "StatusCallback is required"]
    );
}

#[test]
fn a_valid_request_from_the_wire_is_the_one_the_setters_build() {
    use api::payments::{CardType, Create};
    let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
        .build()
        .expect("client");
    let input = WireInput {
        path: pairs(&[("CallSid", CA)]),
        pairs: pairs(&[
            ("IdempotencyKey", "k"),
            ("StatusCallback", URL),
            ("ChargeAmount", "10.50"),
            ("ValidCardTypes", "visa amex"),
            ("Parameter", r#"{"a":"b"}"#),
            ("Timeout", "30"),
        ]),
        ..WireInput::default()
    };
    let rebuilt = Create::from_wire(&input).expect("valid");
    let built = api::payments::create(CA, "k", URL)
        .charge_amount(rust_decimal_macros::dec!(10.50))
        .valid_card_types([CardType::Visa, CardType::Amex])
        .parameter(json!({"a": "b"}))
        .timeout(30)
        .into_params()
        .expect("valid");
    assert_eq!(
        client.encode(&rebuilt).expect("encodes"),
        client.encode(&built).expect("encodes")
    );
}

#[test]
fn the_registry_checks_a_request_without_knowing_its_type() {
    let info = runtime::endpoints()
        .into_iter()
        .find(|e| e.operation() == "payments.update")
        .expect("registered");
    let mut input = WireInput {
        path: pairs(&[("CallSid", CA), ("Sid", PK)]),
        pairs: pairs(&[("IdempotencyKey", "k"), ("StatusCallback", URL)]),
        ..WireInput::default()
    };
    let refused = (info.erased.check)(&input).expect_err("rule");
    assert_eq!(
        refused.to_string(),
        "Capture or Status must be set (exactly one of them)"
    );
    input
        .pairs
        .push(("Status".to_owned(), "complete".to_owned()));
    assert_eq!((info.erased.check)(&input), Ok(()));
    // A path value that would change the request path is refused as at send time.
    input.path[1].1 = "..".to_owned();
    assert!((info.erased.check)(&input).is_err());
}

#[test]
fn a_json_body_from_the_wire_reads_json_types_and_refuses_strays() {
    let input = WireInput {
        path: pairs(&[("id", "a1")]),
        json: Some(json!({"name": "n", "size": 500, "meta": {"k": [1]}, "extra": true})),
        headers: pairs(&[("x-twilio-webhook-enabled", "maybe"), ("User-Agent", "any")]),
        ..WireInput::default()
    };
    assert_eq!(
        refusals(UpdateAssistant::from_wire(&input)),
        [
            "extra is not a parameter of declarations.shapes.update_assistant",
            "size must be between 1 and 100, got 500",
            "X-Twilio-Webhook-Enabled must be `true` or `false`, got \"maybe\"",
        ]
    );
    let good = WireInput {
        path: pairs(&[("id", "a1")]),
        json: Some(json!({"name": "n", "size": "20", "meta": {"k": [1]}})),
        headers: pairs(&[("X-Twilio-Webhook-Enabled", "true")]),
        ..WireInput::default()
    };
    let params = UpdateAssistant::from_wire(&good).expect("valid");
    assert_eq!(params.size, Some(20));
    assert_eq!(params.meta, Some(json!({"k": [1]})));
    assert_eq!(params.webhook_enabled, Some(true));
    // Form pairs are not parameters of a JSON request.
    let form = WireInput {
        path: pairs(&[("id", "a1")]),
        pairs: pairs(&[("name", "n")]),
        ..WireInput::default()
    };
    assert_eq!(
        refusals(UpdateAssistant::from_wire(&form)),
        ["name is not a parameter of declarations.shapes.update_assistant"]
    );
}
