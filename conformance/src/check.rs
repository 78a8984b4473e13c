//! The static check: each declaration against the spec's operation. Prism cannot do this part
//! (it ignores unknown parameters and never sees our response types).

use runtime::param::{Kind, ListStyle, Location, ParamInfo, Scalar};
use runtime::reflect::Shape;
use runtime::EndpointInfo;
use serde_json::Value;

use crate::spec::{In, Operation, Spec};

/// What the static check found for one endpoint.
#[derive(Debug, Clone)]
pub struct StaticReport {
    /// `METHOD /path/{X}`.
    pub endpoint: String,
    /// Parameters declared in Rust.
    pub declared: usize,
    /// Parameters the spec lists (0 when the operation is missing).
    pub in_spec: usize,
    /// Optional spec parameters the declaration leaves out (reported, not a failure).
    pub undeclared: Vec<String>,
    /// Every disagreement; any one fails the suite.
    pub mismatches: Vec<String>,
}

/// The spec's form of a declared path: `<X>` becomes `{X}`.
pub fn spec_path(declared: &str) -> String {
    declared.replace('<', "{").replace('>', "}")
}

/// Checks one declaration.
pub fn check(info: &EndpointInfo, spec: &Spec) -> StaticReport {
    let path = spec_path(info.path);
    let mut report = StaticReport {
        endpoint: format!("{} {path}", info.method),
        declared: info.params.len(),
        in_spec: 0,
        undeclared: Vec::new(),
        mismatches: Vec::new(),
    };
    let Some(op) = spec.operation(&path, info.method.as_str()) else {
        report.mismatches.push(if spec.has_path(&path) {
            format!("the spec has no {} operation on this path", info.method)
        } else {
            "the spec has no such path".to_owned()
        });
        return report;
    };
    report.in_spec = op.params.len();
    for p in info.params {
        let want = place(p.location);
        // A name can be both a path placeholder and a body field (`AccountSid` when moving a
        // number to another account): match the place first.
        let Some(sp) = op
            .params
            .iter()
            .find(|s| s.name == p.wire_name && s.location == want)
            .or_else(|| op.params.iter().find(|s| s.name == p.wire_name))
        else {
            report.mismatches.push(format!(
                "{}: not a parameter of this operation",
                p.wire_name
            ));
            continue;
        };
        if sp.location != want {
            report.mismatches.push(format!(
                "{}: declared in the {want:?}, the spec has it in the {:?}",
                p.wire_name, sp.location
            ));
        }
        if let Err(why) = compatible(p, &sp.schema, spec) {
            report.mismatches.push(format!("{}: {why}", p.wire_name));
        }
    }
    for sp in &op.params {
        let declared = info
            .params
            .iter()
            .find(|p| p.wire_name == sp.name && place(p.location) == sp.location)
            .or_else(|| info.param(&sp.name));
        match declared {
            // A path placeholder is always filled (an optional `<AccountSid>` defaults to the
            // client's account), so only body and query parameters can miss `required`.
            Some(p) if sp.required && !p.required && sp.location != In::Path => {
                report.mismatches.push(format!(
                    "{}: required by the spec, optional in the declaration",
                    sp.name
                ));
            }
            Some(_) => {}
            None if sp.required => report.mismatches.push(format!(
                "{}: required by the spec, missing from the declaration",
                sp.name
            )),
            None => report.undeclared.push(sp.name.clone()),
        }
    }
    for rule in info.rules {
        for wire in rule.params {
            if op.params.iter().any(|s| s.name == *wire && s.required) {
                report.mismatches.push(format!(
                    "{wire}: in a rule ({rule}), but the spec requires it outright"
                ));
            }
        }
    }
    check_variants(info, &op, &mut report.mismatches);
    check_response(info, &op, spec, &mut report.mismatches);
    report
}

