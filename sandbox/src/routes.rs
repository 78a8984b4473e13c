//! The HTTP side: one handler that matches Twilio's paths, then the Calls and Payments
//! endpoints.

use std::sync::Arc;
use std::time::Instant;

use api::payments::{Create, Status, Update};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use runtime::{CallSid, PaymentSid};
use time::OffsetDateTime;

use crate::caller;
use crate::cards::TestCard;
use crate::delivery::Outbox;
use crate::error::{json_response, ErrorNote, Failure};
use crate::events::{RequestRecord, SandboxEvent};
use crate::pace::CallerPace;
use crate::params::{
    check_create_enums, check_create_rules, form_pairs, known, missing, parse, value,
};
use crate::session::{new_sid, CaptureStart, Phase, Session};
use crate::store::{call_resource, remember, replay, Answer, Shared};

/// Every request, whatever answers it (a handler or axum's own refusals), gets a
/// `Twilio-Request-Id` and a line in the log.
pub(crate) async fn log_request(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    // The path only: it holds SIDs, never a secret (the query is not logged).
    let path: String = request.uri().path().chars().take(512).collect();
    let mut response = next.run(request).await;
    let request_id = new_sid("RQ");
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("Twilio-Request-Id", value);
    }
    let note = response.extensions().get::<ErrorNote>().cloned();
    shared.hub.emit(SandboxEvent::Request(RequestRecord {
        method,
        path,
        status: response.status().as_u16(),
        error_code: note.as_ref().map(|n| n.code),
        error_message: note.map(|n| n.message),
        request_id,
        duration: started.elapsed(),
    }));
    response
}

/// The one handler: Twilio's paths have `.json` glued to SIDs, so the path is matched by hand.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match route(&shared, &method, uri.path(), &headers, &body) {
        Ok((status, body)) => json_response(status, &body),
        Err(failure) => failure.into_response(),
    }
}

fn route(
    shared: &Arc<Shared>,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    shared.credentials.check(headers)?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (account, rest) = match segments.as_slice() {
        ["2010-04-01", "Accounts", account, rest @ ..] => (*account, rest),
        _ => return Err(Failure::not_found(path)),
    };
    if account != shared.account.as_str() {
        // Valid credentials, someone else's account: Twilio answers as if it did not exist.
        return Err(Failure::not_found(path));
    }
    let post = || {
        if method == Method::POST {
            Ok(())
        } else {
            Err(Failure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                20004,
                // Twilio allows more on these paths (listing calls, say); the sandbox plays
                // pay sessions only, and says so rather than pose as Twilio refusing.
                format!(
                    "Method {method} not allowed on {path} by the local sandbox: it plays pay \
                     sessions (create, fetch and update a call; create and update a payment)"
                ),
            ))
        }
    };
    match rest {
        ["Calls.json"] => {
            post()?;
            create_call(shared, body)
        }
        ["Calls", call] if call.ends_with(".json") => {
            let sid = CallSid::new(call.trim_end_matches(".json"))
                .map_err(|_| Failure::not_found(path))?;
            if method == Method::GET {
                let store = shared.lock();
                let call = store
                    .calls
                    .get(&sid)
                    .ok_or_else(|| Failure::not_found(path))?;
                return Ok((StatusCode::OK, call_resource(&shared.account, call)));
            }
            post()?;
            update_call(shared, &sid, body, path)
        }
        ["Calls", call, "Payments.json"] => {
            post()?;
            create_payment(shared, account, call, body, path)
        }
        ["Calls", call, "Payments", pk] if pk.ends_with(".json") => {
            post()?;
            update_payment(
                shared,
                account,
                call,
                pk.trim_end_matches(".json"),
                body,
                path,
            )
        }
        _ => Err(Failure::not_found(path)),
    }
}

fn create_call(shared: &Shared, body: &[u8]) -> Answer {
    let form = form_pairs(body)?;
    let to = value(&form, "To").ok_or_else(|| missing("To"))?;
    let from = value(&form, "From").ok_or_else(|| missing("From"))?;
    if ["Url", "Twiml", "ApplicationSid"]
        .iter()
        .all(|k| value(&form, k).is_none())
    {
        return Err(Failure::bad_request(
            21205,
            "One of Url, Twiml or ApplicationSid is required",
        ));
    }
    // Sandbox extensions (raw clients only: the official helpers and the gateway send declared
    // parameters alone, so for them the To and From numbers choose, see MagicNumber).
    let card = value(&form, "SandboxTestCard")
        .map(|v| v.parse::<TestCard>())
        .transpose()
        .map_err(|e| Failure::bad_request(20001, format!("SandboxTestCard: {e}")))?;
    let pace = value(&form, "SandboxCallerPace")
        .map(|v| v.parse::<CallerPace>())
        .transpose()
        .map_err(|e| Failure::bad_request(20001, format!("SandboxCallerPace: {e}")))?;
    let choice = shared.choose(
        to,
        from,
        card,
        pace,
        ("SandboxTestCard", "SandboxCallerPace"),
    );
    let sid = shared.new_call(choice, to, from);
    let store = shared.lock();
    let call = store
        .calls
        .get(&sid)
        .ok_or_else(|| Failure::not_found("/Calls"))?;
    Ok((StatusCode::CREATED, call_resource(&shared.account, call)))
}

