//! [`ast`](super::ast) → [`model`](super::model): every rule of the syntax checked, every
//! mistake recorded once with its span, and a resolved declaration only when there is none
//! (thiserror's `valid.rs` in spirit). Nothing downstream re-checks.

use std::collections::HashMap;

use proc_macro2::Span;
use quote::format_ident;
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

use super::ast::{self, Declaration};
use super::model::{Auth, Body, Endpoint, Location, Method, Param, Rule};
use super::template::{self, Piece};
use crate::ctxt::Ctxt;
use crate::ty::{self, nearest, option_inner, pascal_case, snake_case, type_name, type_text};

/// Methods of the request builder: a parameter field cannot take these names.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "params",
    "into_params",
    "with_timeout",
    "with_retry",
];

/// Headers the client sets itself; a declaration cannot make them parameters.
const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "content-type",
    "content-length",
    "host",
    "accept",
    "user-agent",
    "connection",
    "transfer-encoding",
    "idempotency-key",
];

/// Checks the declaration; `None` (with errors in `cx`) when anything is wrong, here or
/// while parsing.
pub fn check(decl: &Declaration, cx: &Ctxt) -> Option<Endpoint> {
    let attr = &decl.attr;
    let item = &decl.item;
    if !item.generics.params.is_empty() {
        cx.error(
            item.generics.span(),
            "an endpoint params struct cannot be generic",
        );
    }
    let method = attr.method.as_ref().map(|(m, _)| *m);
    let body = body(attr, method, cx);
    let host = host(attr.host.as_ref(), cx);
    let media = media(attr.media.as_ref(), cx);
    let json_model = json_model(attr.json_model.as_ref(), body, cx);
    let status = status(attr, cx);
    let pieces = attr.path.as_ref().and_then(|lit| pieces(lit, cx));
    let helper_call = match (&attr.helper_call, &pieces) {
        (Some(lit), Some(pieces)) => helper_call(lit, pieces, cx),
        _ => None,
    };

    let mut params: Vec<Param> = decl.fields.iter().map(|f| param(f, cx)).collect();
    if let (Some(lit), Some(pieces)) = (&attr.path, &pieces) {
        bind(lit, pieces, decl, &mut params, cx);
    }
    for (p, f) in params.iter_mut().zip(&decl.fields) {
        if p.location == Location::Header {
            if let Some(span) = f.query {
                cx.error(
                    span,
                    format!("`{}` is a header parameter, not a query one", p.ident),
                );
            }
            continue;
        }
        if p.location == Location::Path {
            if let Some(span) = f.query {
                cx.error(span, format!("`{}` fills the path, not the query", p.ident));
            }
            continue;
        }
        p.location = match body {
            // A parameter Twilio reads from the query string of a request with a body
            // (OAuth's `POST /v2/token?account_sid=…`).
            Some(Body::Json | Body::Form) if f.query.is_some() => Location::Query,
            Some(Body::Json) => Location::Json,
            Some(Body::Form) => Location::Form,
            _ => Location::Query,
        };
        if let (Some(Body::None), Some(span)) = (body, f.query) {
            cx.error_help(
                span,
                format!("`{}` is in the query already", p.ident),
                "a request without a body sends every parameter in the query; remove `query`",
            );
        }
    }
    fields(decl, &mut params, attr.paged.is_some(), cx);
    let rules = rules(attr, &params, cx);
    if attr.paged.is_some() && attr.response.is_none() {
        cx.error(
            attr.paged
                .as_ref()
                .map_or_else(Span::call_site, Ident::span),
            "`paged` needs the page type: add `response = Page<Item>`",
        );
    }

    if cx.len() > 0 {
        return None;
    }
    let (method, path, pieces, body) = (method?, attr.path.as_ref()?, pieces?, body?);
    let krate = match &attr.krate {
        Some((path, _)) => path.clone(),
        None => syn::parse_quote!(::runtime),
    };
    let response = match (&attr.response, method) {
        (Some(t), _) => t.clone(),
        (None, Method::Delete) => syn::parse_quote!(()),
        (None, _) => syn::parse_quote!(#krate::__private::serde_json::Value),
    };
    let struct_name = item.ident.to_string();
    let fn_ident = attr
        .fn_name
        .clone()
        .unwrap_or_else(|| format_ident!("{}", snake_case(&struct_name), span = item.ident.span()));
    let idempotency = params.iter().position(|p| p.wire == "IdempotencyKey");
    Some(Endpoint {
        krate,
        item: item.clone(),
        method,
        host: host.unwrap_or_else(|| "api".to_owned()),
        path: path.value(),
        pieces,
        body,
        auth: attr.auth.as_ref().map_or(Auth::Basic, |(a, _)| *a),
        media: media.unwrap_or_else(|| "application/json".to_owned()),
        json_model,
        helper_call,
        response,
        response_text: attr.response.as_ref().map(type_text),
        status: status.unwrap_or(if method == Method::Delete { 204 } else { 200 }),
        paged: attr.paged.is_some(),
        builder_ident: format_ident!("{}Request", item.ident),
        fn_ident,
        params,
        rules,
        idempotency,
        docs: super::parse::doc_lines(&item.attrs),
    })
}

fn body(attr: &ast::Attr, method: Option<Method>, cx: &Ctxt) -> Option<Body> {
    let method = method?;
    match &attr.body {
        None if method.has_body() => Some(Body::Form),
        None => Some(Body::None),
        Some((_, ident)) if !method.has_body() => {
            cx.error(
                ident.span(),
                format!(
                    "a {} request has no body: `body = {ident}` needs POST, PUT or PATCH",
                    method.as_str()
                ),
            );
            None
        }
        Some((body, _)) => Some(*body),
    }
}

fn host(lit: Option<&LitStr>, cx: &Ctxt) -> Option<String> {
    let lit = lit?;
    let host = lit.value();
    let label_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !host.starts_with('-')
        && !host.ends_with('-');
    if label_ok {
        return Some(host);
    }
    let first = host
        .trim_start_matches("https://")
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    cx.error_help(
        lit.span(),
        format!("`host` is the first label of the product's host name; `{host}` is not one"),
        format!("for `{first}.twilio.com` write `host = \"{first}\"`"),
    );
    None
}

/// A JSON media type, `application/json` or `application/<name>+json`: sent as a header value,
/// so checked here for the characters one can hold.
fn media(lit: Option<&LitStr>, cx: &Ctxt) -> Option<String> {
    let lit = lit?;
    let media = lit.value();
    let subtype = media.strip_prefix("application/").unwrap_or_default();
    let json = subtype == "json"
        || subtype.strip_suffix("+json").is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        });
    if json {
        return Some(media);
    }
    cx.error_help(
        lit.span(),
        format!("`media` is a JSON media type; `{media}` is not one"),
        "write `application/json` (the default) or `application/<name>+json`, e.g. `application/scim+json`",
    );
    None
}