/// A body of variants named by a discriminator (messaging v3's typing indicator): under each
/// value a variant has, the declaration's rules accept the variant whole and with only what it
/// requires, refuse it without any one member it requires, and, when the variant is closed
/// (`additionalProperties: false`), refuse any other variant's member beside it. Read from the
/// spec alone, and judged by `Rule::check`, the check every request goes through.
fn check_variants(info: &EndpointInfo, op: &Operation, mismatches: &mut Vec<String>) {
    let Some(d) = op.body_discriminator.as_deref() else {
        return;
    };
    // A variant's members and the ones it requires, the discriminator left out.
    let members_of = |v: &Value| -> Vec<String> {
        let names = v["properties"].as_object().into_iter().flatten();
        names.map(|(n, _)| n.clone()).filter(|n| n != d).collect()
    };
    let required_of = |v: &Value| -> Vec<String> {
        let names = v["required"].as_array().into_iter().flatten();
        let names = names.filter_map(Value::as_str).filter(|n| *n != d);
        names.map(str::to_owned).collect()
    };
    let mut everyone: Vec<String> = op.body_variants.iter().flat_map(members_of).collect();
    everyone.sort();
    everyone.dedup();
    for variant in &op.body_variants {
        let members = members_of(variant);
        let required = required_of(variant);
        let closed = variant["additionalProperties"] == Value::Bool(false);
        let values = variant["properties"][d]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for value in values.iter().filter_map(Value::as_str) {
            // The refusals of a request that sets these members, `d` being `value`.
            let refused = |set: &[&String]| -> Vec<String> {
                info.rules
                    .iter()
                    .flat_map(|rule| {
                        let given: Vec<bool> = rule
                            .params
                            .iter()
                            .map(|p| set.iter().any(|s| s.as_str() == *p))
                            .collect();
                        let condition = match rule.kind.condition() {
                            Some((param, _)) if param == d => Some(value),
                            _ => None,
                        };
                        rule.check(&given, condition)
                    })
                    .map(|refusal| refusal.param.into_owned())
                    .collect()
            };
            let whole: Vec<&String> = members.iter().collect();
            let least: Vec<&String> = required.iter().collect();
            for (set, what) in [(&whole, "whole"), (&least, "with what it requires")] {
                let got = refused(set);
                if !got.is_empty() {
                    mismatches.push(format!(
                        "{d}={value}: the variant {what} is refused by the rules ({})",
                        got.join(", ")
                    ));
                }
            }
            for r in &required {
                let without: Vec<&String> = required.iter().filter(|n| *n != r).collect();
                if refused(&without).is_empty() {
                    mismatches.push(format!(
                        "{d}={value}: the spec requires {r}, the rules let it be left out"
                    ));
                }
            }
            if closed {
                for other in everyone.iter().filter(|n| !members.contains(n)) {
                    let mut beside = least.clone();
                    beside.push(other);
                    if refused(&beside).is_empty() {
                        mismatches.push(format!(
                            "{d}={value}: the variant does not take {other}, the rules let it through"
                        ));
                    }
                }
            }
        }
    }
}

fn place(location: Location) -> In {
    match location {
        Location::Path => In::Path,
        Location::Form => In::Form,
        Location::Query => In::Query,
        Location::Json => In::Json,
        Location::Header => In::Header,
    }
}

