//! curl: one `--data-urlencode 'Name=value'` per form pair (curl encodes the value, the names
//! are plain), `--json '{…}'` for a JSON body (curl sets its Content-Type), one
//! `-H 'Name: value'` per header parameter, the query exactly as the client encodes it, every
//! word single-quoted.

use super::quote::shell_single_quote as q;
use super::{Call, Target, GATEWAY_KEY_ID_VAR, GATEWAY_KEY_SECRET_VAR};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let method = call.op.info.method.as_str();
    let origin = match target {
        Target::Twilio => call.op.twilio_origin(),
        Target::Gateway { origin } => format!("{origin}{}", call.op.gateway_prefix()),
    };
    let mut url = format!("{origin}{}", call.filled_path());
    // Parameters go in the query only where the operation has no body (PUT and PATCH have one).
    let is_query = call.op.info.body == runtime::Body::None;
    if is_query {
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
    let body_values: Vec<&super::Value> = call.values.iter().filter(|v| !v.is_header()).collect();
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
            for item in wire_items(v) {
                lines.push(format!(
                    "--data-urlencode {}",
                    q(&format!("{}={item}", v.param.wire_name))
                ));
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

/// The values of one parameter as they travel: a joined list is one value again.
fn wire_items(v: &super::Value) -> Vec<String> {
    match v.param.kind.list {
        Some(runtime::param::ListStyle::Joined(sep)) => vec![v.items.join(sep)],
        _ => v.items.clone(),
    }
}

/// The form encoding of the values (for a query the declaration has not encoded yet).
fn encode_pairs(call: &Call) -> String {
    let pairs: Vec<(&str, String)> = call
        .values
        .iter()
        .filter(|v| !v.is_header())
        .flat_map(|v| {
            wire_items(v)
                .into_iter()
                .map(move |i| (v.param.wire_name, i))
        })
        .collect();
    serde_html_form::to_string(&pairs).unwrap_or_default()
}