/// The helpers' name of a JSON body's model: a class name (twilio-python's request class), so
/// letters and digits, and only on a declaration with a JSON body.
fn json_model(lit: Option<&LitStr>, body: Option<Body>, cx: &Ctxt) -> Option<String> {
    let lit = lit?;
    let name = lit.value();
    if body.is_some_and(|b| b != Body::Json) {
        cx.error_help(
            lit.span(),
            "`json_model` names the model of a JSON body, and this declaration has none",
            "add `body = json`, or remove `json_model`",
        );
        return None;
    }
    let mut chars = name.chars();
    let is_class = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if !is_class {
        cx.error_help(
            lit.span(),
            format!("`json_model` is a class name; `{name}` is not one"),
            "write letters and digits starting with a capital, e.g. `CreateReferralConversionRequest`",
        );
        return None;
    }
    Some(name)
}

/// The official helpers' call: accessors joined by `.`, each a snake-case name with, in
/// parentheses, the path placeholders it takes (in the helper's argument order), then the
/// method; every placeholder of the path once (`accounts(AccountSid).calls(CallSid).payments(Sid).update`).
fn helper_call(lit: &LitStr, pieces: &[Piece], cx: &Ctxt) -> Option<String> {
    let text = lit.value();
    let placeholders: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Placeholder { name, .. } => Some(name.as_str()),
            Piece::Literal(_) => None,
        })
        .collect();
    let mut taken = Vec::new();
    let mut problem = None;
    for accessor in text.split('.') {
        let (name, args) = match accessor.split_once('(') {
            Some((name, rest)) => match rest.strip_suffix(')') {
                Some(args) => (name, Some(args)),
                None => {
                    problem = Some(format!(
                        "`{accessor}` opens a parenthesis it does not close"
                    ));
                    break;
                }
            },
            None => (accessor, None),
        };
        let is_name = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !is_name {
            problem = Some(format!(
                "`{accessor}` is not an accessor: a snake-case name, then optionally `(Placeholder, …)`"
            ));
            break;
        }
        for arg in args
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            taken.push(arg.to_owned());
        }
    }
    let method = text.rsplit('.').next().unwrap_or("");
    if problem.is_none() && (!text.contains('.') || method.contains('(')) {
        problem = Some(format!(
            "`{text}` does not end with the method: accessors, then `.create`, `.fetch`, …"
        ));
    }
    let mut sorted_taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let mut sorted_path = placeholders.clone();
    sorted_taken.sort_unstable();
    sorted_path.sort_unstable();
    if problem.is_none() && sorted_taken != sorted_path {
        problem = Some(format!(
            "the chain takes {} and the path has {}: every placeholder once",
            list_or_none(&taken),
            list_or_none(&placeholders)
        ));
    }
    match problem {
        Some(message) => {
            cx.error_help(
                lit.span(),
                message,
                "write e.g. `helper_call = \"services(ServiceSid).verifications(Sid).update\"`",
            );
            None
        }
        None => Some(text),
    }
}

