//! Caller → gateway: who is calling, from the request's `Authorization` header or the
//! console's session cookie. This decision is separate from gateway → Twilio (the configured
//! credentials, added when forwarding): nothing the caller sends is ever passed upstream.

use std::sync::Arc;

use base64::Engine as _;
use http::HeaderMap;

use crate::keyring::Key;
use crate::refusal::Refusal;
use crate::session::{cookie_value, CONSOLE_HEADER};
use crate::state::Live;

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// HTTP Basic.
    Basic,
    /// A bearer token.
    Bearer,
    /// The console's session cookie.
    Session,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Its key.
    pub key: Arc<Key>,
    /// How it authenticated.
    pub via: Via,
}

/// Authenticates a request. A request with an `Authorization` header is judged by it alone;
/// otherwise the session cookie counts, and only with `X-Twilio-Console: 1`.
pub fn authenticate(live: &Live, headers: &HeaderMap) -> Result<Caller, Refusal> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| Refusal::unauthenticated())?;
        let (scheme, rest) = text.split_once(' ').ok_or_else(Refusal::unauthenticated)?;
        let rest = rest.trim();
        let (key, via) = if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest)
                .map_err(|_| Refusal::unauthenticated())?;
            let decoded = String::from_utf8(decoded).map_err(|_| Refusal::unauthenticated())?;
            let (user, secret) = decoded
                .split_once(':')
                .ok_or_else(Refusal::unauthenticated)?;
            (live.keyring.basic(user, secret), Via::Basic)
        } else if scheme.eq_ignore_ascii_case("bearer") {
            (live.keyring.bearer(rest), Via::Bearer)
        } else {
            (None, Via::Basic)
        };
        return key
            .map(|key| Caller { key, via })
            .ok_or_else(Refusal::unauthenticated);
    }
    if let Some(value) = cookie_value(headers) {
        let mut refusal = Refusal::unauthenticated();
        refusal.challenge = false;
        refusal.message =
            "The console session has expired or its key was revoked: sign in again".into();
        let id = live.sessions.verify(value).ok_or_else(|| refusal.clone())?;
        let key = live.keyring.get(id).cloned().ok_or(refusal)?;
        if !console_header(headers) {
            return Err(Refusal::forbidden(
                "Requests authenticated by the console's session cookie must carry `X-Twilio-Console: 1`",
            ));
        }
        return Ok(Caller {
            key,
            via: Via::Session,
        });
    }
    Err(Refusal::unauthenticated())
}

/// Whether the request carries `X-Twilio-Console: 1`.
pub fn console_header(headers: &HeaderMap) -> bool {
    headers
        .get(CONSOLE_HEADER)
        .is_some_and(|v| v.as_bytes() == b"1")
}
