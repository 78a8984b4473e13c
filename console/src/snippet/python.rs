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
    if let runtime::Body::Json = op.info.body {
        json_body_call(&mut out, call, &chain, method, op.info.json_model, binding);
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
/// params stay keyword arguments. For a body the helpers have no class for (an object with no
/// declared members), twilio-python still calls `to_dict()` on what it is given, so the snippet
/// brings a dict that has one.
fn json_body_call(
    out: &mut String,
    call: &Call,
    chain: &str,
    method: &str,
    model: Option<&str>,
    binding: &str,
) {
    let dict = serde_json::from_str::<serde_json::Value>(&call.json_body_text())
        .map_or_else(|_| "{}".to_owned(), |json| python_literal(&json));
    let body = match model {
        Some(model) => {
            out.push_str(&format!("resource = {chain}\n"));
            format!("resource.{model}({dict})")
        }
        None => {
            out.push_str(
                "# twilio-python has no request-model class for this body; it sends what to_dict() gives.\nclass Body(dict):\n    def to_dict(self):\n        return dict(self)\n\n\n",
            );
            out.push_str(&format!("resource = {chain}\n"));
            format!("Body({dict})")
        }
    };
    out.push_str(&format!("{binding}resource.{method}(\n    {body},\n"));
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

/// One accessor of a helper's resource chain: `calls`, `calls("CA…")`, `data()`,
/// `linkshortening_messaging_service("DN…", "MG…")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The accessor's snake-case name.
    pub name: String,
    /// `None`: a property; `Some(values)`: called with these (possibly none).
    pub args: Option<Vec<String>>,
}

/// The helper's resource chain for the call, and the method at its end. Both come from the
/// registry (`helper_call`, read by the generator from the spec's resource tree and operation
/// id, as the helpers' own generator reads them); a declaration without one (the hand-written
/// payments) follows its path's segments and its function. The client's own account is the
/// helpers' `account` shortcut; a list with page params is read a `page` at a time.
pub(crate) fn chain_and_method(call: &Call) -> (Vec<Link>, &'static str) {
    let op = &call.op;
    let version = op
        .info
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    // `v1`; Api's `2010-04-01` is `v2010`; preview's `HostedNumbers` is `hosted_numbers`.
    let version = if version == "2010-04-01" {
        "v2010".to_owned()
    } else {
        snake(version)
    };
    let mut chain = vec![Link {
        name: version,
        args: None,
    }];
    let (accessors, declared_method) = match op.info.helper_call {
        Some(text) => {
            let mut parts = parse_chain(text);
            let method = parts.pop().map(|(name, _)| name);
            (parts, method)
        }
        None => (
            resource_chain(op.info.path)
                .into_iter()
                .map(|(literal, placeholder)| (snake(&literal), placeholder.map(|p| vec![p])))
                .collect(),
            None,
        ),
    };
    for (name, placeholders) in accessors {
        let args = placeholders.as_ref().map(|names| {
            names
                .iter()
                .map(|p| {
                    call.path_value(p)
                        .map_or_else(|| format!("{{{p}}}"), str::to_owned)
                })
                .collect::<Vec<_>>()
        });
        let own_account = name == "accounts"
            && matches!(placeholders.as_deref(), Some([p]) if p == "AccountSid")
            && call
                .path_value("AccountSid")
                .is_none_or(|v| v == call.default_account);
        if own_account {
            chain.push(Link {
                name: "account".into(),
                args: None,
            });
        } else {
            chain.push(Link { name, args });
        }
    }
    let method = match (declared_method.as_deref(), op.info.function) {
        (Some("list") | None, "list") if has_page_params(call) => "page",
        (Some(m), _) => method_name(m),
        (None, f) => method_name(f),
    };
    (chain, method)
}

/// `accounts(AccountSid).calls(CallSid).payments` → `[("accounts", ["AccountSid"]), …]`
/// (the macro checked its syntax and placeholders).
fn parse_chain(text: &str) -> Vec<(String, Option<Vec<String>>)> {
    text.split('.')
        .map(|accessor| match accessor.split_once('(') {
            Some((name, rest)) => (
                name.to_owned(),
                Some(
                    rest.trim_end_matches(')')
                        .split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
            ),
            None => (accessor.to_owned(), None),
        })
        .collect()
}

fn render_chain(host: &str, links: &[Link]) -> String {
    let mut out = format!("client.{}", domain(host));
    for link in links {
        out.push('.');
        out.push_str(&link.name);
        if let Some(args) = &link.args {
            let args: Vec<String> = args.iter().map(|a| python_string(a)).collect();
            out.push_str(&format!("({})", args.join(", ")));
        }
    }
    out
}

/// The method as a `'static` name (the helpers' verbs; anything else is fetched).
fn method_name(verb: &str) -> &'static str {
    match verb {
        "list" => "list",
        "create" => "create",
        "update" => "update",
        "delete" => "delete",
        "patch" => "patch",
        _ => "fetch",
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
    } else if name == "version" {
        // The helper's resources have a `_version` of their own.
        "resource_version".to_owned()
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