fn list_or_none<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        "no placeholder".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{}`", n.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn status(attr: &ast::Attr, cx: &Ctxt) -> Option<u16> {
    let lit = attr.status.as_ref()?;
    match lit.base10_parse::<u16>() {
        // A 3xx only where Twilio documents a redirect as the answer (the payload data of a
        // recording add-on result): the transport decodes its body too.
        Ok(code) if (200..400).contains(&code) => Some(code),
        _ => {
            cx.error(
                lit.span(),
                "the success status is a 2xx code (or a documented 3xx redirect)",
            );
            None
        }
    }
}

fn pieces(lit: &LitStr, cx: &Ctxt) -> Option<Vec<Piece>> {
    match template::parse(&lit.value()) {
        Ok(p) => Some(p),
        Err(problems) => {
            for p in problems {
                cx.push(template::error_at(
                    lit,
                    p.start,
                    p.end,
                    "malformed path template",
                    &p.message,
                    None,
                ));
            }
            None
        }
    }
}

/// The parameter as far as the field alone tells; its place is settled by [`bind`].
fn param(f: &ast::Field, cx: &Ctxt) -> Param {
    let (required, inner) = match option_inner(&f.ty) {
        Some(inner) => (false, inner.clone()),
        None => (true, f.ty.clone()),
    };
    let header = f.header.as_ref().filter(|h| header_name(h, &inner, f, cx));
    let wire = match (header, &f.rename) {
        (Some(h), Some(rename)) => {
            cx.error_help(
                rename.span(),
                format!(
                    "`{}` is a header parameter: its wire name is the header's name",
                    f.ident
                ),
                "remove `rename`",
            );
            h.value()
        }
        (Some(h), None) => h.value(),
        (None, Some(rename)) => rename.value(),
        (None, None) => pascal_case(&f.ident.to_string()),
    };
    Param {
        ident: f.ident.clone(),
        ty: f.ty.clone(),
        list_item: ty::vec_item(&inner).cloned(),
        inner,
        required,
        wire,
        location: if header.is_some() {
            Location::Header
        } else {
            Location::Query
        },
        range: f.range.clone(),
        default: f.default.as_ref().map(LitStr::value),
        deprecated: f.deprecated.is_some(),
        prefix: f.prefix.as_ref().map(LitStr::value),
        docs: f.docs.clone(),
        account_default: false,
        shadowed: false,
        span: f.ident.span(),
    }
}

/// Whether `header = "…"` names a header a declaration may have.
fn header_name(lit: &LitStr, inner: &syn::Type, f: &ast::Field, cx: &Ctxt) -> bool {
    let name = lit.value();
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        cx.error(
            lit.span(),
            format!("`{name}` is not a header name (letters, digits and `-`, e.g. `X-Twilio-Webhook-Enabled`)"),
        );
        return false;
    }
    if CLIENT_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        cx.error(
            lit.span(),
            format!("`{name}` is set by the client itself (credentials, body, retries); it cannot be a parameter"),
        );
        return false;
    }
    if ty::is_list(inner) {
        cx.error(
            f.ty.span(),
            format!(
                "`{}` is a header parameter, and a header takes one value, not a list",
                f.ident
            ),
        );
        return false;
    }
    true
}

/// Binds each placeholder to the field with its wire name and checks the path fields.
fn bind(lit: &LitStr, pieces: &[Piece], decl: &Declaration, params: &mut [Param], cx: &Ctxt) {
    let mut bound: HashMap<&str, usize> = HashMap::new();
    for piece in pieces {
        let Piece::Placeholder { name, start, end } = piece else {
            continue;
        };
        if bound.contains_key(name.as_str()) {
            cx.push(template::error_at(
                lit,
                *start,
                *end,
                &format!("duplicate placeholder `<{name}>`"),
                "appears a second time here",
                Some("each placeholder appears once; a path cannot repeat a value"),
            ));
            continue;
        }
        let found = params
            .iter()
            .position(|p| p.wire == *name && p.location != Location::Header);
        match found {
            Some(i) => {
                bound.insert(name, i);
                params[i].location = Location::Path;
            }
            None => cx.push(unbound(lit, name, *start, *end, decl, params)),
        }
    }
    for &i in bound.values() {
        let p = &mut params[i];
        let f = &decl.fields[i];
        if !p.required {
            if p.wire == "AccountSid" && type_name(&p.inner).as_deref() == Some("AccountSid") {
                p.account_default = true;
            } else {
                cx.error_help(
                    option_span(&f.ty),
                    format!("`{}` fills `<{}>` in the path, so it cannot be optional", p.ident, p.wire),
                    "only `<AccountSid>` may be `Option<AccountSid>` (it then defaults to the client's account)",
                );
            }
        } else if ty::is_list(&p.inner) {
            cx.error(
                option_span(&f.ty),
                format!(
                    "`{}` fills `<{}>` in the path, but a list cannot be one path segment",
                    p.ident, p.wire
                ),
            );
        }
        if let Some(default) = &f.default {
            cx.error(
                default.span(),
                format!(
                    "`{}` fills `<{}>` in the path, which has no default",
                    p.ident, p.wire
                ),
            );
        }
    }
}

/// The span of `Option` in `Option<T>` (or of the whole type).
fn option_span(ty: &syn::Type) -> Span {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| ty.span(), |s| s.ident.span()),
        _ => ty.span(),
    }
}

/// The error for a placeholder no field binds, with the likeliest fix.
fn unbound(
    lit: &LitStr,
    name: &str,
    start: usize,
    end: usize,
    decl: &Declaration,
    params: &[Param],
) -> syn::Error {
    let wanted = snake_case(name);
    let by_ident = params.iter().find(|p| p.ident == wanted.as_str());
    let names = field_names(params);
    let by_typo = || {
        let near = nearest(&wanted, names.iter().map(String::as_str))?;
        let i = names.iter().position(|n| n == near)?;
        params.get(i)
    };
    let (label, help) = match by_ident.or_else(by_typo) {
        Some(p) if p.location == Location::Header => (
            format!("`{}` is a header parameter", p.ident),
            format!("a header parameter cannot fill a path segment; remove `header = \"{}\"` from `{}`, or bind `<{name}>` to another field", p.wire, p.ident),
        ),
        Some(p) if p.ident == wanted.as_str() => (
            format!("the field `{}` has the wire name `{}`", p.ident, p.wire),
            format!("mark it `#[twilio(rename = \"{name}\")]`"),
        ),
        Some(p) => (
            format!("did you mean `<{}>`?", p.wire),
            format!("the field `{}` binds `<{}>`; or mark it `#[twilio(rename = \"{name}\")]`", p.ident, p.wire),
        ),
        None => (
            format!("no field `{wanted}`"),
            format!("add a field `{wanted}` to `{}`, or mark an existing one `#[twilio(rename = \"{name}\")]`", decl.item.ident),
        ),
    };
    template::error_at(
        lit,
        start,
        end,
        &format!("no field for placeholder `<{name}>`"),
        &label,
        Some(&help),
    )
}

