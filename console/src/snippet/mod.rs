//! Code snippets for a filled-in form: Rust with this SDK, curl, Python and Node with Twilio's
//! official helpers. Written in Rust from the registry and from the request the declaration
//! encoded, so the page has no copy of any wire rule, and unit-tested here.
//!
//! A snippet never holds a secret: credentials are environment variables the reader sets.

mod curl;
mod node;
mod python;
mod quote;
mod rust;

use runtime::param::{ListStyle, Location, ParamInfo};
use serde::Serialize;

use crate::catalog::Operation;
use crate::check::Checked;

pub use quote::shell_single_quote;

/// Where a snippet sends its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Twilio itself, with `$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN`.
    Twilio,
    /// The gateway at this origin (`http://127.0.0.1:8080`), authenticated with a gateway key
    /// held in environment variables.
    Gateway {
        /// The gateway's origin, no trailing slash.
        origin: String,
    },
}

/// The environment variables a gateway-bound snippet reads its key from: the key id and the
/// key secret, sent as Basic credentials.
pub const GATEWAY_KEY_ID_VAR: &str = "GATEWAY_KEY_ID";
/// See [`GATEWAY_KEY_ID_VAR`].
pub const GATEWAY_KEY_SECRET_VAR: &str = "GATEWAY_KEY_SECRET";

/// The snippets of one form, as the page shows them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Snippets {
    /// Rust with this SDK: the start function, setters, `send`.
    pub rust: String,
    /// curl.
    pub curl: String,
    /// Python with twilio-python.
    pub python: String,
    /// Node with twilio-node.
    pub node: String,
}

/// One parameter's values as a snippet writes them: a scalar has one value, a list several.
#[derive(Debug, Clone)]
pub struct Value {
    /// The parameter.
    pub param: &'static ParamInfo,
    /// Its values in order (the items of a joined list, split).
    pub items: Vec<String>,
}

impl Value {
    /// Whether it is a header parameter (sent as a request header, not in the query or body).
    pub fn is_header(&self) -> bool {
        self.param.location == Location::Header
    }

    /// Whether the parameter takes several values.
    pub fn is_list(&self) -> bool {
        self.param.kind.list.is_some()
    }

    /// The single value (the first item).
    pub fn first(&self) -> &str {
        self.items.first().map_or("", String::as_str)
    }
}

/// What every snippet is written from.
#[derive(Debug, Clone)]
pub struct Call {
    /// The operation.
    pub op: Operation,
    /// Path placeholders' values, in template order (`AccountSid` included once known).
    pub path_values: Vec<Value>,
    /// Every other value, in the order the client encodes them.
    pub values: Vec<Value>,
    /// The account the client acts for: an `AccountSid` equal to it is left to the client.
    pub default_account: String,
    /// The path and query on Twilio's host, exactly as encoded (when the form was valid).
    pub twilio_path: Option<String>,
    /// The encoded body (when the form was valid).
    pub body: Option<String>,
}

impl Call {
    /// The JSON body as it travels: the declaration's own encoding when the form was valid,
    /// else the form's non-header values as one object (curl, Python and Node all send this).
    pub fn json_body_text(&self) -> String {
        self.body.clone().unwrap_or_else(|| {
            let members: Vec<&Value> = self
                .values
                .iter()
                .filter(|v| !v.is_header() && v.param.location != Location::Query)
                .collect();
            curl::json_body(&members)
        })
    }

