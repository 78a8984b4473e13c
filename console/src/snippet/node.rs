//! Node with twilio-node: the same resource chain as Python, camel-case option names in one
//! object, `remove()` for deletes.

use runtime::param::{ListStyle, Location, Scalar};

use super::quote::js_string;
use super::{camel, helper_snake, Call, Target, Value, GATEWAY_KEY_ID_VAR, GATEWAY_KEY_SECRET_VAR};

pub(super) fn snippet(call: &Call, target: &Target) -> String {
    let op = &call.op;
    let mut out = String::from("const twilio = require(\"twilio\");\n\n");
    match target {
        Target::Twilio => out.push_str(
            "const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);\n",
        ),
        Target::Gateway { origin } => out.push_str(&format!(
            "// The gateway holds the Twilio credentials; this script holds only a gateway key.\nconst client = twilio(process.env.{GATEWAY_KEY_ID_VAR}, process.env.{GATEWAY_KEY_SECRET_VAR}, {{\n  accountSid: {},\n}});\nclient.{}.baseUrl = {};\n",
            js_string(call.path_value("AccountSid").unwrap_or(&call.default_account)),
            camel(&op.host().replace('-', "_")),
            js_string(&format!("{origin}{}", op.gateway_prefix())),
        )),
    }
    let (links, py_method) = super::python::chain_and_method(call);
    let mut chain = format!("client.{}", camel(&super::python::domain(op.host())));
    for (i, link) in links.iter().enumerate() {
        chain.push('.');
        // The version keeps its name (`v2010`, preview's `hosted_numbers`); accessors are
        // camel-case.
        if i == 0 {
            chain.push_str(&link.name);
        } else {
            chain.push_str(&camel(&link.name));
        }
        if let Some(args) = &link.args {
            let args: Vec<String> = args.iter().map(|a| js_string(a)).collect();
            chain.push_str(&format!("({})", args.join(", ")));
        }
    }
    let method = match py_method {
        "delete" => "remove",
        m => m,
    };
    let options: Vec<(String, String)> = call
        .values
        .iter()
        .filter(|v| v.param.location != Location::Path)
        .map(|v| (option_name(call, v), value(v)))
        .collect();
    let binding = match op.info.method {
        runtime::Method::Delete => "",
        _ => "const response = ",
    };
    out.push_str("\nasync function main() {\n");
    if let runtime::Body::Json = op.info.body {
        // twilio-node sends a JSON body's object as given (wire names), and takes headers as
        // a second object.
        let body = call.json_body_text();
        out.push_str(&format!(
            "  {binding}await {chain}.{method}(\n    {body},\n"
        ));
        let headers: Vec<String> = call
            .values
            .iter()
            .filter(|v| v.is_header())
            .map(|v| format!("{}: {}", js_string(v.param.wire_name), js_string(v.first())))
            .collect();
        if !headers.is_empty() {
            out.push_str(&format!("    {{ {} }},\n", headers.join(", ")));
        }
        out.push_str("  );\n");
    } else if options.is_empty() {
        out.push_str(&format!("  {binding}await {chain}.{method}();\n"));
    } else {
        out.push_str(&format!("  {binding}await {chain}.{method}({{\n"));
        for (k, v) in &options {
            out.push_str(&format!("    {k}: {v},\n"));
        }
        out.push_str("  });\n");
    }
    if !binding.is_empty() {
        if op.info.function == "list" && method == "list" {
            out.push_str("  response.forEach((record) => console.log(record.sid ?? record));\n");
        } else {
            out.push_str("  console.log(response.sid ?? response);\n");
        }
    }
    out.push_str(
        "}\n\nmain().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});\n",
    );
    out
}

/// twilio-node's option name: camel-case, each part of a dotted wire name on its own
/// (`Configuration.Filters` → `configuration.filters`, quoted as a key), `page` of a paged
/// list → `pageNumber`.
fn option_name(call: &Call, v: &Value) -> String {
    let name: Vec<String> = v
        .param
        .wire_name
        .split('.')
        .map(|part| {
            // twilio-node lower-cases a PascalCase name's first letter and keeps the rest
            // (`A2PProfileBundleSid` → `a2PProfileBundleSid`); snake-case and header names and the
            // `<`/`>` of date ranges go through camel case (`StartTime<` → `startTimeBefore`).
            if part.contains(['_', '-']) || part.ends_with(['<', '>']) {
                camel(&helper_snake(part))
            } else {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
        })
        .collect();
    let name = name.join(".");
    let paged = call
        .values
        .iter()
        .any(|v| matches!(v.param.wire_name, "Page" | "PageToken"));
    if paged && name == "page" {
        "pageNumber".to_owned()
    } else if name.contains('.') {
        js_string(&name)
    } else {
        name
    }
}

fn value(v: &Value) -> String {
    match v.param.kind.list {
        Some(ListStyle::RepeatedKey) => {
            let items: Vec<String> = v.items.iter().map(|i| scalar(v, i)).collect();
            format!("[{}]", items.join(", "))
        }
        Some(ListStyle::Joined(sep)) => js_string(&v.items.join(sep)),
        None => scalar(v, v.first()),
    }
}

fn scalar(v: &Value, text: &str) -> String {
    match v.param.kind.scalar {
        Scalar::Boolean if text == "true" || text == "false" => text.to_owned(),
        Scalar::Integer if text.parse::<i64>().is_ok() => text.to_owned(),
        Scalar::Json => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => json.to_string(),
            Err(_) => js_string(text),
        },
        _ => js_string(text),
    }
}
