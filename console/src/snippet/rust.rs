//! Rust with this SDK: the start function with the required values in declaration order, one
//! setter per optional value, `send`. A whole program (`#[tokio::main]`), so it runs as pasted.

use std::collections::BTreeSet;

use runtime::param::{ListStyle, Location, ParamInfo, Scalar};

use super::quote::rust_string;
use super::{Call, Target, Value, GATEWAY_KEY_ID_VAR, GATEWAY_KEY_SECRET_VAR};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let op = &call.op;
    let module = op.module_path();
    let mut imports: BTreeSet<String> = BTreeSet::new();
    imports.insert(format!("{module}::{}", op.info.function));

    // Start-function arguments: every required parameter, in declaration order.
    let mut args = Vec::new();
    for p in op.info.params.iter().filter(|p| p.required) {
        let value = find(call, p);
        args.push(match value {
            Some(v) => literal(op, v, &mut imports),
            None => format!("todo!(\"{}\")", p.wire_name),
        });
    }
    // Setters: every optional parameter given, in declaration order.
    let mut setters = Vec::new();
    for p in op.info.params.iter().filter(|p| !p.required) {
        let Some(v) = find(call, p) else { continue };
        if p.location == Location::Path
            && p.wire_name == "AccountSid"
            && v.first() == call.default_account
        {
            continue; // the client's own account: the client fills it
        }
        setters.push(format!(
            ".{}({})",
            setter_name(p),
            literal(op, v, &mut imports)
        ));
    }

    let mut out = String::new();
    for i in &imports {
        out.push_str(&format!("use {i};\n"));
    }
    out.push('\n');
    out.push_str("#[tokio::main]\nasync fn main() -> Result<(), runtime::Error> {\n");
    match target {
        Target::Twilio => {
            out.push_str("    // TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)\n");
            out.push_str("    let client = runtime::Client::from_env()?;\n");
        }
        Target::Gateway { origin } => {
            out.push_str(&format!(
                "    // The gateway holds the Twilio credentials; this program holds only a gateway key.\n    let client = runtime::Client::builder_with_api_key(\n        {},\n        &std::env::var(\"{GATEWAY_KEY_ID_VAR}\").unwrap_or_default(),\n        std::env::var(\"{GATEWAY_KEY_SECRET_VAR}\").unwrap_or_default(),\n    )\n    .base_url({})\n    .build()?;\n",
                rust_string(call.path_value("AccountSid").unwrap_or(&call.default_account)),
                rust_string(origin),
            ));
        }
    }
    let binding = match op.info.method {
        runtime::Method::Delete => "",
        _ => "let response = ",
    };
    out.push_str(&format!(
        "    {binding}{}({})\n",
        op.info.function,
        args.join(", ")
    ));
    for s in &setters {
        out.push_str(&format!("        {s}\n"));
    }
    out.push_str("        .send(&client)\n        .await?;\n");
    if !binding.is_empty() {
        out.push_str("    println!(\"{response:#?}\");\n");
    }
    out.push_str("    Ok(())\n}\n");
    out
}

fn find<'a>(call: &'a Call, p: &ParamInfo) -> Option<&'a Value> {
    call.path_values
        .iter()
        .chain(call.values.iter())
        .find(|v| v.param.wire_name == p.wire_name)
}

/// The setter is named after the field (raw identifiers kept: `r#type`).
fn setter_name(p: &ParamInfo) -> &'static str {
    p.field
}

/// The Rust expression of a value: a list as an array of items, each item by its kind.
fn literal(op: &crate::catalog::Operation, v: &Value, imports: &mut BTreeSet<String>) -> String {
    let item = |text: &str, imports: &mut BTreeSet<String>| scalar(op, v.param, text, imports);
    match v.param.kind.list {
        Some(ListStyle::RepeatedKey) | Some(ListStyle::Joined(_)) => {
            let items: Vec<String> = v.items.iter().map(|i| item(i, imports)).collect();
            format!("[{}]", items.join(", "))
        }
        None => item(v.first(), imports),
    }
}

fn scalar(
    op: &crate::catalog::Operation,
    p: &ParamInfo,
    text: &str,
    imports: &mut BTreeSet<String>,
) -> String {
    match p.kind.scalar {
        Scalar::Boolean if text == "true" || text == "false" => text.to_owned(),
        Scalar::Integer if text.parse::<i128>().is_ok() => text.to_owned(),
        // Decimals as text: the setter parses it exactly (no float on the way), and the
        // snippet needs no decimal crate of its own.
        Scalar::Enum(values) => {
            let ty = enum_type(op, p);
            let short = ty.rsplit("::").next().unwrap_or(&ty).to_owned();
            imports.insert(ty);
            match values.iter().position(|v| *v == text) {
                Some(_) => format!("{short}::{}", variant_name(text)),
                None => format!("{short}::Other({}.into())", rust_string(text)),
            }
        }
        Scalar::Json => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => format!("serde_json::json!({json})"),
            Err(_) => format!("serde_json::json!({})", rust_string(text)),
        },
        // SIDs, URLs, phone numbers, keys, dates, free text (and anything the form could not
        // read as its kind): the setters take `&str` and check it.
        _ => rust_string(text),
    }
}

/// The public path of an enum parameter's type: the declaration's module, where each resource
/// re-exports its enums; `HttpMethod`, the one enum shared by every v2010 resource, lives at the
/// crate root.
fn enum_type(op: &crate::catalog::Operation, p: &ParamInfo) -> String {
    let name = inner_type(p.rust_type);
    if name == "HttpMethod" {
        format!("{}::HttpMethod", op.crate_name())
    } else {
        format!("{}::{name}", op.module_path())
    }
}

/// `Option<SpaceSeparated<CardType>>` → `CardType`.
fn inner_type(rust_type: &str) -> &str {
    let mut t = rust_type.trim();
    loop {
        match t.find('<') {
            Some(i) if t.ends_with('>') => t = t[i + 1..t.len() - 1].trim(),
            _ => break,
        }
    }
    t.rsplit("::").next().unwrap_or(t)
}

/// The variant `twilio_enum!` declarations use for a wire value: `in-progress` → `InProgress`,
/// `GET` → `Get`, `1080p` → `V1080p`.
pub(crate) fn variant_name(wire: &str) -> String {
    let mut name: String = wire
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let all_upper = w.len() > 1 && w.chars().all(|c| !c.is_ascii_lowercase());
            let mut cs = w.chars();
            let first = cs
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            let rest = if all_upper {
                cs.as_str().to_ascii_lowercase()
            } else {
                cs.as_str().to_owned()
            };
            format!("{first}{rest}")
        })
        .collect();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_as_declared() {
        assert_eq!(variant_name("payment-card-number"), "PaymentCardNumber");
        assert_eq!(variant_name("GET"), "Get");
        assert_eq!(variant_name("in-progress"), "InProgress");
        assert_eq!(variant_name("visa"), "Visa");
        assert_eq!(variant_name("1080p"), "V1080p");
    }

    #[test]
    fn inner_types() {
        assert_eq!(inner_type("Option<SpaceSeparated<CardType>>"), "CardType");
        assert_eq!(inner_type("Option<crate::HttpMethod>"), "HttpMethod");
        assert_eq!(inner_type("Capture"), "Capture");
    }
}