    /// Builds the call from a check: the encoded request's own pairs when the declaration
    /// accepted the form (so a snippet sends what our client sends), else the form's pairs.
    pub fn new(op: Operation, checked: &Checked, default_account: &str) -> Self {
        let mut path_values = Vec::new();
        for p in op.params_for_form() {
            if p.location != Location::Path {
                continue;
            }
            let given = checked.pairs.iter().find(|(n, _)| n == p.wire_name);
            let value = match given {
                Some((_, v)) => Some(v.clone()),
                None if p.wire_name == "AccountSid" => Some(default_account.to_owned()),
                None => None,
            };
            if let Some(v) = value {
                path_values.push(Value {
                    param: p,
                    items: vec![v],
                });
            }
        }
        let encoded: Vec<(String, String)> = match &checked.request {
            // A request with a body can carry a few parameters in its query too
            // (`#[twilio(query)]`).
            Some(r) if r.body.is_some() && op.info.body == runtime::Body::Json => {
                [r.query_pairs(), r.json_pairs()].concat()
            }
            Some(r) if r.body.is_some() => [r.query_pairs(), r.form_pairs()].concat(),
            Some(r) => r.query_pairs(),
            None => checked
                .pairs
                .iter()
                .filter(|(n, _)| {
                    op.info
                        .param(n)
                        .is_some_and(|p| !matches!(p.location, Location::Path | Location::Header))
                })
                .cloned()
                .collect(),
        };
        let mut values: Vec<Value> = Vec::new();
        // A prefixed map (`AddOns.a.b=c`) is one parameter again, its value the JSON object
        // the helpers take (`add_ons_data={"a": {"b": "c"}}`).
        let mut prefixed: Vec<(&'static ParamInfo, String, String)> = Vec::new();
        for (name, value) in encoded {
            let place = op.info.params.iter().find_map(|p| {
                Some((
                    p,
                    runtime::PrefixedMap::key_below(p.prefix?, &name)?.to_owned(),
                ))
            });
            if let Some((param, key)) = place {
                prefixed.push((param, key, value));
                continue;
            }
            let Some(param) = op.info.param(&name) else {
                continue;
            };
            match values
                .iter_mut()
                .find(|v| v.param.wire_name == param.wire_name)
            {
                Some(v) => v.items.push(value),
                None => values.push(Value {
                    param,
                    items: vec![value],
                }),
            }
        }
        for param in op.info.params.iter().filter(|p| p.prefix.is_some()) {
            let pairs = prefixed
                .iter()
                .filter(|(p, _, _)| p.wire_name == param.wire_name)
                .map(|(_, k, v)| (k.as_str(), v.as_str()));
            if let Ok(map) = runtime::PrefixedMap::from_pairs(pairs) {
                if !map.is_empty() {
                    values.push(Value {
                        param,
                        items: vec![map.to_json().to_string()],
                    });
                }
            }
        }
        let headers: Vec<(String, String)> = match &checked.request {
            Some(r) => r.headers.clone(),
            None => checked
                .pairs
                .iter()
                .filter(|(n, _)| op.info.param_in(Location::Header, n).is_some())
                .cloned()
                .collect(),
        };
        for (name, value) in headers {
            if let Some(param) = op.info.param_in(Location::Header, &name) {
                values.push(Value {
                    param,
                    items: vec![value],
                });
            }
        }
        for v in &mut values {
            // A list member of an encoded JSON body comes back as one JSON array: its items.
            if op.info.body == runtime::Body::Json && v.is_list() && v.items.len() == 1 {
                if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(&v.items[0]) {
                    v.items = items
                        .into_iter()
                        .map(|item| match item {
                            serde_json::Value::String(text) => text,
                            other => other.to_string(),
                        })
                        .collect();
                }
            }
            if let Some(ListStyle::Joined(sep)) = v.param.kind.list {
                let joined = v.items.join(sep);
                v.items = joined
                    .split(sep)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
        Call {
            op,
            path_values,
            values,
            default_account: default_account.to_owned(),
            twilio_path: checked.request.as_ref().map(|r| r.twilio_path.clone()),
            body: checked.request.as_ref().and_then(|r| r.body.clone()),
        }
    }

    /// The value of a path placeholder.
    pub fn path_value(&self, wire_name: &str) -> Option<&str> {
        self.path_values
            .iter()
            .find(|v| v.param.wire_name == wire_name)
            .map(Value::first)
    }

    /// The path on Twilio's host with the placeholders filled (each value percent-encoded as a
    /// path segment), without a query; unfilled placeholders stay as `{Name}`.
    pub fn filled_path(&self) -> String {
        if let Some(path) = &self.twilio_path {
            return path
                .split_once('?')
                .map_or(path.as_str(), |(p, _)| p)
                .to_owned();
        }
        let mut out = String::new();
        let mut rest = self.op.info.path;
        while let Some(start) = rest.find('<') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('>') else { break };
            let name = &after[..end];
            match self.path_value(name) {
                Some(v) => out.push_str(&quote::path_segment(v)),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The query string as encoded by the client (GET and DELETE), without `?`.
    pub fn encoded_query(&self) -> Option<&str> {
        self.twilio_path
            .as_deref()
            .and_then(|p| p.split_once('?'))
            .map(|(_, q)| q)
    }
}

/// Every snippet for `call`.
pub fn all(call: &Call, target: &Target) -> Snippets {
    Snippets {
        rust: rust::snippet(call, target),
        curl: curl::snippet(call, target),
        python: python::snippet(call, target),
        node: node::snippet(call, target),
    }
}

/// Splits a path template into (literal segment, placeholder following it) pairs for the
/// official helpers' resource chains: `/2010-04-01/Accounts/<AccountSid>/Calls.json` →
/// `[("Accounts", Some("AccountSid")), ("Calls", None)]`, the version segment dropped.
pub(crate) fn resource_chain(path: &str) -> Vec<(String, Option<String>)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').skip(1).collect();
    let mut chain: Vec<(String, Option<String>)> = Vec::new();
    for seg in segments {
        let seg = seg.trim_end_matches(".json");
        if let Some(name) = seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
            if let Some(last) = chain.last_mut() {
                last.1 = Some(name.to_owned());
            }
        } else if !seg.is_empty() {
            chain.push((seg.to_owned(), None));
        }
    }
    chain
}

/// `IncomingPhoneNumbers` → `incoming_phone_numbers`, `SIP` → `sip`, `AddOnResults` →
/// `add_on_results`.
pub(crate) fn snake(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            // After a digit a capital starts a word when a small letter follows (`Psd2Enabled`
            // → `psd2_enabled`), not inside an acronym (`A2PProfileBundleSid` → `a2p_profile_…`).
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_lower = i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || (chars[i - 1].is_ascii_digit() && next_lower));

            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// The helpers' name of a parameter: `StartTime<` → `start_time_before`, `StartTime>` →
/// `start_time_after`, `StatusCallback` → `status_callback`.
pub(crate) fn helper_snake(wire_name: &str) -> String {
    let (base, suffix) = if let Some(b) = wire_name.strip_suffix('<') {
        (b, "_before")
    } else if let Some(b) = wire_name.strip_suffix('>') {
        (b, "_after")
    } else {
        (wire_name, "")
    };
    format!("{}{suffix}", snake(base))
}

/// `start_time_before` → `startTimeBefore`.
pub(crate) fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Checked, WireRequest};

    #[allow(dead_code)] // a declaration for the snippets below, reached through its INFO
    mod assistants {
        pub mod v1 {
            pub mod assistants {
                /// Creates an assistant.
                #[runtime::twilio_endpoint(POST, "/v1/Assistants", host = "assistants", body = json, json_model = "AssistantsV1ServiceCreateAssistantRequest", status = 201)]
                pub struct Create {
                    /// Its name.
                    #[twilio(rename = "name")]
                    pub name: String,
                    /// Free-form settings.
                    #[twilio(rename = "meta")]
                    pub meta: Option<serde_json::Value>,
                    /// Results per search.
                    #[twilio(rename = "size", range = 1..=100)]
                    pub size: Option<u32>,
                    /// Whether the change triggers webhooks.
                    #[twilio(header = "X-Twilio-Webhook-Enabled")]
                    pub webhook_enabled: Option<bool>,
                }
            }
        }
    }

    /// The assistant's form, as the declaration encodes it: a JSON body and one header.
    fn assistant_call() -> Call {
        use runtime::Endpoint as _;
        let op = Operation {
            info: &assistants::v1::assistants::Create::INFO,
        };
        let checked = Checked {
            problems: Vec::new(),
            request: Some(WireRequest {
                method: "POST",
                path: "/assistants/v1/Assistants".into(),
                twilio_path: "/v1/Assistants".into(),
                content_type: Some("application/json"),
                body: Some(r#"{"name":"Help's","meta":{"tone":"dry"},"size":5}"#.into()),
                headers: vec![("X-Twilio-Webhook-Enabled".into(), "false".into())],
            }),
            pairs: Vec::new(),
        };
        Call::new(op, &checked, "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    }

    #[test]
    fn the_declaration_encodes_the_json_body_and_header_the_snippets_are_written_from() {
        use runtime::Endpoint as _;
        let op = Operation {
            info: &assistants::v1::assistants::Create::INFO,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let checker =
            crate::check::Checker::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").expect("checker");
        let form = |extra: (&str, &str)| {
            vec![
                ("name".to_owned(), "Help's".to_owned()),
                ("meta".to_owned(), r#"{"tone": "dry"}"#.to_owned()),
                ("size".to_owned(), "5".to_owned()),
                (extra.0.to_owned(), extra.1.to_owned()),
            ]
        };
        let checked = rt.block_on(checker.check(&op, form(("X-Twilio-Webhook-Enabled", "false"))));
        assert!(checked.is_ok(), "{:?}", checked.problems);
        let request = checked.request.clone().expect("encoded");
        assert_eq!(request.path, "/assistants/v1/Assistants");
        assert_eq!(request.content_type, Some("application/json"));
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().expect("a body")).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({"name": "Help's", "meta": {"tone": "dry"}, "size": 5})
        );
        assert_eq!(
            request.headers,
            [("X-Twilio-Webhook-Enabled".to_owned(), "false".to_owned())]
        );
        let call = Call::new(op, &checked, "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        let curl = all(&call, &Target::Twilio).curl;
        assert!(
            curl.contains("-H 'X-Twilio-Webhook-Enabled: false'"),
            "{curl}"
        );
        assert!(curl.contains("--json '{"), "{curl}");
        // A bad header value is refused with the declaration's words, under the header's name.
        let refused = rt.block_on(checker.check(&op, form(("X-Twilio-Webhook-Enabled", "maybe"))));
        assert!(refused.request.is_none());
        assert_eq!(
            refused.problems[0].param.as_deref(),
            Some("X-Twilio-Webhook-Enabled"),
            "{:?}",
            refused.problems
        );
    }

    #[test]
    fn curl_sends_a_json_body_and_header_params_as_headers() {
        let call = assistant_call();
        let target = Target::Gateway {
            origin: "http://127.0.0.1:8080".into(),
        };
        let curl = all(&call, &target).curl;
        assert_eq!(
            curl,
            "curl 'http://127.0.0.1:8080/assistants/v1/Assistants' \\\n  \
             -u \"$GATEWAY_KEY_ID:$GATEWAY_KEY_SECRET\" \\\n  \
             -H 'X-Twilio-Webhook-Enabled: false' \\\n  \
             --json '{\"name\":\"Help'\\''s\",\"meta\":{\"tone\":\"dry\"},\"size\":5}'"
        );
        let twilio = all(&call, &Target::Twilio).curl;
        assert!(
            twilio.starts_with("curl 'https://assistants.twilio.com/v1/Assistants'"),
            "{twilio}"
        );
    }

    #[test]
    fn rust_python_and_node_name_the_header_param_as_their_setters_do() {
        let call = assistant_call();
        let s = all(
            &call,
            &Target::Gateway {
                origin: "http://127.0.0.1:8080".into(),
            },
        );
        assert!(
            s.rust
                .contains("use console::snippet::tests::assistants::v1::assistants::create;"),
            "{}",
            s.rust
        );
        assert!(s.rust.contains("create(\"Help's\")"), "{}", s.rust);
        assert!(
            s.rust
                .contains(".meta(serde_json::json!({\"tone\":\"dry\"}))"),
            "{}",
            s.rust
        );
        assert!(s.rust.contains(".size(5)"), "{}", s.rust);
        assert!(s.rust.contains(".webhook_enabled(false)"), "{}", s.rust);
        // twilio-python takes the JSON body as one object of the declared model class; the
        // header stays a keyword argument, typed as the strings "true" / "false".
        assert!(
            s.python.ends_with(
                "resource = client.assistants.v1.assistants\n\
                 response = resource.create(\n    \
                 resource.AssistantsV1ServiceCreateAssistantRequest({\"meta\": {\"tone\": \"dry\"}, \"name\": \"Help's\", \"size\": 5}),\n    \
                 x_twilio_webhook_enabled=\"false\",\n\
                 )\nprint(response.sid if hasattr(response, \"sid\") else response)\n"
            ),
            "{}",
            s.python
        );
        // twilio-node sends a JSON body's object as given and takes headers as a second object.
        assert!(
            s.node.contains(
                "  const response = await client.assistants.v1.assistants.create(\n    \
                 {\"name\":\"Help's\",\"meta\":{\"tone\":\"dry\"},\"size\":5},\n    \
                 { \"X-Twilio-Webhook-Enabled\": \"false\" },\n  );\n"
            ),
            "{}",
            s.node
        );
        for snippet in [&s.rust, &s.curl, &s.python, &s.node] {
            assert!(!snippet.contains("--data-urlencode"), "{snippet}");
        }
    }

    #[test]
    fn resource_chains_follow_the_path() {
        assert_eq!(
            resource_chain("/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments/<Sid>.json"),
            vec![
                ("Accounts".to_owned(), Some("AccountSid".to_owned())),
                ("Calls".to_owned(), Some("CallSid".to_owned())),
                ("Payments".to_owned(), Some("Sid".to_owned())),
            ]
        );
    }

    #[test]
    fn names_as_the_helpers_spell_them() {
        assert_eq!(helper_snake("StartTime<"), "start_time_before");
        assert_eq!(helper_snake("DateCreated>"), "date_created_after");
        assert_eq!(helper_snake("SIP"), "sip");
        assert_eq!(
            helper_snake("IpAccessControlListMappings"),
            "ip_access_control_list_mappings"
        );
        assert_eq!(camel("start_time_before"), "startTimeBefore");
        assert_eq!(camel("status_callback"), "statusCallback");
    }
}
