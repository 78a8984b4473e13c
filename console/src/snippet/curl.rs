//! curl: one `--data-urlencode 'Name=value'` per form pair (curl encodes the value, the names
//! are plain), the query exactly as the client encodes it, every word single-quoted.

use super::quote::shell_single_quote as q;
use super::{Call, Target, GATEWAY_KEY_ID_VAR, GATEWAY_KEY_SECRET_VAR};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let method = call.op.info.method.as_str();
    let origin = match target {
        Target::Twilio => call.op.twilio_origin(),
        Target::Gateway { origin } => format!("{origin}{}", call.op.gateway_prefix()),
    };
    let mut url = format!("{origin}{}", call.filled_path());
    let is_query = !matches!(call.op.info.method, runtime::Method::Post);
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
    let has_data = !is_query && (call.body.is_some() || !call.values.is_empty());
    if has_data {
        lines.push(format!("curl {}", q(&url)));
    } else {
        lines.push(format!("curl -X {method} {}", q(&url)));
    }
    let auth = match target {
        Target::Twilio => "\"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\"".to_owned(),
        Target::Gateway { .. } => format!("\"${GATEWAY_KEY_ID_VAR}:${GATEWAY_KEY_SECRET_VAR}\""),
    };
    lines.push(format!("-u {auth}"));
    if !is_query {
        let mut any = false;
        for v in &call.values {
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
        .flat_map(|v| {
            wire_items(v)
                .into_iter()
                .map(move |i| (v.param.wire_name, i))
        })
        .collect();
    serde_html_form::to_string(&pairs).unwrap_or_default()
}
