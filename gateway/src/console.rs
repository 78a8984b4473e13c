//! The console's mount point and its sessions.
//!
//! The gateway owns the sessions: `POST /console/session` trades a gateway key for an
//! `HttpOnly; SameSite=Strict` cookie (`GET` says who is signed in, `DELETE` signs out). On
//! loopback with the embedded sandbox, the console's pages hand out a session for the
//! sandbox's built-in key without asking for one, so `cargo run -p gateway` opens a working
//! console; the `Host` must then be a loopback name too, so a page on another site that
//! resolves its name to 127.0.0.1 (DNS rebinding) gets nothing.
//!
//! The pages themselves come from the console crate (`console::router`), behind the same
//! auto-session layer; its callback inbox (`console::callback_router`) is mounted without
//! caller authentication (Twilio and the sandbox post to it) and checks the signature itself
//! with the upstream's auth token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::app::Shared;
use crate::refusal::Refusal;
use crate::session::{cookie_value, Signer};
use crate::state::Live;

/// The console's routes, sessions included.
pub fn routes(shared: Arc<Shared>, console: console::Console) -> Router<Arc<Shared>> {
    let pages = console::router::<Arc<Shared>>(console.clone())
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            console_api_caller,
        ))
        .route_layer(axum::middleware::from_fn_with_state(shared, auto_session));
    Router::new()
        .route("/", get(|| async { Redirect::to("/console/") }))
        .route(
            "/console/session",
            get(show_session).post(create_session).delete(end_session),
        )
        .merge(pages)
        .merge(console::callback_router::<Arc<Shared>>(console))
}

/// The console for the gateway's upstream: the account prefilled, the upstream named, callback
/// signatures checked with its auth token (not with an API key: Twilio signs with the token).
pub fn console_for(live: &Live, upstream: &crate::state::Upstream) -> Option<console::Console> {
    use secrecy::ExposeSecret;
    let mut config = console::ConsoleConfig::new(live.accounts.main.clone());
    let token = match upstream {
        crate::state::Upstream::Sandbox { auth_token, .. } => {
            config.upstream = "the embedded sandbox: no real calls or charges".to_owned();
            config.sign_in = false;
            Some(auth_token.expose_secret().to_owned())
        }
        crate::state::Upstream::Twilio(t) => t.auth_token.clone(),
    };
    config.callback_validator = token.map(runtime::webhook::Validator::new);
    config.public_url = runtime::webhook::PublicUrl::new(&live.public_url).ok();
    console::Console::new(config).ok()
}

/// The console's JSON helpers (`/console/api/…`: checks, snippets, the callbacks an inbox
/// received) answer only a caller the REST surface would accept: a gateway key, or the
/// session cookie with `X-Twilio-Console: 1` (which no other site's page can send without the
/// browser asking first). The pages themselves stay open: they hold no data and hand out
/// the loopback session.
pub async fn console_api_caller(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/console/api/") {
        let live = shared.live.load();
        if let Err(mut refusal) = crate::caller::authenticate(&live, request.headers()) {
            // No login dialog for the console's own requests.
            refusal.challenge = false;
            return refusal.into_response();
        }
    }
    next.run(request).await
}

