//! The rustdoc the macro writes, from the checked declaration: an endpoint section, an
//! example, the parameter table and the rules on the struct, and short pages for the start
//! function, the builder and each setter. Our own words, from the declaration's structure.

use super::model::{Auth, Body, Endpoint, Location, Param, Rule, RuleKind};
use crate::ty::{innermost, type_name, type_text};

/// The template with `{Placeholder}`s, as Twilio's docs write paths.
fn braced(path: &str) -> String {
    path.replace('<', "{").replace('>', "}")
}

/// The text of a path to the runtime for doc links (`runtime`, `api::runtime`).
pub fn krate_text(e: &Endpoint) -> String {
    let path = &e.krate;
    quote::quote!(#path)
        .to_string()
        .replace(' ', "")
        .trim_start_matches("::")
        .to_owned()
}

/// The first paragraph of doc lines, on one line, safe inside a table cell.
pub fn first_paragraph(docs: &[String]) -> String {
    docs.iter()
        .map(|l| l.trim())
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The parameter's type (linked where it is a named type) and what values it admits, in a
/// few words: "[`CallSid`]: a SID", "`u32`: an integer, between 1 and 600".
pub fn values(p: &Param) -> String {
    let inner = innermost(&p.inner);
    let text = type_text(inner);
    let name = type_name(inner).unwrap_or_default();
    let linked = format!("[`{text}`]");
    let plain = format!("`{text}`");
    let prefixed;
    let (ty, what) = match name.as_str() {
        "PrefixedMap" => {
            prefixed = format!(
                "a JSON object, sent as `{}.<key>=<value>` pairs (nested keys joined by `.`)",
                p.prefix.as_deref().unwrap_or("<prefix>")
            );
            (linked, prefixed.as_str())
        }
        "String" => (plain, "text"),
        "bool" => (plain, "`true` or `false`"),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" => (plain, "an integer"),
        "Decimal" => (plain, "a decimal number"),
        "Uri" => (linked, "an http(s) URL"),
        "PhoneNumber" => (
            linked,
            "a phone number (`+14155550100`), or a `client:` or `sip:` address",
        ),
        "IdempotencyKey" => (linked, "any non-empty text, fresh per operation"),
        "JsonObject" => (linked, "a single-level JSON object, sent as a JSON string"),
        "Value" => (plain, "any JSON value"),
        "Date" => (linked, "a date, `YYYY-MM-DD`"),
        "DateTime" | "OffsetDateTime" => (linked, "a date-time, `YYYY-MM-DDTHH:MM:SSZ`"),
        n if n.ends_with("Sid") => (linked, "a SID"),
        _ => (linked, "one of its values"),
    };
    let list = match type_name(&p.inner).as_deref() {
        Some("Vec") if p.location == Location::Json => "; a list",
        Some("Vec") => "; a list, one key per item",
        Some("SpaceSeparated") => "; a list, space-separated",
        Some("CommaSeparated") => "; a list, comma-separated",
        _ => "",
    };
    let range = match &p.range {
        None => String::new(),
        Some(r) => match (r.min, r.max) {
            (Some(lo), Some(hi)) if r.inclusive => format!(", between {lo} and {hi}"),
            (Some(lo), Some(hi)) => format!(", at least {lo} and less than {hi}"),
            (Some(lo), None) => format!(", at least {lo}"),
            (None, Some(hi)) if r.inclusive => format!(", at most {hi}"),
            (None, Some(hi)) => format!(", less than {hi}"),
            (None, None) => String::new(),
        },
    };
    format!("{ty}: {what}{list}{range}")
}

/// Where the parameter goes, for the table.
fn place(p: &Param) -> &'static str {
    p.location.as_str()
}

fn required_text(p: &Param) -> &'static str {
    if p.required {
        "yes"
    } else if p.account_default {
        "no (the client's account)"
    } else {
        "no"
    }
}

