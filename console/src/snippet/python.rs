//! Python with twilio-python: the resource chain follows the path (`accounts(...)`,
//! `calls(...)`, `payments`), keyword arguments are the helpers' snake-case names.

use runtime::param::{ListStyle, Location, Scalar};

use super::quote::python_string;
use super::{
    helper_snake, resource_chain, snake, Call, Target, Value, GATEWAY_KEY_ID_VAR,
    GATEWAY_KEY_SECRET_VAR,
};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let op = &call.op;
    let mut out = String::from("import os\n\nfrom twilio.rest import Client\n\n");
    match target {
        Target::Twilio => {
            out.push_str("client = Client(os.environ[\"TWILIO_ACCOUNT_SID\"], os.environ[\"TWILIO_AUTH_TOKEN\"])\n");
        }
        Target::Gateway { origin } => {
            out.push_str(&format!(
                "# The gateway holds the Twilio credentials; this script holds only a gateway key.\nclient = Client(\n    os.environ[\"{GATEWAY_KEY_ID_VAR}\"],\n    os.environ[\"{GATEWAY_KEY_SECRET_VAR}\"],\n    {},\n)\nclient.{}.base_url = {}\n",
                python_string(call.path_value("AccountSid").unwrap_or(&call.default_account)),
                domain(op.host()),
                python_string(&format!("{origin}{}", op.gateway_prefix())),
            ));
        }
    }
    out.push('\n');
    let (links, method) = chain_and_method(call);
    let chain = render_chain(op.host(), &links);
    let binding = match op.info.method {
        runtime::Method::Delete => "",
        _ => "response = ",
    };
    if let (runtime::Body::Json, Some(model)) = (op.info.body, op.info.json_model) {
        json_body_call(&mut out, call, &chain, method, model, binding);
        if !binding.is_empty() {
            out.push_str(&print_line(op));
        }
        return out;
    }
    let kwargs = kwargs(call);
    if kwargs.is_empty() {
        out.push_str(&format!("{binding}{chain}.{method}()\n"));
    } else {
        out.push_str(&format!("{binding}{chain}.{method}(\n"));
        for (name, value) in &kwargs {
            out.push_str(&format!("    {name}={value},\n"));
        }
        out.push_str(")\n");
    }
    if !binding.is_empty() {
        out.push_str(&print_line(op));
    }
    out
}

/// A JSON body goes to twilio-python as one object of the resource's request-model class
/// (`CreateReferralConversionRequest`), built from a dict keyed by the body's wire names; header
/// params stay keyword arguments.
fn json_body_call(
    out: &mut String,
    call: &Call,
    chain: &str,
    method: &str,
    model: &str,
    binding: &str,
) {
    let members: Vec<&Value> = call.values.iter().filter(|v| !v.is_header()).collect();
    let body = call
        .body
        .clone()
        .unwrap_or_else(|| super::curl::json_body(&members));
    let dict = serde_json::from_str::<serde_json::Value>(&body)
        .map_or_else(|_| "{}".to_owned(), |json| python_literal(&json));
    out.push_str(&format!("resource = {chain}\n"));
    out.push_str(&format!(
        "{binding}resource.{method}(\n    resource.{model}({dict}),\n"
    ));
    for v in call.values.iter().filter(|v| v.is_header()) {
        out.push_str(&format!("    {}={},\n", kwarg_name(call, v), value(v)));
    }
    out.push_str(")\n");
}

fn print_line(op: &crate::catalog::Operation) -> String {
    if op.info.function == "list" {
        "for record in response:\n    print(record.sid if hasattr(record, \"sid\") else record)\n"
            .to_owned()
    } else {
        "print(response.sid if hasattr(response, \"sid\") else response)\n".to_owned()
    }
}

/// `api` → `api`, `flex-api` → `flex_api` (the helper's domain attribute).
pub(crate) fn domain(host: &str) -> String {
    host.replace('-', "_")
}

/// One step of an official helper's resource chain: `calls("CA…")`, `payments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The snake-case accessor (`incoming_phone_numbers`).
    pub name: String,
    /// The SID (or other path value) it is called with.
    pub arg: Option<String>,
}

/// The helper's resource chain below `client.<domain>` and the method, e.g.
/// `v2010`, `account`, `calls("CA…")`, `payments` and `create`.
pub(crate) fn chain_and_method(call: &Call) -> (Vec<Link>, &'static str) {
    let op = &call.op;
    let version = op
        .info
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let version = if version == "2010-04-01" {
        "v2010".to_owned()
    } else {
        version.to_lowercase()
    };
    let mut chain = vec![Link {
        name: version,
        arg: None,
    }];
    for (literal, placeholder) in resource_chain(op.info.path) {
        let name = snake(&literal);
        match placeholder {
            Some(p) if p == "AccountSid" && literal == "Accounts" => {
                match call.path_value("AccountSid") {
                    Some(v) if v != call.default_account => chain.push(Link {
                        name,
                        arg: Some(v.to_owned()),
                    }),
                    // The client's own account: the helper's `account` shortcut.
                    _ => chain.push(Link {
                        name: "account".into(),
                        arg: None,
                    }),
                }
            }
            Some(p) => {
                let value = call
                    .path_value(&p)
                    .map_or_else(|| format!("{{{p}}}"), str::to_owned);
                chain.push(Link {
                    name,
                    arg: Some(value),
                });
            }
            None => chain.push(Link { name, arg: None }),
        }
    }
    apply_helper_names(op, &mut chain);
    let method = match op.info.function {
        "list" if has_page_params(call) => "page",
        f @ ("list" | "create" | "fetch" | "update" | "delete") => static_name(f),
        _ => "fetch",
    };
    (chain, method)
}