/// The field names, as written without `r#`, for "did you mean" suggestions.
fn field_names(params: &[Param]) -> Vec<String> {
    params
        .iter()
        .map(|p| p.ident.to_string().trim_start_matches("r#").to_owned())
        .collect()
}

/// Checks across fields: builder method names, wire names, headers and defaults.
fn fields(decl: &Declaration, params: &mut [Param], paged: bool, cx: &Ctxt) {
    for p in params.iter() {
        let name = p.ident.to_string();
        if BUILDER_METHODS.contains(&name.as_str()) || (paged && name == "stream") {
            cx.error_help(
                p.span,
                format!("a parameter field cannot be named `{name}`: the request builder has a method of that name"),
                format!("name the field otherwise (e.g. `{name}_`) and keep the wire name with `#[twilio(rename = \"{}\")]`", p.wire),
            );
        }
    }
    let account = params.iter().position(|p| p.account_default);
    let mut path: HashMap<&str, &Ident> = HashMap::new();
    let mut other: HashMap<String, &Ident> = HashMap::new();
    let mut shadowed = false;
    for p in params.iter() {
        let (seen, key) = match p.location {
            Location::Path => {
                if let Some(prev) = path.insert(p.wire.as_str(), &p.ident) {
                    cx.error(
                        p.span,
                        format!(
                            "`{}` and `{prev}` have the same wire name `{}`",
                            p.ident, p.wire
                        ),
                    );
                }
                continue;
            }
            // Header names compare without regard to case.
            Location::Header => (
                &mut other,
                format!("header:{}", p.wire.to_ascii_lowercase()),
            ),
            _ => (&mut other, p.wire.clone()),
        };
        if let Some(prev) = seen.insert(key, &p.ident) {
            cx.error(
                p.span,
                format!(
                    "`{}` and `{prev}` have the same wire name `{}`",
                    p.ident, p.wire
                ),
            );
        }
    }
    for p in params
        .iter()
        .filter(|p| !matches!(p.location, Location::Path | Location::Header))
    {
        if let Some(prev) = path.get(p.wire.as_str()) {
            // A body `AccountSid` beside the defaulted `<AccountSid>`: UpdateIncomingPhoneNumber
            // moves a number to another account. The path keeps the client's account.
            if account.is_some_and(|a| params[a].ident == **prev) {
                shadowed = true;
            } else {
                cx.error(
                    p.span,
                    format!(
                        "`{}` and `{prev}` have the same wire name `{}`: one fills the path",
                        p.ident, p.wire
                    ),
                );
            }
        }
    }
    if let (true, Some(a)) = (shadowed, account) {
        params[a].shadowed = true;
    }
    for (p, f) in params.iter().zip(&decl.fields) {
        if let Some(default) = &f.default {
            default_value(p, default, cx);
        }
        prefix(p, f, cx);
    }
}

