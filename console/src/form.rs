//! The form of an operation page, generated from its parameter table: enums as selects (a
//! list of enums as checkboxes), booleans tri-state, lists as repeatable inputs, JSON as a
//! checked text area, dates as date inputs, SIDs with their prefix as the input's pattern.
//! Every input is named by its wire name, so the form's own encoding is the pairs the
//! declaration rebuilds its request from.

use maud::{html, Markup};
use runtime::param::{Location, ParamInfo, Scalar};

use crate::catalog::{self, Operation};

/// What the form is filled with when the page opens.
pub(crate) struct Prefill<'a> {
    /// Values from the page's query string, by wire name.
    pub given: &'a [(String, String)],
    /// The account the gateway acts for.
    pub account_sid: &'a str,
    /// This page's inbox URL, for required status-callback URLs left empty.
    pub inbox_url: Option<&'a str>,
    /// A fresh idempotency key.
    pub fresh_key: &'a str,
}

impl Prefill<'_> {
    pub(crate) fn values(&self, p: &ParamInfo) -> Vec<String> {
        let given: Vec<String> = self
            .given
            .iter()
            .filter(|(k, _)| k == p.wire_name)
            .map(|(_, v)| v.clone())
            .collect();
        if !given.is_empty() {
            return given;
        }
        if p.location == Location::Path && matches!(p.kind.scalar, Scalar::Sid("AC")) {
            return vec![self.account_sid.to_owned()];
        }
        if catalog::is_idempotency_key(p) {
            return vec![self.fresh_key.to_owned()];
        }
        if p.required && p.kind.scalar == Scalar::Uri && p.wire_name.ends_with("StatusCallback") {
            if let Some(url) = self.inbox_url {
                return vec![url.to_owned()];
            }
        }
        Vec::new()
    }
}

/// The DOM id of a parameter's input (wire names can hold `<` and `>`).
pub(crate) fn input_id(p: &ParamInfo) -> String {
    let safe: String = p
        .wire_name
        .chars()
        .map(|c| match c {
            '<' => "-before".to_owned(),
            '>' => "-after".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        })
        .collect();
    format!("p-{safe}")
}

/// The whole form.
pub(crate) fn render(op: &Operation, prefill: &Prefill<'_>) -> Markup {
    let params = op.params_for_form();
    let path: Vec<_> = params
        .iter()
        .filter(|p| p.location == Location::Path)
        .collect();
    let required: Vec<_> = params
        .iter()
        .filter(|p| p.location != Location::Path && p.required)
        .collect();
    let optional: Vec<_> = params
        .iter()
        .filter(|p| p.location != Location::Path && !p.required)
        .collect();
    html! {
        form #try-form data-operation=(op.id()) novalidate autocomplete="off" {
            @if !path.is_empty() {
                fieldset {
                    legend { "Path" }
                    @for p in &path { (field(p, prefill)) }
                }
            }
            @if !required.is_empty() {
                fieldset {
                    legend { "Required" }
                    @for p in &required { (field(p, prefill)) }
                }
            }
            @if !optional.is_empty() {
                fieldset {
                    legend { "Optional" }
                    @for p in &optional { (field(p, prefill)) }
                }
            }
            div .actions {
                button #send type="submit" { "Send request" }
                span .hint { "Checked by the declaration first; nothing is sent if a value is refused." }
            }
        }
    }
}

fn field(p: &ParamInfo, prefill: &Prefill<'_>) -> Markup {
    let id = input_id(p);
    let values = prefill.values(p);
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let described = format!("{hint_id} {err_id}");
    let enum_values = catalog::allowed_values(&p.kind);
    let is_list = p.kind.list.is_some();
    html! {
        div .field data-param=(p.wire_name) {
            @if is_list && !enum_values.is_empty() {
                span .label id=(format!("{id}-label")) { (label_text(p)) }
                div .choices role="group" aria-labelledby=(format!("{id}-label")) aria-describedby=(described) {
                    @for v in enum_values {
                        label .choice {
                            input type="checkbox" name=(p.wire_name) value=(v) checked[values.iter().any(|x| x == v)];
                            " " code { (v) }
                        }
                    }
                }
            } @else {
                label for=(id) { (label_text(p)) }
                @if is_list {
                    div .repeat data-for=(p.wire_name) {
                        @let shown = if values.is_empty() { vec![String::new()] } else { values.clone() };
                        @for (i, v) in shown.iter().enumerate() {
                            div .repeat-item {
                                (input(p, if i == 0 { Some(id.as_str()) } else { None }, v, &described))
                            }
                        }
                        button type="button" .add-item data-for=(p.wire_name) { "Add another" }
                    }
                } @else {
                    (input(p, Some(&id), values.first().map_or("", String::as_str), &described))
                }
            }
            @if catalog::is_idempotency_key(p) {
                button type="button" .new-key data-for=(id) { "New key" }
            }
            @if p.kind.scalar == Scalar::Uri && p.wire_name.ends_with("StatusCallback") {
                @if let Some(url) = prefill.inbox_url {
                    button type="button" .use-inbox data-for=(id) data-url=(url) { "Use the console's inbox" }
                }
            }
            div .hint id=(hint_id) { (hint(p)) }
            div .error id=(err_id) role="status" aria-live="polite" {}
        }
    }
}

