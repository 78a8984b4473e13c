//! The REST surface: every request to a Twilio path goes through the same steps, each of
//! which may refuse it before anything is sent upstream:
//!
//! 1. the request target (no absolute URL, no path tricks, not overlong) → 400 / 414;
//! 2. caller authentication with a gateway key → 401 (403 for a cookie without
//!    `X-Twilio-Console: 1`);
//! 3. the key's rate limit → 429 with `Retry-After`;
//! 4. the operation, matched by method and path template → 404 / 405;
//! 5. the key's allow-list and accounts → 403;
//! 6. the body (cap, deadline, content type, strict decoding) → 413 / 400 / 415;
//! 7. the declaration's own parameter check → 400 with every refused parameter, made as the
//!    declaration rebuilds the request (once) to send it;
//!
//! then the rebuilt request is sent with the configured credentials (gateway → Twilio), and
//! the answer comes back as it came, page links pointing back here.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::app::Shared;
use crate::audit::{self, Record};
use crate::caller::{self, Via};
use crate::matcher::Match;
use crate::refusal::{Reason, Refusal};
use crate::state::Live;
use crate::{pages, request};
use runtime::RawAnswer;

/// The handler behind every path that is not the gateway's own.
pub async fn rest(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let started = Instant::now();
    let _in_flight = shared.metrics.start();
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let mut record = Record::default();
    let response = match shared.permits.clone().try_acquire_owned() {
        Err(_) => Err(Refusal::unavailable(
            "The gateway is at its limit of requests in flight; nothing was sent, try again",
        )),
        Ok(_permit) => handle(&shared, request, &mut record).await,
    };
    let response = match response {
        Ok(response) => response,
        Err(refusal) => {
            record.refused = Some(refusal.reason.as_str());
            let mut refusal = refusal;
            if record.via == Some("session") {
                refusal.challenge = false;
            }
            refusal.into_response()
        }
    };
    let mut response = response;
    // Answers are one caller's data, fetched with credentials the caller does not hold: no
    // shared cache may keep them.
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    let status = response.status().as_u16();
    shared
        .metrics
        .request(record.operation.as_deref().unwrap_or("unknown"), status);
    if let Some(reason) = record.refused {
        shared.metrics.refusal(reason);
    }
    // The audit line names the operation's template (its values are in `account` and
    // `params`); a path no operation matched is cut to its first two segments.
    let logged = match record.template.take() {
        Some(template) => template,
        None => coarse(&path),
    };
    audit::emit(&record, &method, &logged, status, started.elapsed());
    response
}

/// The first two segments of a path no operation matched (`/2010-04-01/…`).
fn coarse(path: &str) -> String {
    let mut segments = path.splitn(4, '/');
    let kept: Vec<&str> = segments.by_ref().take(3).collect();
    let mut out: String = kept.join("/").chars().take(64).collect();
    if segments.next().is_some() {
        out.push_str("/…");
    }
    out
}

async fn handle(
    shared: &Shared,
    request: Request,
    record: &mut Record,
) -> Result<Response, Refusal> {
    let live = shared.live.load_full();
    let (parts, body) = request.into_parts();
    request::check_target(&parts.uri, live.limits.max_uri_bytes)?;

    let caller = caller::authenticate(&live, &parts.headers)?;
    record.key = Some(caller.key.name.clone());
    record.key_id = Some(caller.key.id.clone());
    record.via = Some(match caller.via {
        Via::Basic => "basic",
        Via::Bearer => "bearer",
        Via::Session => "session",
    });
    caller
        .key
        .take()
        .map_err(|wait| Refusal::rate_limited(&caller.key.name, wait))?;

    let path = parts.uri.path();
    let matched = match shared.matcher.find(parts.method.as_str(), path) {
        Match::Found(m) => m,
        Match::WrongMethod(methods) => {
            return Err(Refusal::method_not_allowed(parts.method.as_str(), &methods))
        }
        Match::NotFound => return Err(Refusal::not_found()),
    };
    let op = matched.operation;
    record.operation = Some(op.name.clone());
    record.template = Some(op.surface.clone());
    if !caller.key.allow.allows(&op.name) {
        return Err(Refusal::forbidden(format!(
            "Gateway key {:?} may not call {}",
            caller.key.name, op.name
        )));
    }
    let path_values = request::path_values(&matched.values)?;
    check_accounts(&live, &caller.key, op, &path_values, record)?;

    let body =
        request::read_body(body, live.limits.max_body_bytes, live.limits.body_timeout).await?;
    let wire = request::wire_input(op, path_values, parts.uri.query(), &parts.headers, &body)?;
    record.params = audit::params(op, &wire);

    // The declaration checks the request as it rebuilds it for sending (step 7): one rebuild,
    // and a refusal means nothing went upstream.
    let sent = Instant::now();
    let answer = match live.forwarder.forward(op, &wire).await {
        Err(refused) if refused.reason != Reason::Upstream => return Err(refused),
        answer => answer,
    };
    let took = sent.elapsed();
    record.forwarded = true;
    shared.metrics.upstream(&op.name, took);
    record.upstream = Some(took);
    let answer = answer?;
    record.upstream_request_id = answer
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("twilio-request-id"))
        .map(|(_, v)| v.clone());
    Ok(respond(answer, &live, op))
}

/// The account SIDs in the path must be ones the key may act on: the configured account or
/// an allowed subaccount, or only its own subaccount for a key bound to one.
fn check_accounts(
    live: &Live,
    key: &crate::keyring::Key,
    op: &crate::operation::Operation,
    values: &[(String, String)],
    record: &mut Record,
) -> Result<(), Refusal> {
    if key.account.is_some() && !op.names_account() {
        return Err(Refusal::forbidden(format!(
            "Gateway key {:?} is bound to a subaccount, and {} acts on the main account",
            key.name, op.name
        )));
    }
    for name in &op.account_params {
        let Some((_, sid)) = values.iter().find(|(n, _)| n == name) else {
            continue;
        };
        record.account = Some(sid.clone());
        let allowed = match &key.account {
            Some(bound) => bound == sid,
            None => live.accounts.contains(sid),
        };
        if !allowed {
            // Quoted back only when it is a well-formed SID: the value is the caller's text.
            let named = if is_sid(sid, "AC") {
                sid.as_str()
            } else {
                "named in the path"
            };
            return Err(Refusal::forbidden(format!(
                "Gateway key {:?} may not act on account {named}",
                key.name
            )));
        }
    }
    Ok(())
}

fn is_sid(text: &str, prefix: &str) -> bool {
    text.len() == 34 && text.starts_with(prefix) && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The upstream answer as it came: status, the headers a proxy keeps, the body (page links
/// pointed back at the gateway).
fn respond(answer: RawAnswer, live: &Live, op: &crate::operation::Operation) -> Response {
    let body = if pages::may_link(&answer.body) {
        let host = op.info.host;
        let upstream = live.forwarder.client().host_url(host).unwrap_or_default();
        let links = pages::Links {
            public_url: &live.public_url,
            host,
            upstream: &upstream,
        };
        pages::rewrite(answer.body, &links)
    } else {
        answer.body
    };
    let mut response = Body::from(body).into_response();
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    // `RawAnswer` keeps only the headers a proxy passes on (Content-Type, Retry-After,
    // `Twilio-*`, `X-Twilio-*`).
    for (name, value) in &answer.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(n, v);
        }
    }
    response
}
