//! The rustdoc the macro writes: an endpoint section and a parameter table on the struct, and
//! short pages for the start function and each setter. Our own words, from structure only.

use crate::model::{innermost, type_name, type_text, Field, Method};

/// Where a field goes on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Form,
    Query,
}

impl Place {
    fn as_str(self) -> &'static str {
        match self {
            Place::Path => "path",
            Place::Form => "form",
            Place::Query => "query",
        }
    }
}

/// What values a type admits, in a few words (or a link to the type that lists them).
pub fn allowed(field: &Field) -> String {
    if let Some(r) = &field.range {
        // The same words the run-time error uses.
        return match (r.min, r.max) {
            (Some(lo), Some(hi)) if r.inclusive => format!("between {lo} and {hi}"),
            (Some(lo), Some(hi)) => format!("at least {lo} and less than {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) if r.inclusive => format!("at most {hi}"),
            (None, Some(hi)) => format!("less than {hi}"),
            (None, None) => r.text.clone(),
        };
    }
    let inner = innermost(&field.inner);
    let name = type_name(inner).unwrap_or_default();
    let list = match type_name(&field.inner).as_deref() {
        Some("Vec") => " (repeated key per item)",
        Some("SpaceSeparated") => " (space-separated)",
        Some("CommaSeparated") => " (comma-separated)",
        _ => "",
    };
    let base = match name.as_str() {
        "String" => "text".to_owned(),
        "bool" => "`true` or `false`".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" => "an integer".to_owned(),
        "Decimal" => "a decimal number".to_owned(),
        "Uri" => "an http(s) URL, or a relative one".to_owned(),
        "IdempotencyKey" => "any non-empty text, fresh per operation".to_owned(),
        "JsonObject" => "a single-level JSON object (sent as a JSON string)".to_owned(),
        "Date" => "a date, `YYYY-MM-DD`".to_owned(),
        "OffsetDateTime" => "a date-time, `YYYY-MM-DDTHH:MM:SSZ`".to_owned(),
        n if n.ends_with("Sid") => format!("a [`{}`]", type_text(inner)),
        _ => format!("one of [`{}`]", type_text(inner)),
    };
    format!("{base}{list}")
}

fn first_line(docs: &[String]) -> String {
    docs.iter()
        .map(|l| l.trim())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// What the endpoint section says about the endpoint as a whole.
pub struct Overview<'a> {
    pub method: Method,
    pub path: &'a str,
    pub response: &'a str,
    pub status: u16,
    pub fn_name: &'a str,
    pub builder: &'a str,
    pub idempotent: bool,
}

/// The endpoint section and parameter table appended to the struct's own docs.
pub fn struct_docs(o: &Overview<'_>, fields: &[(&Field, Place, bool)]) -> Vec<String> {
    let Overview {
        method,
        path,
        response,
        status,
        fn_name,
        builder,
        idempotent,
    } = *o;
    let mut d = vec![
        String::new(),
        "# Endpoint".to_owned(),
        String::new(),
        format!("`{} {}` → {response} (HTTP {status})", method.as_str(), path.replace('<', "{").replace('>', "}")),
        String::new(),
        format!("Start a request with [`{fn_name}`] (it takes the required parameters), set optional ones on the [`{builder}`] it returns, then `.send(&client).await`. Values are checked before anything is sent."),
        String::new(),
        "# Parameters".to_owned(),
        String::new(),
        "| Field | Wire name | In | Type | Required | Values | Notes |".to_owned(),
        "|---|---|---|---|---|---|---|".to_owned(),
    ];
    for (f, place, required) in fields {
        d.push(format!(
            "| `{}` | `{}` | {} | `{}` | {} | {} | {} |",
            f.ident,
            f.wire,
            place.as_str(),
            type_text(&f.inner),
            if *required {
                "yes"
            } else if *place == Place::Path {
                "no (the client's account)"
            } else {
                "no"
            },
            allowed(f),
            first_line(&f.docs),
        ));
    }
    if idempotent {
        d.push(String::new());
        d.push("Requests carry an `IdempotencyKey`, so the client may safely resend one after a timeout or a 5xx: Twilio acts on a key once.".to_owned());
    }
    d
}

/// Docs of the start function.
pub fn fn_docs(
    summary: &[String],
    method: Method,
    path: &str,
    struct_name: &str,
    required: &[&Field],
) -> Vec<String> {
    let mut d: Vec<String> = summary
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .cloned()
        .collect();
    if !d.is_empty() {
        d.push(String::new());
    }
    d.push(format!(
        "Starts a `{} {}` request; [`{struct_name}`] lists every parameter.",
        method.as_str(),
        path.replace('<', "{").replace('>', "}")
    ));
    if !required.is_empty() {
        d.push(String::new());
        d.push("Arguments, all required:".to_owned());
        for f in required {
            d.push(format!(
                "- `{}`: `{}` ({}), {}",
                f.ident,
                f.wire,
                type_text(&f.inner),
                allowed(f)
            ));
        }
        d.push(String::new());
        d.push("Strings are accepted where a SID, URL or key is expected; a value that does not parse makes `send` return an error listing every bad parameter, before anything is sent.".to_owned());
    }
    d
}

/// Docs of one setter.
pub fn setter_docs(f: &Field) -> Vec<String> {
    let mut d = f.docs.clone();
    if !d.is_empty() {
        d.push(String::new());
    }
    d.push(format!(
        "Sets `{}` ({}): {}.",
        f.wire,
        type_text(&f.inner),
        allowed(f)
    ));
    if let Some(item) = crate::model::vec_item(&f.inner) {
        d.push(String::new());
        d.push(format!(
            "Takes any list of values convertible to `{}` (an array, a `Vec`, an iterator); each refused item is reported with its position.",
            type_text(item)
        ));
    }
    d
}