/// `prefix = "…"` belongs on a `PrefixedMap` in a query or form, and a `PrefixedMap` needs one.
fn prefix(p: &Param, f: &ast::Field, cx: &Ctxt) {
    let is_map = type_name(&p.inner).as_deref() == Some("PrefixedMap");
    match &f.prefix {
        Some(lit) if !is_map => cx.error_help(
            lit.span(),
            format!("`{}` has a prefix but is not a `PrefixedMap`", p.ident),
            "a prefix names the pairs a `runtime::PrefixedMap` is sent as; remove it, or make the field a `PrefixedMap`",
        ),
        Some(lit) if f.query.is_some() => cx.error_help(
            lit.span(),
            format!("`{}` is a prefixed map in the query of a request with a body", p.ident),
            "no Twilio operation has one; remove `query` to send its pairs in the body",
        ),
        Some(lit) if !matches!(p.location, Location::Query | Location::Form) => cx.error_help(
            lit.span(),
            format!(
                "`{}` is a {} parameter; a prefixed map travels as query or form pairs",
                p.ident,
                p.location.as_str()
            ),
            "remove `prefix`, or move the field to a declaration without `body = json`",
        ),
        None if is_map => cx.error_help(
            p.span,
            format!("`{}` is a `PrefixedMap` without a prefix", p.ident),
            format!(
                "name the prefix its pairs travel under: `#[twilio(prefix = \"{}\")]`",
                p.wire.trim_end_matches("Data")
            ),
        ),
        _ => {}
    }
}

/// A declared default: only on an optional, non-path parameter, and of its type where the
/// type is plain enough to tell.
fn default_value(p: &Param, lit: &LitStr, cx: &Ctxt) {
    if p.location == Location::Path {
        return; // reported by `bind`
    }
    if p.required {
        cx.error_help(
            lit.span(),
            format!(
                "`{}` is required, so a server default never applies",
                p.ident
            ),
            "make the field an `Option`, or remove `default`",
        );
        return;
    }
    let value = lit.value();
    let fits = match type_name(&p.inner).as_deref() {
        Some("bool") => matches!(value.as_str(), "true" | "false"),
        Some("u8" | "u16" | "u32" | "u64" | "i32" | "i64") => match value.parse::<i128>() {
            Ok(n) => p.range.as_ref().is_none_or(|r| {
                r.min.is_none_or(|lo| n >= lo)
                    && r.max
                        .is_none_or(|hi| if r.inclusive { n <= hi } else { n < hi })
            }),
            Err(_) => false,
        },
        _ => true,
    };
    if !fits {
        cx.error(
            lit.span(),
            format!(
                "the default `{value}` is not a value of `{}`{}",
                type_text(&p.inner),
                if p.range.is_some() {
                    " in its range"
                } else {
                    ""
                }
            ),
        );
    }
}

