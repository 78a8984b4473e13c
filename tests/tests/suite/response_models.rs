//! Every response model of `api`, found through the registry (`runtime::endpoints()`): for each
//! field in turn (nested ones and list items included), a body in which that field holds a
//! value of each wrong shape still decodes, every other field keeps its value, and the raw value
//! is kept in `unreadable`. Only the essential fields may fail a decode, and the error names
//! them.

use std::collections::{BTreeMap, BTreeSet};

use runtime::reflect::Shape;
use runtime::response::DecodedResponse;
use serde_json::{json, Value};

/// Values of every JSON kind, and text that fits few types (a SID of no known kind, a number
/// with a unit, a date in no format Twilio uses) or many (an ISO date, a number as text).
fn wrong_values() -> Vec<Value> {
    vec![
        json!(true),
        json!(12345),
        json!(-1.5),
        json!(18446744073709551615u64),
        json!("not a fit ✗"),
        json!("XX0123456789abcdef0123456789abcdef"),
        json!("12.50 USD"),
        json!("2026-12-01T10:00:00.123Z"),
        json!("31/12/2026"),
        json!({"unexpected": {"nested": [1]}}),
        json!([1, "two", {"three": 3}]),
        json!([]),
    ]
}

/// One step of a path into a body.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path as `unreadable` names it: `a.b[0].c`.
fn name(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Every position of `example` worth tampering with, with the shape read there (`None` inside
/// a map, whose values the shape does not describe).
fn positions(
    example: &Value,
    shape: Option<&Shape>,
    path: &mut Vec<Step>,
    out: &mut Vec<(Vec<Step>, Option<Shape>)>,
) {
    if !path.is_empty() {
        out.push((path.clone(), shape.cloned()));
    }
    match (example, shape) {
        (_, Some(Shape::Any)) => {}
        (Value::Array(items), _) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                positions(item, shape, path, out);
                path.pop();
            }
        }
        (Value::Object(fields), Some(Shape::Struct { .. })) => {
            for (k, v) in fields {
                path.push(Step::Key(k.clone()));
                positions(v, shape.and_then(|s| s.field(k)), path, out);
                path.pop();
            }
        }
        (Value::Object(entries), Some(Shape::Map)) => {
            for (k, v) in entries {
                path.push(Step::Key(k.clone()));
                positions(v, None, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// `value` without the position at `path` (an item is removed from its list).
fn without(mut value: Value, path: &[Step]) -> Value {
    let Some((last, parent)) = path.split_last() else {
        return Value::Null;
    };
    match (at_mut(&mut value, parent), last) {
        (Some(Value::Object(m)), Step::Key(k)) => {
            m.remove(k);
        }
        (Some(Value::Array(a)), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
    value
}

/// Whether `entry` names `field` itself or something inside it.
fn is_within(entry: &str, field: &str) -> bool {
    entry
        .strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
}

struct Tally {
    models: BTreeSet<String>,
    positions: usize,
    bodies: usize,
    kept_raw: usize,
    essential: BTreeSet<String>,
}

/// Tampers with every position of one response type's example.
fn check_response(info: &runtime::EndpointInfo, tally: &mut Tally) {
    let decode = info.erased.decode_response;
    let example = (info.erased.response_example)();
    let shape = (info.erased.response_shape)();
    let context = format!("{} (response `{}`)", info.name, info.response);
    let body = serde_json::to_vec(&example).expect("json");
    let base: DecodedResponse =
        decode(&body).unwrap_or_else(|e| panic!("{context}: the example does not decode: {e}"));
    assert!(
        base.unreadable.is_empty(),
        "{context}: the example fits every field, yet kept {:?}",
        base.unreadable
    );
    if let Shape::Struct { name, .. } = &shape {
        tally.models.insert(format!(
            "{}::{name}",
            info.name.rsplit_once("::").map_or("", |(m, _)| m)
        ));
    }
    let mut found = Vec::new();
    positions(&example, Some(&shape), &mut Vec::new(), &mut found);
    for (path, shape_here) in found {
        let field = name(&path);
        tally.positions += 1;
        let mut kept_here = 0;
        for wrong in wrong_values() {
            let mut tampered = example.clone();
            *at_mut(&mut tampered, &path).expect("a position of the example") = wrong.clone();
            let body = serde_json::to_vec(&tampered).expect("json");
            tally.bodies += 1;
            let decoded = match decode(&body) {
                Ok(d) => d,
                Err(e) => {
                    // Only an essential field may fail the body, and the error names it.
                    let last = match path.last() {
                        Some(Step::Key(k)) => k.clone(),
                        _ => String::new(),
                    };
                    assert!(
                        e.contains(&format!("essential field `{last}`")),
                        "{context}: `{field}` = {wrong} failed the decode: {e}"
                    );
                    tally.essential.insert(format!("{}.{field}", info.response));
                    continue;
                }
            };
            // Nothing is kept for any other field.
            for (entry, _) in &decoded.unreadable {
                assert!(
                    is_within(entry, &field),
                    "{context}: `{field}` = {wrong} made `{entry}` unreadable"
                );
            }
            match decoded.unreadable.iter().find(|(entry, _)| *entry == field) {
                // Did not fit: read as nothing, kept exactly as sent.
                Some((_, raw)) => {
                    assert_eq!(raw, &wrong, "{context}: `{field}` kept another value");
                    // `None`, or the empty list a page's items default to.
                    assert!(
                        at(&decoded.value, &path)
                            .is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty)),
                        "{context}: `{field}` = {wrong} did not fit, yet reads as a value"
                    );
                    kept_here += 1;
                    tally.kept_raw += 1;
                }
                // Fitted (or, for a list, item by item): the value is there, and each item that
                // did not fit is kept by position.
                None => {
                    let read = at(&decoded.value, &path);
                    let items_kept = decoded.unreadable.len();
                    let sizes = match (&wrong, read) {
                        (Value::Array(sent), Some(Value::Array(got))) => {
                            Some((sent.len(), got.len()))
                        }
                        // A model skips keys it does not declare; a map reads every entry.
                        (Value::Object(sent), Some(Value::Object(got)))
                            if matches!(shape_here, Some(Shape::Map)) =>
                        {
                            Some((sent.len(), got.len()))
                        }
                        _ => None,
                    };
                    match sizes {
                        // A list or map: every item is either read or kept.
                        Some((sent, got)) => assert_eq!(
                            got + items_kept,
                            sent,
                            "{context}: `{field}` = {wrong}: items lost (kept {:?})",
                            decoded.unreadable
                        ),
                        None => {
                            assert!(
                                read.is_some_and(|v| !v.is_null()),
                                "{context}: `{field}` = {wrong} is neither read nor kept"
                            );
                            assert_eq!(items_kept, 0, "{context}: `{field}` = {wrong}");
                        }
                    }
                }
            }
            // Every other field keeps its value.
            assert_eq!(
                without(decoded.value, &path),
                without(base.value.clone(), &path),
                "{context}: `{field}` = {wrong} changed other fields"
            );
        }
        // A single value or a model never takes an object and a list: at least those two kept.
        if matches!(shape_here, Some(Shape::Scalar | Shape::Struct { .. })) {
            assert!(
                kept_here >= 2
                    || tally
                        .essential
                        .iter()
                        .any(|e| e.ends_with(&format!(".{field}"))),
                "{context}: `{field}` kept only {kept_here} of the wrong values raw"
            );
        }
    }
}

#[test]
fn every_field_of_every_response_model_survives_every_wrong_shape() {
    let mut tally = Tally {
        models: BTreeSet::new(),
        positions: 0,
        bodies: 0,
        kept_raw: 0,
        essential: BTreeSet::new(),
    };
    // Each response type once: the same model answers several operations.
    let mut by_response: BTreeMap<(&str, String), &runtime::EndpointInfo> = BTreeMap::new();
    for info in runtime::endpoints() {
        // Twilio's declarations: Api v2010 (`api::…`) and every product crate (`api_verify::…`,
        // linked with every product: the gateway's default feature unifies `api/full` into the
        // workspace's test build); not the tests' own stand-ins.
        if !(info.name.starts_with("api::") || info.name.starts_with("api_")) {
            continue;
        }
        let example = (info.erased.response_example)().to_string();
        by_response.entry((info.response, example)).or_insert(info);
    }
    let mut empty = 0;
    for info in by_response.values() {
        if matches!((info.erased.response_shape)(), Shape::Unit) {
            // `()`: an empty body (a 204) decodes, and so does any body at all.
            assert!((info.erased.decode_response)(b"").is_ok());
            assert!((info.erased.decode_response)(b"{\"odd\": 1}").is_ok());
            empty += 1;
            continue;
        }
        check_response(info, &mut tally);
    }
    println!(
        "{} response models, {} positions, {} bodies decoded, {} values kept raw; essential: {:?}",
        tally.models.len(),
        tally.positions,
        tally.bodies,
        tally.kept_raw,
        tally.essential
    );
    // Every v2010 model plus Payments, each as fetched and as listed.
    assert!(tally.models.len() >= 60, "{:?}", tally.models);
    assert!(empty > 0, "DELETEs answer ()");
    assert!(tally.positions > 1000 && tally.kept_raw > tally.positions);
    // The one essential field of api: the pay session's SID.
    assert_eq!(
        tally.essential.into_iter().collect::<Vec<_>>(),
        ["Payment.sid"]
    );
}

#[test]
fn a_body_that_is_not_json_still_fails() {
    let info = runtime::endpoints()
        .into_iter()
        .find(|e| e.name == "api::calls::create::Create")
        .expect("Create Call");
    for broken in [&b"<html>502</html>"[..], b"{\"sid\": \"CA", b"[1, 2]"] {
        assert!((info.erased.decode_response)(broken).is_err());
    }
}

/// The case that started it: Create Call answers 201 with an ISO 8601 `date_created` (and, for
/// good measure, other odd values); the call is ringing, so its SID must come back.
#[tokio::test]
async fn create_call_with_an_iso_date_returns_the_call_and_its_sid() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const CA: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "sid": CA,
            "account_sid": AC,
            "status": "queued",
            "date_created": "2026-12-01T10:00:00.123Z",
            "date_updated": "Tue, 01 Dec 2026 10:00:00 +0000",
            "start_time": {"not": "a date"},
            "duration": 15,
            "trunk_sid": "XX0123456789abcdef0123456789abcdef",
            "subresource_uris": {"notifications": "/n.json", "odd": [1]},
            "to": "+14155550100",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = runtime::Client::builder(AC, "test-auth-token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let call = api::calls::create("+14155550100", "+14155550101")
        .url("https://example.com/twiml")
        .send(&client)
        .await
        .expect("the call comes back");
    assert_eq!(call.sid.expect("its SID"), CA);
    assert_eq!(call.status, Some(api::calls::Status::Queued));
    assert_eq!(
        call.date_created,
        Some(time::macros::datetime!(2026-12-01 10:00:00.123 UTC))
    );
    assert!(call.date_updated.is_some());
    assert_eq!(call.to.as_deref(), Some("+14155550100"));
    assert_eq!(call.start_time, None);
    assert_eq!(call.duration, None);
    assert_eq!(call.trunk_sid, None);
    assert_eq!(
        call.unreadable.get("start_time"),
        Some(&json!({"not": "a date"}))
    );
    assert_eq!(call.unreadable.get("duration"), Some(&json!(15)));
    assert_eq!(
        call.unreadable.get("trunk_sid"),
        Some(&json!("XX0123456789abcdef0123456789abcdef"))
    );
    assert_eq!(
        call.unreadable.get("subresource_uris.odd"),
        Some(&json!([1]))
    );
    let uris = call
        .subresource_uris
        .expect("the map, without its odd entry");
    assert_eq!(uris.len(), 1);
    assert_eq!(call.unreadable.len(), 4);
}

/// A body that lacks the pay session's SID cannot be acted on: the error says so, names the
/// field, and says that Twilio acted (so a blind retry is not safe).
#[tokio::test]
async fn a_payment_without_its_sid_is_an_honest_error() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "sid": 17, "call_sid": "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        })))
        .mount(&server)
        .await;
    let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
        .base_url(server.uri())
        .build()
        .expect("client");
    let err = api::payments::create(
        "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "k",
        "https://example.com/s",
    )
    .send(&client)
    .await
    .expect_err("no usable session");
    assert!(matches!(
        err.kind(),
        runtime::ErrorKind::Decode { status: 201, .. }
    ));
    assert_eq!(err.outcome(), runtime::Outcome::Processed);
    let text = err.to_string();
    assert!(
        text.contains("essential field `sid` of `Payment`") && text.contains("Twilio did act"),
        "{text}"
    );
}
