//! The console's JSON helpers and the callback receiver.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use runtime::param::{ListStyle, Location, Scalar};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Operation};
use crate::check::Checked;
use crate::snippet::{self, Call, Snippets, Target};
use crate::Console;

/// Form fields whose names start with this are the console's own controls, not parameters.
pub(crate) const CONTROL_PREFIX: &str = "_";

#[derive(Serialize)]
struct CheckAnswer {
    ok: bool,
    problems: Vec<crate::Problem>,
    request: Option<crate::WireRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippets: Option<Snippets>,
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "message": format!("{what} is not a declared operation") })),
    )
        .into_response()
}

/// `POST /console/api/check/{operation}`: the form (URL-encoded, wire names, a list as
/// repeated keys) checked by the declaration, and the request it encodes to.
pub(crate) async fn check(
    State(console): State<Console>,
    Path(operation): Path<String>,
    body: Bytes,
) -> Response {
    let Some(op) = catalog::find(&operation) else {
        return not_found(&operation);
    };
    let (pairs, _) = read_form(&op, &body);
    let checked = console.checker().check(&op, pairs).await;
    Json(answer(checked, None)).into_response()
}

/// `POST /console/api/snippets/{operation}`: the check and every snippet. The control field
/// `_target` chooses where the snippets send (`gateway`, the default, or `twilio`).
pub(crate) async fn snippets(
    State(console): State<Console>,
    Path(operation): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(op) = catalog::find(&operation) else {
        return not_found(&operation);
    };
    let (pairs, controls) = read_form(&op, &body);
    let target = match controls
        .iter()
        .find(|(k, _)| k == "_target")
        .map(|(_, v)| v.as_str())
    {
        Some("twilio") => Target::Twilio,
        _ => Target::Gateway {
            origin: origin(&console, &headers),
        },
    };
    let checked = console.checker().check(&op, pairs).await;
    let snippets = render_snippets(&console, op, &checked, &target);
    Json(answer(checked, Some(snippets))).into_response()
}

pub(crate) fn render_snippets(
    console: &Console,
    op: Operation,
    checked: &Checked,
    target: &Target,
) -> Snippets {
    let call = Call::new(op, checked, &console.config().account_sid);
    snippet::all(&call, target)
}

fn answer(checked: Checked, snippets: Option<Snippets>) -> CheckAnswer {
    CheckAnswer {
        ok: checked.is_ok(),
        problems: checked.problems,
        request: checked.request,
        snippets,
    }
}

/// `(name, value)` pairs in order.
pub(crate) type Pairs = Vec<(String, String)>;

/// Reads the page's form: parameter pairs (a joined list's repeated inputs joined with its
/// separator, as it travels) and the console's control fields.
pub(crate) fn read_form(op: &Operation, body: &[u8]) -> (Pairs, Pairs) {
    let all: Vec<(String, String)> = serde_html_form::from_bytes(body).unwrap_or_default();
    let (controls, pairs): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(k, _)| k.starts_with(CONTROL_PREFIX));
    (join_lists(op, pairs), controls)
}

/// Repeated inputs of a joined list become its one wire value; empty inputs are dropped.
pub(crate) fn join_lists(op: &Operation, pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs {
        if value.is_empty() {
            continue;
        }
        let joined = op.info.param(&name).and_then(|p| match p.kind.list {
            Some(ListStyle::Joined(sep)) => Some(sep),
            _ => None,
        });
        match joined {
            Some(sep) => match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => {
                    v.push_str(sep);
                    v.push_str(&value);
                }
                None => out.push((name, value)),
            },
            None => out.push((name, value)),
        }
    }
    out
}