/// Where Twilio's helpers name a resource differently from its path (checked against
/// twilio-python by the snippet proof): `(method, path ending, rewrite)`.
const HELPER_NAMES: &[(&str, &str, Rewrite)] = &[
    ("POST", "/Keys.json", Rewrite::Rename("new_keys")),
    (
        "POST",
        "/SigningKeys.json",
        Rewrite::Rename("new_signing_keys"),
    ),
    (
        "POST",
        "/OutgoingCallerIds.json",
        Rewrite::Rename("validation_requests"),
    ),
    ("", "/SMS/ShortCodes.json", Rewrite::DropParent),
    ("", "/SMS/ShortCodes/<Sid>.json", Rewrite::DropParent),
    ("GET", "/Data.json", Rewrite::Call),
];

#[derive(Clone, Copy)]
enum Rewrite {
    /// The last accessor has another name.
    Rename(&'static str),
    /// The accessor before the last is not there (`account.short_codes`, not `sms.short_codes`).
    DropParent,
    /// The last accessor is called with no argument to reach the resource (`data()`).
    Call,
}

fn apply_helper_names(op: &crate::catalog::Operation, chain: &mut Vec<Link>) {
    let method = op.info.method.as_str();
    for (m, suffix, rewrite) in HELPER_NAMES {
        if (!m.is_empty() && *m != method) || !op.info.path.ends_with(suffix) {
            continue;
        }
        let n = chain.len();
        match rewrite {
            Rewrite::Rename(name) => {
                if let Some(last) = chain.last_mut() {
                    last.name = (*name).to_owned();
                }
            }
            Rewrite::DropParent if n >= 2 => {
                chain.remove(n - 2);
            }
            Rewrite::Call => {
                if let Some(last) = chain.last_mut() {
                    last.arg.get_or_insert_with(String::new);
                }
            }
            Rewrite::DropParent => {}
        }
    }
}

fn render_chain(host: &str, links: &[Link]) -> String {
    let mut out = format!("client.{}", domain(host));
    for link in links {
        out.push('.');
        out.push_str(&link.name);
        match link.arg.as_deref() {
            Some("") => out.push_str("()"),
            Some(arg) => out.push_str(&format!("({})", python_string(arg))),
            None => {}
        }
    }
    out
}

fn static_name(f: &str) -> &'static str {
    match f {
        "list" => "list",
        "create" => "create",
        "fetch" => "fetch",
        "update" => "update",
        _ => "delete",
    }
}

fn has_page_params(call: &Call) -> bool {
    call.values
        .iter()
        .any(|v| matches!(v.param.wire_name, "Page" | "PageToken"))
}

/// The keyword arguments: every non-path value, by the helper's names.
pub(crate) fn kwargs(call: &Call) -> Vec<(String, String)> {
    call.values
        .iter()
        .filter(|v| v.param.location != Location::Path)
        .map(|v| (kwarg_name(call, v), value(v)))
        .collect()
}

fn kwarg_name(call: &Call, v: &Value) -> String {
    let name = helper_snake(v.param.wire_name);
    let name = if has_page_params(call) && name == "page" {
        "page_number".to_owned()
    } else {
        name
    };
    if PYTHON_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

const PYTHON_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

fn value(v: &Value) -> String {
    match v.param.kind.list {
        Some(ListStyle::RepeatedKey) => {
            let items: Vec<String> = v.items.iter().map(|i| scalar(v, i)).collect();
            format!("[{}]", items.join(", "))
        }
        // The helpers take a joined list as the one string it travels as.
        Some(ListStyle::Joined(sep)) => python_string(&v.items.join(sep)),
        None => scalar(v, v.first()),
    }
}

fn scalar(v: &Value, text: &str) -> String {
    match v.param.kind.scalar {
        Scalar::Integer if text.parse::<i128>().is_ok() => text.to_owned(),
        // Booleans as the strings they travel as: the helpers lower-case a string, and some
        // parameters the spec types as strings would send Python's `True` as "True".
        Scalar::Json => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => python_literal(&json),
            Err(_) => python_string(text),
        },
        _ => python_string(text),
    }
}

/// A JSON value as a Python literal (`true` → `True`, `null` → `None`).
pub(crate) fn python_literal(json: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match json {
        J::Null => "None".into(),
        J::Bool(true) => "True".into(),
        J::Bool(false) => "False".into(),
        J::Number(n) => n.to_string(),
        J::String(s) => python_string(s),
        J::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        J::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", python_string(k), python_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
