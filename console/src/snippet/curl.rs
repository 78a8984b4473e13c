//! curl: one `--data-urlencode 'Name=value'` per form pair (curl encodes the value, the names
//! are plain), `--json '{…}'` for a JSON body (curl sets its Content-Type), one
//! `-H 'Name: value'` per header parameter, the query exactly as the client encodes it, every
//! word single-quoted.

use runtime::param::Location;

use super::quote::shell_single_quote as q;
use super::{Call, Target, GATEWAY_KEY_ID_VAR, GATEWAY_KEY_SECRET_VAR};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let method = call.op.info.method.as_str();
    let origin = match target {
        Target::Twilio => call.op.twilio_origin(),
        Target::Gateway { origin } => format!("{origin}{}", call.op.gateway_prefix()),
    };
    let mut url = format!("{origin}{}", call.filled_path());
    // Parameters go in the query where the operation has no body (PUT and PATCH have one),
    // and those declared `#[twilio(query)]` beside a body.
    let is_query = call.op.info.body == runtime::Body::None;
    if !is_query {
        if let Some(query) = call.encoded_query().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
    } else {
        let query = match call.encoded_query() {
            Some(q) => q.to_owned(),
            None => encode_pairs(call),
        };
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
    }
    let mut lines = Vec::new();
    let json = call.op.info.body == runtime::Body::Json;
    let body_values: Vec<&super::Value> = call
        .values
        .iter()
        .filter(|v| !v.is_header() && (is_query || v.param.location != Location::Query))
        .collect();
    let has_data = !is_query && (call.body.is_some() || !body_values.is_empty());
    if has_data && call.op.info.method == runtime::Method::Post {
        lines.push(format!("curl {}", q(&url)));
    } else {
        lines.push(format!("curl -X {method} {}", q(&url)));
    }
    let auth = match target {
        Target::Twilio => "\"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\"".to_owned(),
        Target::Gateway { .. } => format!("\"${GATEWAY_KEY_ID_VAR}:${GATEWAY_KEY_SECRET_VAR}\""),
    };
    lines.push(format!("-u {auth}"));
    for v in call.values.iter().filter(|v| v.is_header()) {
        lines.push(format!(
            "-H {}",
            q(&format!("{}: {}", v.param.wire_name, v.first()))
        ));
    }
    if !is_query && json {
        lines.push(format!("--json {}", q(&call.json_body_text())));
    } else if !is_query {
        let mut any = false;
        for v in &body_values {
            for (name, item) in wire_pairs(v) {
                lines.push(format!("--data-urlencode {}", q(&format!("{name}={item}"))));
                any = true;
            }
        }
        if !any && has_data {
            // A POST with no parameters still sends an (empty) form body, as the client does.
            lines.push("--data ''".to_owned());
        }
    }
    lines.join(" \\\n  ")
}

/// A JSON body from the form's values (when the declaration has not encoded one yet): each
/// value as JSON when it reads as JSON, else as a string.
pub(super) fn json_body(values: &[&super::Value]) -> String {
    let mut object = serde_json::Map::new();
    for v in values {
        let one = |text: &str| {
            serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.into()))
        };
        let value = if v.is_list() {
            serde_json::Value::Array(v.items.iter().map(|i| one(i)).collect())
        } else {
            one(v.first())
        };
        object.insert(v.param.wire_name.to_owned(), value);
    }
    serde_json::Value::Object(object).to_string()
}

/// The pairs one parameter travels as: a joined list is one value again, a prefixed map
/// (`AddOnsData`) its flattened `AddOns.<key>=<value>` pairs.
fn wire_pairs(v: &super::Value) -> Vec<(String, String)> {
    let name = v.param.wire_name;
    if let Some(prefix) = v.param.prefix {
        if let Ok(map) = runtime::PrefixedMap::try_from(v.first()) {
            return map
                .prefixed_pairs(prefix)
                .map(|(key, value)| (key, value.to_owned()))
                .collect();
        }
    }
    match v.param.kind.list {
        Some(runtime::param::ListStyle::Joined(sep)) => vec![(name.to_owned(), v.items.join(sep))],
        _ => v
            .items
            .iter()
            .map(|i| (name.to_owned(), i.clone()))
            .collect(),
    }
}

/// The form encoding of the values (for a query the declaration has not encoded yet).
fn encode_pairs(call: &Call) -> String {
    let pairs: Vec<(String, String)> = call
        .values
        .iter()
        .filter(|v| !v.is_header())
        .flat_map(wire_pairs)
        .collect();
    serde_html_form::to_string(&pairs).unwrap_or_default()
}