fn update_call(shared: &Shared, sid: &CallSid, body: &[u8], path: &str) -> Answer {
    let form = form_pairs(body)?;
    match value(&form, "Status") {
        Some("completed" | "canceled") => shared
            .end_call(sid)
            .map(|b| (StatusCode::OK, b))
            .ok_or_else(|| Failure::not_found(path)),
        Some(other) => Err(Failure::bad_request(
            20001,
            format!("Status must be completed or canceled, got {other:?}"),
        )),
        None => {
            let store = shared.lock();
            let call = store
                .calls
                .get(sid)
                .ok_or_else(|| Failure::not_found(path))?;
            Ok((StatusCode::OK, call_resource(&shared.account, call)))
        }
    }
}

fn create_payment(shared: &Shared, account: &str, call: &str, body: &[u8], path: &str) -> Answer {
    let params: Create = parse(body, &[("AccountSid", account), ("CallSid", call)])?;
    check_create_enums(&params)?;
    let canonical = serde_html_form::to_string(&params).unwrap_or_default();
    let scope = (path.to_owned(), params.idempotency_key.as_str().to_owned());
    let callback = shared.resolve_callback(&params.status_callback)?;
    let now = OffsetDateTime::now_utc();
    let mut guard = shared.lock();
    let store = &mut *guard;
    if let Some(answer) = replay(store, &scope, &canonical) {
        return answer;
    }
    let call = store
        .calls
        .get_mut(&params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    if !call.in_progress {
        return Err(call_not_in_progress(&params.call_sid));
    }
    if let Some(open) = &call.open_session {
        return Err(Failure::bad_request(
            64021,
            format!(
                "A pay session ({open}) is already in progress on this call (session-in-progress)"
            ),
        ));
    }
    check_create_rules(shared, &params)?;
    let sid = loop {
        // Proof of invariant: `new_sid` returns the prefix and 32 hex digits.
        let sid = PaymentSid::new(&new_sid("PK")).unwrap_or_else(|_| unreachable!());
        if !store.sessions.contains_key(&sid) {
            break sid;
        }
    };
    call.open_session = Some(sid);
    let session = Session {
        sid,
        account_sid: shared.account,
        call_sid: params.call_sid,
        created: now,
        updated: now,
        card: call.card.clone(),
        params,
        phase: Phase::Open,
        captured: Vec::new(),
        outbox: Some(Outbox::start(
            shared.http.clone(),
            shared.token.clone(),
            shared.stats.clone(),
            shared.hub.clone(),
            shared.config.retry,
        )),
        last_callback: Some(callback),
        keying: None,
        keying_seq: 0,
    };
    let body = session.resource();
    store.sessions.insert(sid, session);
    remember(store, scope, canonical, StatusCode::CREATED, &body);
    Ok((StatusCode::CREATED, body))
}

fn call_not_in_progress(sid: &CallSid) -> Failure {
    Failure::bad_request(
        21220,
        format!("Call {sid} is not in progress: cannot start or update a pay session"),
    )
}

fn update_payment(
    shared: &Arc<Shared>,
    account: &str,
    call: &str,
    pk: &str,
    body: &[u8],
    path: &str,
) -> Answer {
    let params: Update = parse(
        body,
        &[("AccountSid", account), ("CallSid", call), ("Sid", pk)],
    )?;
    if let Some(v) = &params.capture {
        known(
            "Capture",
            v.as_str(),
            v.is_known(),
            api::payments::Capture::VALUES,
        )?;
    }
    if let Some(v) = &params.status {
        known("Status", v.as_str(), v.is_known(), Status::VALUES)?;
    }
    if params.capture.is_some() == params.status.is_some() {
        return Err(Failure::bad_request(
            20001,
            "Set exactly one of Capture and Status",
        ));
    }
    let canonical = serde_html_form::to_string(&params).unwrap_or_default();
    let scope = (path.to_owned(), params.idempotency_key.as_str().to_owned());
    let callback = shared.resolve_callback(&params.status_callback)?;
    let now = OffsetDateTime::now_utc();
    let mut guard = shared.lock();
    let store = &mut *guard;
    if let Some(answer) = replay(store, &scope, &canonical) {
        return answer;
    }
    let session = store
        .sessions
        .get_mut(&params.sid)
        .filter(|s| s.call_sid == params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    let call = store
        .calls
        .get_mut(&params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    if !call.in_progress {
        return Err(call_not_in_progress(&params.call_sid));
    }
    session.ensure_open()?;
    if let Some(capture) = &params.capture {
        session.check_capture(capture)?;
    }
    session.last_callback = Some(callback.clone());
    let mut events = Vec::new();
    match (&params.capture, &params.status) {
        (Some(capture), _) => {
            // Asking for a field cuts off the one being keyed (the agent may re-prompt at any
            // point; what happens to the half-keyed field is our assumption, see the README).
            caller::interrupted(shared, session, &format!("Capture={capture}"));
            match session.begin_capture(capture, now) {
                CaptureStart::Refused(form) => events.push(form),
                // The call's pace now: it may have changed since the session started.
                CaptureStart::Keying(keying) if call.pace.is_instant() => {
                    events.extend(session.key_in_at_once(&keying, now));
                }
                CaptureStart::Keying(keying) => {
                    caller::start(shared, session, keying, call.pace, callback.clone());
                }
            }
        }
        (None, Some(Status::Complete)) => events.push(session.complete(now)?),
        _ => {
            caller::interrupted(shared, session, "Status=cancel");
            session.phase = Phase::Cancelled;
            session.updated = now;
        }
    }
    if let Some(outbox) = &session.outbox {
        for form in events {
            outbox.send(&callback, form);
        }
    }
    if session.phase != Phase::Open {
        // The session is over: free the call and let the worker finish its queue.
        session.outbox = None;
        call.open_session = None;
    }
    let body = session.resource();
    remember(store, scope, canonical, StatusCode::ACCEPTED, &body);
    Ok((StatusCode::ACCEPTED, body))
}