fn check_response(info: &EndpointInfo, op: &Operation, spec: &Spec, mismatches: &mut Vec<String>) {
    let (successes, documented) = (&op.successes, &op.statuses);
    let found = successes.iter().find(|(s, _)| *s == info.status);
    if found.is_none() {
        let codes: Vec<String> = successes.iter().map(|(s, _)| s.to_string()).collect();
        mismatches.push(format!(
            "status {}: the spec's success statuses are [{}] (documented: [{}])",
            info.status,
            codes.join(", "),
            documented.join(", ")
        ));
    }
    // With a wrong status, still judge the response type against the spec's first success.
    let Some((status, schema)) = found.or(successes.first()) else {
        return;
    };
    let shape = (info.erased.response_shape)();
    match schema {
        None => {
            if matches!(shape, Shape::Struct { .. } | Shape::Scalar) {
                mismatches.push(format!(
                    "response: the spec's {status} has no body, but `{}` expects one",
                    info.response
                ));
            }
        }
        Some(schema) => {
            let mut missing = Vec::new();
            covers(schema, &shape, spec, "", &mut missing, 0);
            // The `meta` envelope of newer lists is what `stream` follows (its
            // `next_page_url`); it is not part of the page's items.
            if info.paged {
                missing.retain(|m| !m.starts_with("field `meta"));
            }
            for m in missing {
                mismatches.push(format!("response `{}`: {m}", info.response));
            }
        }
    }
}

/// Records every spec property (nested objects and arrays of objects included) that the
/// response shape does not read.
fn covers(
    schema: &Value,
    shape: &Shape,
    spec: &Spec,
    at: &str,
    missing: &mut Vec<String>,
    depth: usize,
) {
    let schema = spec.resolve(schema);
    if depth > 12 {
        return;
    }
    if schema["type"] == "array" {
        return covers(&schema["items"], shape, spec, at, missing, depth + 1);
    }
    let Some(props) = schema["properties"].as_object() else {
        return; // a scalar, or an object without declared properties: nothing to cover
    };
    match shape {
        Shape::Any | Shape::Map | Shape::TooDeep => {}
        Shape::Unit | Shape::Scalar => missing.push(format!(
            "{} the spec returns an object with {} fields, the type reads {}",
            if at.is_empty() { "body:" } else { at },
            props.len(),
            if *shape == Shape::Unit {
                "nothing"
            } else {
                "a single value"
            }
        )),
        Shape::Struct { .. } => {
            for (name, prop) in props {
                let here = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                match shape.field(name) {
                    None => missing.push(format!("field `{here}` is in the spec, not in the type")),
                    Some(inner) => covers(prop, inner, spec, &here, missing, depth + 1),
                }
            }
        }
    }
}