/// The origin the browser reached the console at: the configured public URL, else the
/// request's `Host` over http (the gateway on loopback).
pub(crate) fn origin(console: &Console, headers: &HeaderMap) -> String {
    if let Some(public) = &console.config().public_url {
        return public.url_for("").trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

#[derive(Serialize)]
struct NextLink {
    title: String,
    operation: String,
    method: &'static str,
    href: String,
}

/// `GET /console/api/next?call_sid=CA…&sid=PK…&StatusCallback=…`: the operations whose path
/// the SIDs of an answer fill, with links that prefill them (and carry a `StatusCallback`).
pub(crate) async fn next(State(console): State<Console>, uri: Uri) -> Response {
    let given: Vec<(String, String)> = uri
        .query()
        .map(|q| serde_html_form::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let sids: Vec<&str> = given
        .iter()
        .map(|(_, v)| v.as_str())
        .filter(|v| looks_like_sid(v))
        .collect();
    let callback = given
        .iter()
        .find(|(k, _)| k == "StatusCallback")
        .map(|(_, v)| v.clone());
    let account = sids
        .iter()
        .find(|s| s.starts_with("AC"))
        .map_or(console.config().account_sid.clone(), |s| (*s).to_owned());
    let mut links = Vec::new();
    for op in catalog::operations() {
        let mut prefill: Vec<(String, String)> = Vec::new();
        let mut uses_answer = false;
        let mut complete = true;
        for p in op
            .info
            .params
            .iter()
            .filter(|p| p.location == Location::Path)
        {
            let Scalar::Sid(prefix) = p.kind.scalar else {
                complete &= !p.required;
                continue;
            };
            if prefix == "AC" {
                prefill.push((p.wire_name.to_owned(), account.clone()));
                continue;
            }
            let accepted = crate::catalog::sid_prefixes(prefix);
            match sids
                .iter()
                .find(|s| accepted.iter().any(|p| s.starts_with(p)))
            {
                Some(sid) => {
                    prefill.push((p.wire_name.to_owned(), (*sid).to_owned()));
                    uses_answer = true;
                }
                None => complete &= !p.required,
            }
        }
        if !uses_answer || !complete {
            continue;
        }
        if let Some(cb) = &callback {
            if op.info.param("StatusCallback").is_some() {
                prefill.push(("StatusCallback".to_owned(), cb.clone()));
            }
        }
        let query = serde_html_form::to_string(&prefill).unwrap_or_default();
        links.push(NextLink {
            title: op.title(),
            operation: op.id(),
            method: op.info.method.as_str(),
            href: format!("/console/op/{}?{query}", op.id()),
        });
    }
    Json(serde_json::json!({ "links": links })).into_response()
}

/// Two upper-case letters and 32 hex digits.
pub(crate) fn looks_like_sid(v: &str) -> bool {
    v.len() == 34
        && v.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && v.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

#[derive(Deserialize)]
pub(crate) struct After {
    #[serde(default)]
    after: u64,
}

/// `GET /console/api/callbacks/{inbox}?after=N`: callbacks received after `N`.
pub(crate) async fn callbacks(
    State(console): State<Console>,
    Path(inbox): Path<String>,
    Query(after): Query<After>,
) -> Response {
    match console.inboxes().list(&inbox, after.after) {
        Some(entries) => Json(serde_json::json!({ "entries": entries })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "message": "no such inbox" })),
        )
            .into_response(),
    }
}

/// `POST /console/callbacks/{inbox}`: a status callback. Accepted (204) only for an open
/// inbox and, when the console knows the upstream's auth token, a valid signature (403
/// otherwise; the callback is kept, marked invalid, so the page can say so).
pub(crate) async fn receive_callback(
    State(console): State<Console>,
    Path(inbox): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !crate::inbox::is_id(&inbox) || !console.inboxes().is_open(&inbox) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if body.len() > 64 * 1024 {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&body).unwrap_or_default();
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    let verdict = match &console.config().validator() {
        Some(validator) => {
            let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
            let url = format!("{}{path_and_query}", origin(&console, &headers));
            match validator.validate_form_body(&url, &body, signature) {
                Ok(()) => "valid",
                Err(_) => "invalid",
            }
        }
        None => "unchecked",
    };
    console.inboxes().push(&inbox, verdict, pairs);
    if verdict == "invalid" {
        StatusCode::FORBIDDEN.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

impl crate::ConsoleConfig {
    fn validator(&self) -> Option<&runtime::webhook::Validator> {
        self.callback_validator.as_ref()
    }
}