/// Adds a session cookie for the built-in key to a console page answered on loopback with the
/// embedded sandbox, when the request has no valid session.
pub async fn auto_session(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let grant = auto_session_key(&shared, &request);
    let mut response = next.run(request).await;
    if let Some((value, secure)) = grant {
        let live = shared.live.load();
        if let Ok(cookie) = HeaderValue::from_str(&live.sessions.set_cookie(&value, secure)) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

fn auto_session_key(shared: &Shared, request: &Request) -> Option<(String, bool)> {
    let builtin = shared.source.builtin.as_ref()?;
    let live = shared.live.load();
    if has_session(&live, request.headers()) || !loopback(request) {
        return None;
    }
    Some((live.sessions.issue(&builtin.id), live.secure()))
}

fn has_session(live: &Live, headers: &HeaderMap) -> bool {
    cookie_value(headers)
        .and_then(|v| live.sessions.verify(v))
        .is_some_and(|id| live.keyring.get(id).is_some())
}

/// The peer is on loopback and so is the name it asked for.
fn loopback(request: &Request) -> bool {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback());
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    peer && matches!(name, "localhost" | "127.0.0.1" | "::1")
}

/// A request's form body, read as `(name, value)` pairs.
fn form(body: &Bytes) -> Result<Vec<(String, String)>, Refusal> {
    crate::request::decode_pairs(body, "form body")
}

/// Refuses a session request another site's page could have sent.
fn same_origin(headers: &HeaderMap) -> Result<(), Refusal> {
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    let origin_mismatch = match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or_default();
            let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
            origin_host != host.to_str().unwrap_or_default()
        }
        (Some(_), None) => true,
        _ => false,
    };
    if cross_site || origin_mismatch {
        return Err(Refusal::forbidden(
            "Console sessions are only given to the console's own pages",
        ));
    }
    Ok(())
}

/// `POST /console/session`: `key=<key id>:<secret>` (or `key_id` + `secret`) → a session
/// cookie. On loopback with the embedded sandbox, no key is needed.
async fn create_session(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Result<Response, Refusal> {
    same_origin(request.headers())?;
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let auto = auto_session_key(&shared, &request).is_some();
    let live = shared.live.load_full();
    let body =
        crate::request::read_body(request.into_body(), 16 * 1024, live.limits.body_timeout).await?;
    let pairs = form(&body)?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let key = match (field("key"), field("key_id"), field("secret")) {
        (Some(both), _, _) => {
            let (id, secret) = both
                .split_once(':')
                .or_else(|| both.split_once('.'))
                .ok_or_else(Refusal::unauthenticated)?;
            live.keyring.basic(id, secret)
        }
        (None, Some(id), Some(secret)) => live.keyring.basic(&id, &secret),
        (None, _, _) if auto => shared
            .source
            .builtin
            .as_ref()
            .and_then(|b| live.keyring.get(&b.id).cloned()),
        _ => None,
    };
    let mut refusal = Refusal::unauthenticated();
    refusal.challenge = false;
    let key = key.ok_or(refusal)?;
    key.take()
        .map_err(|wait| Refusal::rate_limited(&key.name, wait))?;
    let value = live.sessions.issue(&key.id);
    let cookie = HeaderValue::from_str(&live.sessions.set_cookie(&value, live.secure()))
        .map_err(|_| Refusal::bad_request("The session cannot be set"))?;
    let mut response = if wants_html {
        Redirect::to("/console/").into_response()
    } else {
        session_json(&live, &key).into_response()
    };
    response.headers_mut().append(header::SET_COOKIE, cookie);
    tracing::info!(target: "gateway::audit", key = %key.name, key_id = %key.id, "console session started");
    Ok(response)
}

fn session_json(live: &Live, key: &crate::keyring::Key) -> impl IntoResponse {
    let body = serde_json::json!({
        "key": key.name,
        "key_id": key.id,
        "allow": key.allow.patterns().iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "account_sid": key.account.as_deref().unwrap_or(&live.accounts.main),
    });
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
}

/// `GET /console/session`: who the session belongs to (never a secret).
async fn show_session(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let live = shared.live.load_full();
    let mut refusal = Refusal::unauthenticated();
    refusal.challenge = false;
    let key = cookie_value(&headers)
        .and_then(|v| live.sessions.verify(v))
        .and_then(|id| live.keyring.get(id).cloned())
        .ok_or(refusal)?;
    Ok(session_json(&live, &key).into_response())
}

/// `DELETE /console/session`: signs out.
async fn end_session(State(shared): State<Arc<Shared>>) -> Response {
    let secure = shared.live.load().secure();
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&Signer::clear_cookie(secure)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