/// What a spec schema accepts, in the terms the declarations use.
#[derive(Debug)]
enum SpecKind<'a> {
    Enum(Vec<&'a str>),
    Array(&'a Value),
    Boolean,
    Integer,
    Number,
    Uri,
    Text {
        format: Option<&'a str>,
        pattern: Option<&'a str>,
    },
    Object,
    Untyped,
}

fn spec_kind<'a>(schema: &'a Value, spec: &'a Spec) -> SpecKind<'a> {
    let schema = spec.resolve(schema);
    if let Some(values) = schema["enum"].as_array() {
        return SpecKind::Enum(values.iter().filter_map(Value::as_str).collect());
    }
    match schema["type"].as_str() {
        Some("array") => SpecKind::Array(spec.resolve(&schema["items"])),
        Some("boolean") => SpecKind::Boolean,
        Some("integer") => SpecKind::Integer,
        Some("number") => SpecKind::Number,
        Some("object") => SpecKind::Object,
        Some("string") if schema["format"] == "uri" => SpecKind::Uri,
        Some("string") => SpecKind::Text {
            format: schema["format"].as_str(),
            pattern: schema["pattern"].as_str(),
        },
        _ => SpecKind::Untyped,
    }
}

/// The two-letter prefix of a SID pattern such as `^CA[0-9a-fA-F]{32}$`.
fn sid_prefix(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix('^')?;
    let prefix = rest.get(..2)?;
    (prefix.chars().all(|c| c.is_ascii_uppercase()) && rest[2..].starts_with("[0-9a-fA-F]{32}"))
        .then_some(prefix)
}

/// Whether a declared parameter's kind fits the spec's schema; `Err` says how not.
fn compatible(p: &ParamInfo, schema: &Value, spec: &Spec) -> Result<(), String> {
    let kind = spec_kind(schema, spec);
    // A path segment is declared as text or a SID: an integer, date or enum placeholder
    // travels as its text, checked by Twilio (the allowed values are in the field's doc).
    if p.location == Location::Path
        && p.kind.list.is_none()
        && p.kind.scalar == Scalar::String
        && !matches!(kind, SpecKind::Array(_))
    {
        return Ok(());
    }
    match (p.kind.list, &kind) {
        // Untyped in the spec (the Pay `Parameter`): any value is accepted.
        (_, SpecKind::Untyped) => Ok(()),
        (Some(ListStyle::RepeatedKey), SpecKind::Array(items)) => {
            scalar_fits(p.kind.scalar, &spec_kind(items, spec))
                .map_err(|why| format!("list items: {why}"))
        }
        (Some(ListStyle::RepeatedKey), other) => Err(format!(
            "declared a list sent as repeated keys ({}), the spec takes one value ({})",
            p.rust_type,
            describe(other)
        )),
        // A list joined into one string (ValidCardTypes, RequireMatchingInputs): the spec
        // calls it a string.
        (Some(ListStyle::Joined(_)), SpecKind::Text { .. }) => Ok(()),
        (Some(ListStyle::Joined(sep)), other) => Err(format!(
            "declared a list joined by {sep:?} into one string, the spec takes {}",
            describe(other)
        )),
        (None, SpecKind::Array(_)) => Err(format!(
            "the spec takes a list (repeated keys), declared a single value ({})",
            p.rust_type
        )),
        (None, other) => scalar_fits(p.kind.scalar, other),
    }
}

fn scalar_fits(rust: Scalar, spec: &SpecKind<'_>) -> Result<(), String> {
    let ok = match (rust, spec) {
        (_, SpecKind::Untyped) => true,
        (Scalar::Enum(ours), SpecKind::Enum(theirs)) => {
            let extra: Vec<&str> = ours
                .iter()
                .copied()
                .filter(|v| !theirs.contains(v))
                .collect();
            let missing: Vec<&str> = theirs
                .iter()
                .copied()
                .filter(|v| !ours.contains(v))
                .collect();
            if extra.is_empty() && missing.is_empty() {
                return Ok(());
            }
            return Err(format!(
                "enum values differ: not in the spec {extra:?}, missing from the declaration {missing:?}"
            ));
        }
        // `Confirmation` is the strings "true"/"false" in the spec; a bool sends exactly those.
        (Scalar::Boolean, SpecKind::Enum(values)) => {
            values.len() == 2 && values.contains(&"true") && values.contains(&"false")
        }
        (Scalar::Boolean, SpecKind::Boolean)
        | (Scalar::Integer, SpecKind::Integer)
        | (Scalar::Number, SpecKind::Number)
        | (Scalar::Uri, SpecKind::Uri)
        | (Scalar::Json, SpecKind::Object)
        | (Scalar::String, SpecKind::Text { .. }) => true,
        // A spec string without format or pattern that we type as an enum (`Input`): our enums
        // keep unknown values (`Other`), so every string the spec allows can still be sent.
        (
            Scalar::Enum(_),
            SpecKind::Text {
                format: None,
                pattern: None,
            },
        ) => true,
        (Scalar::Sid(prefix), SpecKind::Text { pattern, .. }) => {
            match pattern.and_then(|p| sid_prefix(p)) {
                Some(theirs) if theirs != prefix => {
                    return Err(format!(
                        "declared a {prefix}… SID, the spec's pattern wants {theirs}…"
                    ))
                }
                _ => true,
            }
        }
        (Scalar::PhoneNumber, SpecKind::Text { format, .. }) => {
            matches!(format, None | Some("phone-number" | "endpoint"))
        }
        (Scalar::DateTime, SpecKind::Text { format, .. }) => *format == Some("date-time"),
        (Scalar::Date, SpecKind::Text { format, .. }) => *format == Some("date"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "declared {}, the spec takes {}",
            describe_scalar(rust),
            describe(spec)
        ))
    }
}