fn rules(attr: &ast::Attr, params: &[Param], cx: &Ctxt) -> Vec<Rule> {
    let mut out = Vec::new();
    let names = field_names(params);
    for rule in &attr.rules {
        let keyword = rule.kind_keyword();
        let conditional = rule.kind.is_conditional();
        if rule.fields.len() < 2 && !conditional {
            cx.error(
                rule.keyword.span(),
                format!("`{keyword}(…)` names at least two fields"),
            );
            continue;
        }
        if rule.fields.is_empty() {
            cx.error(
                rule.keyword.span(),
                format!("`{keyword}(…)` names the fields it is about after its condition"),
            );
            continue;
        }
        let mut ok = true;
        let condition = rule
            .condition
            .as_ref()
            .and_then(|(field, values)| condition(keyword, field, values, params, &names, cx));
        if conditional && condition.is_none() {
            ok = false;
        }
        let mut members = Vec::new();
        for ident in &rule.fields {
            let Some(i) = field_index(keyword, ident, params, &names, cx) else {
                ok = false;
                continue;
            };
            let p = &params[i];
            if condition.as_ref().is_some_and(|(c, _)| *c == i) {
                cx.error(
                    ident.span(),
                    format!("`{keyword}`: `{ident}` is the field the rule depends on; list the fields it is about"),
                );
                ok = false;
            } else if members.contains(&i) {
                cx.error(
                    ident.span(),
                    format!("`{keyword}`: `{ident}` is named twice"),
                );
                ok = false;
            } else if p.location == Location::Path {
                cx.error(
                    ident.span(),
                    format!("`{keyword}`: `{ident}` fills the path; list optional body, query or header fields"),
                );
                ok = false;
            } else if p.required {
                cx.error(
                    ident.span(),
                    format!("`{keyword}`: `{ident}` is required anyway; list optional fields only"),
                );
                ok = false;
            }
            members.push(i);
        }
        if ok {
            out.push(Rule {
                kind: rule.kind,
                condition,
                members,
            });
        }
    }
    out
}

/// The field a rule names, by its index in `params`; `None` (the error reported, with the
/// nearest name) when there is no such field.
fn field_index(
    keyword: &str,
    ident: &Ident,
    params: &[Param],
    names: &[String],
    cx: &Ctxt,
) -> Option<usize> {
    let found = params.iter().position(|p| p.ident == *ident);
    if found.is_none() {
        let name = ident.to_string();
        let message = match nearest(&name, names.iter().map(String::as_str)) {
            Some(near) => format!("`{keyword}`: no field `{name}`; did you mean `{near}`?"),
            None => format!("`{keyword}`: no field `{name}`"),
        };
        cx.error(ident.span(), message);
    }
    found
}

/// The field a conditional rule depends on (an index into `params`) and its values, checked:
/// a field of the declaration that is not a list, and distinct, non-empty values.
fn condition(
    keyword: &str,
    field: &Ident,
    values: &[LitStr],
    params: &[Param],
    names: &[String],
    cx: &Ctxt,
) -> Option<(usize, Vec<String>)> {
    let i = field_index(keyword, field, params, names, cx)?;
    if params[i].list_item.is_some() {
        cx.error(
            field.span(),
            format!("`{keyword}`: `{field}` is a list; a rule depends on a field of one value"),
        );
        return None;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut ok = true;
    for value in values {
        let text = value.value();
        if text.is_empty() {
            cx.error(
                value.span(),
                format!("`{keyword}`: a value of `{field}` is not empty"),
            );
            ok = false;
        } else if seen.contains(&text) {
            cx.error(
                value.span(),
                format!("`{keyword}`: `{text}` is named twice"),
            );
            ok = false;
        }
        seen.push(text);
    }
    ok.then_some((i, seen))
}

impl ast::Rule {
    fn kind_keyword(&self) -> &'static str {
        self.kind.keyword()
    }
}