/// `A`, `A and B`, `A, B and C` (or with `or`).
fn join(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// The rule as a sentence, naming wire names and linking the setters.
fn rule_sentence(e: &Endpoint, rule: &Rule) -> String {
    let (kind, members) = (rule.kind, &rule.members);
    let names: Vec<String> = members
        .iter()
        .map(|&i| {
            let p = &e.params[i];
            format!(
                "`{}` ([`{}`]({}::{}))",
                p.wire, p.ident, e.builder_ident, p.ident
            )
        })
        .collect();
    let list = join(&names, "and");
    match kind {
        RuleKind::AtLeastOne => format!("At least one of {list} must be set."),
        RuleKind::ExactlyOne => format!("Exactly one of {list} must be set."),
        RuleKind::RequiredWhen | RuleKind::OnlyWhen => {
            let (when, values) = match &rule.condition {
                Some((i, values)) => (e.params[*i].wire.as_str(), values.as_slice()),
                None => ("", &[][..]),
            };
            let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            let values = join(&values, "or");
            let verb = match (kind, members.len()) {
                (RuleKind::RequiredWhen, 1) => "must be set",
                (RuleKind::RequiredWhen, _) => "must all be set",
                _ => "may be set only",
            };
            format!("{list} {verb} when `{when}` is {values}.")
        }
    }
}

/// A short example call: the start function with its required arguments, one optional setter
/// (a rule's first member when there is a rule, so the call passes the checks), and `send`.
///
/// A `text` block, not a doctest: a macro cannot know the public path its declaration is
/// re-exported at, and 1,447 doctests (one binary each in edition 2021) would cost CI many
/// minutes; the call is written from the declaration itself, so it cannot drift from it.
fn example(e: &Endpoint) -> Vec<String> {
    let args: Vec<String> = e
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.ident.to_string())
        .collect();
    let setter = e
        .rules
        .first()
        .and_then(|r| r.members.first())
        .map(|&i| &e.params[i])
        .or_else(|| e.params.iter().find(|p| !p.required && !p.account_default));
    let mut lines = vec![
        "```text".to_owned(),
        format!("let answer = {}({})", e.fn_ident, args.join(", ")),
    ];
    if let Some(p) = setter {
        lines.push(format!("    .{}({})", p.ident, p.ident));
    }
    lines.push("    .send(&client)".to_owned());
    lines.push("    .await?;".to_owned());
    lines.push("```".to_owned());
    lines
}

/// The sections appended to the struct's own docs.
pub fn struct_docs(e: &Endpoint) -> Vec<String> {
    let response = match &e.response_text {
        Some(t) => format!("[`{t}`]"),
        None if e.method == super::model::Method::Delete => "nothing".to_owned(),
        None => "JSON".to_owned(),
    };
    let travel = match e.body {
        Body::None => "Parameters other than the path's travel in the query string.",
        Body::Form => "Parameters other than the path's travel as a form body.",
        Body::Json => "Parameters other than the path's travel as one JSON object.",
    };
    let mut d = vec![
        String::new(),
        "# Endpoint".to_owned(),
        String::new(),
        format!(
            "`{} https://{}.twilio.com{}` → {response} (HTTP {})",
            e.method.as_str(),
            e.host,
            braced(&e.path),
            e.status
        ),
        String::new(),
        format!(
            "Start a request with [`{}`] (it takes the required parameters), set optional ones on the [`{}`] it returns, then `.send(&client).await`. {travel} Every value is checked before anything is sent.",
            e.fn_ident, e.builder_ident
        ),
    ];
    match e.auth {
        Auth::Basic => {}
        Auth::OAuth2 => {
            d.push(String::new());
            d.push("Requests carry a bearer token the client obtains with its OAuth2 client credentials.".to_owned());
        }
        Auth::None => {
            d.push(String::new());
            d.push("Requests carry no credentials.".to_owned());
        }
    }
    if e.idempotency.is_some() {
        d.push(String::new());
        d.push("Requests carry an `IdempotencyKey`, so the client may safely resend one after a timeout or a 5xx: Twilio acts on a key once.".to_owned());
    }
    d.push(String::new());
    d.push("# Example".to_owned());
    d.push(String::new());
    d.extend(example(e));
    d.push(String::new());
    d.push("# Parameters".to_owned());
    d.push(String::new());
    if e.params.is_empty() {
        d.push("None.".to_owned());
    } else {
        d.push(
            "| Parameter | Wire name | In | Required | Type and values | Twilio's default | Description |"
                .to_owned(),
        );
        d.push("|---|---|---|---|---|---|---|".to_owned());
        for p in &e.params {
            let name = if p.required {
                format!("`{}`", p.ident)
            } else {
                format!("[`{}`]({}::{})", p.ident, e.builder_ident, p.ident)
            };
            let description = cell(&first_paragraph(&p.docs));
            d.push(format!(
                "| {name} | `{}` | {} | {} | {} | {} | {}{} |",
                cell(&p.wire),
                place(p),
                required_text(p),
                cell(&values(p)),
                p.default
                    .as_ref()
                    .map_or_else(String::new, |v| format!("`{}`", cell(v))),
                if p.deprecated { "**Deprecated.** " } else { "" },
                description,
            ));
        }
    }
    if !e.rules.is_empty() {
        d.push(String::new());
        d.push("# Rules".to_owned());
        d.push(String::new());
        for rule in &e.rules {
            d.push(format!("- {}", rule_sentence(e, rule)));
        }
    }
    d
}