fn describe(kind: &SpecKind<'_>) -> String {
    match kind {
        SpecKind::Enum(v) => format!("an enum {v:?}"),
        SpecKind::Array(_) => "an array".into(),
        SpecKind::Boolean => "a boolean".into(),
        SpecKind::Integer => "an integer".into(),
        SpecKind::Number => "a number".into(),
        SpecKind::Uri => "a URI".into(),
        SpecKind::Text {
            format: Some(f), ..
        } => format!("a string ({f})"),
        SpecKind::Text { .. } => "a string".into(),
        SpecKind::Object => "an object".into(),
        SpecKind::Untyped => "anything".into(),
    }
}

fn describe_scalar(s: Scalar) -> String {
    match s {
        Scalar::Enum(v) => format!("an enum {v:?}"),
        Scalar::Sid(p) => format!("a {p}… SID"),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// A parameter's kind in a few words, for the table.
pub fn kind_text(kind: &Kind) -> String {
    let scalar = describe_scalar(kind.scalar);
    match kind.list {
        None => scalar,
        Some(ListStyle::RepeatedKey) => format!("list of {scalar} (repeated keys)"),
        Some(ListStyle::Joined(sep)) => format!("list of {scalar} joined by {sep:?}"),
    }
}

#[cfg(test)]
mod tests {
    //! The rules on a small hand-written spec, with declarations made for these tests.

    use super::*;
    use runtime::{twilio_endpoint, AccountSid, CallSid, CommaSeparated, JsonObject, Uri};

    runtime::twilio_enum! {
        /// Test enum with the spec's values.
        pub enum Color {
            /// Red.
            Red = "red",
            /// Blue.
            Blue = "blue",
        }
    }

    runtime::twilio_enum! {
        /// Test enum missing one of the spec's values.
        pub enum FewColors {
            /// Red.
            Red = "red",
        }
    }

    /// Reads every field of a thing.
    #[runtime::twilio_model]
    #[derive(Debug)]
    #[allow(dead_code)] // only its shape is read
    pub struct Thing {
        /// Sid.
        pub sid: String,
        /// Parts.
        pub parts: Vec<Part>,
    }

    /// Reads one field of a part.
    #[runtime::twilio_model]
    #[derive(Debug)]
    #[allow(dead_code)] // only its shape is read
    pub struct Part {
        /// Name.
        pub name: String,
    }

    /// Everything right, including the three special cases.
    #[twilio_endpoint(POST, "/v1/Accounts/<AccountSid>/Things.json", response = Thing, status = 201)]
    pub struct Good {
        /// Path.
        pub account_sid: Option<AccountSid>,
        /// Required string.
        pub name: String,
        /// Enum by `$ref`, same values.
        pub color: Option<Color>,
        /// `"true"`/`"false"` enum in the spec.
        pub confirmation: Option<bool>,
        /// A string in the spec, a joined list here.
        pub kinds: Option<CommaSeparated<Color>>,
        /// Untyped in the spec.
        pub parameter: Option<JsonObject>,
        /// Array in the spec.
        pub events: Option<Vec<String>>,
        /// SID with the right prefix.
        pub call_sid: Option<CallSid>,
        /// URL.
        pub callback: Option<Uri>,
    }

    /// Wrong in many ways.
    #[twilio_endpoint(POST, "/v1/Accounts/<AccountSid>/Things.json", response = Part, status = 201)]
    pub struct Bad {
        /// Path.
        pub account_sid: Option<AccountSid>,
        /// Required in the spec.
        pub name: Option<String>,
        /// One value missing.
        pub color: Option<FewColors>,
        /// A single value where the spec takes an array.
        pub events: Option<String>,
        /// Free text where the spec has a URL.
        pub callback: Option<String>,
        /// Not in the spec.
        pub extra: Option<u32>,
        /// Wrong SID prefix.
        #[twilio(rename = "CallSid")]
        pub payment: Option<runtime::PaymentSid>,
    }

    runtime::twilio_enum! {
        /// The typing indicator's channels.
        pub enum Channel {
            /// WhatsApp.
            Whatsapp = "WHATSAPP",
            /// Apple.
            Apple = "APPLE",
        }
    }

    /// A body of variants, held to the variant its `channel` names.
    #[twilio_endpoint(
        POST,
        "/v3/Indicators/Typing.json",
        host = "messaging",
        body = json,
        required_when(channel = "WHATSAPP", message_id),
        required_when(channel = "APPLE", from, to),
        only_when(channel = "WHATSAPP", message_id),
        only_when(channel = "APPLE", from, to, event)
    )]
    pub struct TypingHeld {
        /// Discriminator.
        #[twilio(rename = "channel")]
        pub channel: Channel,
        /// WhatsApp's.
        #[twilio(rename = "messageId")]
        pub message_id: Option<String>,
        /// Apple's.
        #[twilio(rename = "from")]
        pub from: Option<String>,
        /// Apple's.
        #[twilio(rename = "to")]
        pub to: Option<String>,
        /// Apple's.
        #[twilio(rename = "event")]
        pub event: Option<String>,
    }

    /// The same body with only a rule that tells the variants apart (the declaration before
    /// conditional rules).
    #[twilio_endpoint(
        POST,
        "/v3/Indicators/Typing.json",
        host = "messaging",
        body = json,
        exactly_one_of(message_id, from)
    )]
    pub struct TypingLoose {
        /// Discriminator.
        #[twilio(rename = "channel")]
        pub channel: Channel,
        /// WhatsApp's.
        #[twilio(rename = "messageId")]
        pub message_id: Option<String>,
        /// Apple's.
        #[twilio(rename = "from")]
        pub from: Option<String>,
        /// Apple's.
        #[twilio(rename = "to")]
        pub to: Option<String>,
        /// Apple's.
        #[twilio(rename = "event")]
        pub event: Option<String>,
    }

    /// No such method on the path.
    #[twilio_endpoint(DELETE, "/v1/Accounts/<AccountSid>/Things.json")]
    pub struct NoMethod {
        /// Path.
        pub account_sid: Option<AccountSid>,
    }

    fn spec() -> Spec {
        let doc = serde_json::json!({
            "paths": {
                "/v1/Accounts/{AccountSid}/Things.json": {
                    "post": {
                        "parameters": [{"name": "AccountSid", "in": "path", "required": true,
                            "schema": {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$"}}],
                        "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                            "type": "object",
                            "required": ["Name"],
                            "properties": {
                                "Name": {"type": "string"},
                                "Color": {"$ref": "#/components/schemas/color"},
                                "Confirmation": {"type": "string", "enum": ["true", "false"]},
                                "Kinds": {"type": "string"},
                                "Parameter": {"description": "untyped"},
                                "Events": {"type": "array", "items": {"type": "string"}},
                                "CallSid": {"type": "string", "pattern": "^CA[0-9a-fA-F]{32}$"},
                                "Callback": {"type": "string", "format": "uri"}
                            }
                        }}}},
                        "responses": {"201": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/thing"}}}}}
                    }
                },
                "/v3/Indicators/Typing.json": {
                    "post": {
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/whatsapp"},
                                {"$ref": "#/components/schemas/apple"}
                            ],
                            "discriminator": {"propertyName": "channel"}
                        }}}},
                        "responses": {"200": {"content": {"application/json": {
                            "schema": {"type": "object"}}}}}
                    }
                }
            },
            "components": {"schemas": {
                "color": {"type": "string", "enum": ["red", "blue"]},
                "thing": {"type": "object", "properties": {
                    "sid": {"type": "string"},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/part"}}
                }},
                "part": {"type": "object", "properties": {"name": {"type": "string"}}},
                "whatsapp": {"type": "object", "additionalProperties": false,
                    "required": ["channel", "messageId"],
                    "properties": {
                        "channel": {"type": "string", "enum": ["WHATSAPP"]},
                        "messageId": {"type": "string"}
                    }},
                "apple": {"type": "object", "additionalProperties": false,
                    "required": ["channel", "from", "to"],
                    "properties": {
                        "channel": {"type": "string", "enum": ["APPLE"]},
                        "from": {"type": "string"},
                        "to": {"type": "string"},
                        "event": {"type": "string"}
                    }}
            }}
        });
        Spec::parse(&doc.to_string()).expect("spec")
    }

    fn report_of(name: &str) -> StaticReport {
        let info = runtime::endpoints()
            .into_iter()
            .find(|e| e.name.ends_with(name))
            .expect("declared");
        check(info, &spec())
    }

    #[test]
    fn a_right_declaration_has_no_mismatch() {
        let r = report_of("::Good");
        assert_eq!(r.mismatches, Vec::<String>::new());
        assert_eq!((r.declared, r.in_spec), (9, 9));
    }

    #[test]
    fn every_kind_of_wrong_is_reported() {
        let r = report_of("::Bad");
        let expected = [
            "Name: required by the spec, optional in the declaration",
            "Color: enum values differ: not in the spec [], missing from the declaration [\"blue\"]",
            "Events: the spec takes a list (repeated keys), declared a single value",
            "Callback: declared string, the spec takes a URI",
            "Extra: not a parameter of this operation",
            "CallSid: declared a PK… SID, the spec's pattern wants CA…",
            "response `Part`: field `sid` is in the spec, not in the type",
            "response `Part`: field `parts` is in the spec, not in the type",
        ];
        for e in expected {
            assert!(
                r.mismatches.iter().any(|m| m.starts_with(e)),
                "missing {e:?} in {:#?}",
                r.mismatches
            );
        }
        assert_eq!(r.mismatches.len(), expected.len(), "{:#?}", r.mismatches);
        assert!(r.undeclared.contains(&"Confirmation".to_owned()));
    }

    #[test]
    fn a_body_of_variants_is_checked_variant_by_variant() {
        let held = report_of("::TypingHeld");
        assert_eq!(held.mismatches, Vec::<String>::new());
        let loose = report_of("::TypingLoose");
        assert_eq!(
            loose.mismatches,
            [
                "channel=WHATSAPP: the variant does not take event, the rules let it through",
                "channel=WHATSAPP: the variant does not take to, the rules let it through",
                "channel=APPLE: the spec requires to, the rules let it be left out",
            ]
        );
    }

    #[test]
    fn a_missing_operation_is_reported() {
        let r = report_of("::NoMethod");
        assert_eq!(
            r.mismatches,
            ["the spec has no DELETE operation on this path"]
        );
    }

    #[test]
    fn nested_response_fields_are_checked() {
        let spec = spec();
        let thing = serde_json::json!({"$ref": "#/components/schemas/thing"});
        let mut missing = Vec::new();
        // A part type without `name` misses the nested field.
        #[runtime::twilio_model]
        #[allow(dead_code)]
        struct Nameless {
            id: u32,
        }
        #[runtime::twilio_model]
        #[allow(dead_code)]
        struct Outer {
            sid: String,
            parts: Vec<Nameless>,
        }
        covers(&thing, &Shape::of::<Outer>(), &spec, "", &mut missing, 0);
        assert_eq!(
            missing,
            ["field `parts.name` is in the spec, not in the type"]
        );
        missing.clear();
        covers(
            &thing,
            &Shape::of::<serde_json::Value>(),
            &spec,
            "",
            &mut missing,
            0,
        );
        assert!(missing.is_empty(), "a JSON value reads every field");
    }
}