fn label_text(p: &ParamInfo) -> Markup {
    html! {
        code { (p.wire_name) }
        @if p.required { " " abbr .req title="required" { "*" } }
    }
}

fn hint(p: &ParamInfo) -> String {
    let mut parts = vec![catalog::kind_text(&p.kind)];
    if let Some(r) = &p.range {
        parts.push(r.to_string());
    }
    if let Some(d) = p.default {
        parts.push(format!("default {d}"));
    }
    let doc = p.doc;
    if !doc.is_empty() {
        parts.push(doc.to_owned());
    }
    parts.join(" · ")
}

fn input(p: &ParamInfo, id: Option<&str>, value: &str, described: &str) -> Markup {
    let name = p.wire_name;
    let enum_values = catalog::allowed_values(&p.kind);
    match p.kind.scalar {
        Scalar::Boolean => html! {
            select id=[id] name=(name) aria-describedby=(described) {
                option value="" selected[value.is_empty()] { "(not set)" }
                option value="true" selected[value == "true"] { "true" }
                option value="false" selected[value == "false"] { "false" }
            }
        },
        Scalar::Enum(_) => html! {
            select id=[id] name=(name) aria-describedby=(described) {
                option value="" selected[value.is_empty()] { "(not set)" }
                @for v in enum_values {
                    option value=(v) selected[value == *v] { (v) }
                }
                @if !value.is_empty() && !enum_values.contains(&value) {
                    option value=(value) selected { (value) }
                }
            }
        },
        Scalar::Json => html! {
            textarea id=[id] name=(name) rows="3" spellcheck="false" data-kind="json"
                placeholder="{\"key\": \"value\"}" aria-describedby=(described) { (value) }
        },
        Scalar::Integer => {
            let (min, max) = range_attrs(p);
            html! {
                input id=[id] name=(name) type="number" step="1" min=[min] max=[max] value=(value)
                    inputmode="numeric" aria-describedby=(described) required[p.required];
            }
        }
        Scalar::Number => html! {
            input id=[id] name=(name) type="text" inputmode="decimal" pattern="-?[0-9]+(\\.[0-9]+)?"
                value=(value) aria-describedby=(described) required[p.required];
        },
        Scalar::Date => html! {
            input id=[id] name=(name) type="date" value=(value) aria-describedby=(described) required[p.required];
        },
        Scalar::DateTime => html! {
            input id=[id] name=(name) type="text" placeholder="2025-01-31T12:00:00Z"
                pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
                value=(value) aria-describedby=(described) required[p.required];
        },
        Scalar::Sid(prefix) => {
            let prefixes = catalog::sid_prefixes(prefix);
            html! {
                input id=[id] name=(name) type="text" value=(value) spellcheck="false"
                    pattern=(format!("({})[0-9a-fA-F]{{32}}", prefixes.join("|"))) maxlength="34"
                    placeholder=(format!("{prefix}…")) data-sid-prefix=(prefixes.join(" or "))
                    aria-describedby=(described) required[p.required];
            }
        }
        Scalar::PhoneNumber => html! {
            input id=[id] name=(name) type="tel" value=(value) placeholder="+15005550006"
                aria-describedby=(described) required[p.required];
        },
        Scalar::Uri => html! {
            input id=[id] name=(name) type="text" inputmode="url" value=(value) spellcheck="false"
                placeholder="https://example.com/…" aria-describedby=(described) required[p.required];
        },
        _ => html! {
            input id=[id] name=(name) type="text" value=(value) spellcheck="false"
                aria-describedby=(described) required[p.required];
        },
    }
}

fn range_attrs(p: &ParamInfo) -> (Option<String>, Option<String>) {
    match &p.range {
        Some(r) => (
            r.min.map(|m| m.to_string()),
            r.max
                .map(|m| if r.max_inclusive { m } else { m - 1 }.to_string()),
        ),
        None => (None, None),
    }
}