/// Docs of the start function.
pub fn fn_docs(e: &Endpoint) -> Vec<String> {
    let mut d: Vec<String> = e
        .docs
        .iter()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .cloned()
        .collect();
    if !d.is_empty() {
        d.push(String::new());
    }
    d.push(format!(
        "Starts a `{} {}` request; [`{}`] lists every parameter{}.",
        e.method.as_str(),
        braced(&e.path),
        e.item.ident,
        if e.rules.is_empty() {
            ""
        } else {
            " and the rules across them"
        }
    ));
    let required: Vec<&Param> = e.params.iter().filter(|p| p.required).collect();
    if !required.is_empty() {
        d.push(String::new());
        d.push("Arguments, all required:".to_owned());
        for p in &required {
            d.push(format!(
                "- `{}`: `{}` in the {}; {}",
                p.ident,
                p.wire,
                place(p),
                values(p)
            ));
        }
        d.push(String::new());
        d.push("Strings are accepted where a SID, URL or key is expected; a value that does not convert makes `send` return an error listing every refused parameter, before anything is sent.".to_owned());
    }
    d
}

/// Docs of the builder.
pub fn builder_docs(e: &Endpoint) -> String {
    format!(
        "A `{} {}` request being built by [`{}`]: set optional parameters, then [`send`](Self::send) it.",
        e.method.as_str(),
        braced(&e.path),
        e.fn_ident
    )
}

/// Docs of one setter.
pub fn setter_docs(e: &Endpoint, index: usize) -> Vec<String> {
    let p = &e.params[index];
    let mut d: Vec<String> = p.docs.clone();
    if !d.is_empty() {
        d.push(String::new());
    }
    let mut line = format!("Sets `{}` in the {}; {}.", p.wire, place(p), values(p));
    if let Some(default) = &p.default {
        line.push_str(&format!(" Twilio's default: `{default}`."));
    }
    if p.deprecated {
        line.push_str(" Deprecated by Twilio.");
    }
    d.push(line);
    if let Some(item) = &p.list_item {
        d.push(String::new());
        d.push(format!(
            "Takes any list of values convertible to `{}` (an array, a `Vec`, an iterator); each refused item is reported with its position.",
            type_text(item)
        ));
    }
    for rule in e.rules.iter().filter(|r| r.members.contains(&index)) {
        d.push(String::new());
        d.push(rule_sentence(e, rule));
    }
    d
}
