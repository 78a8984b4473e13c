//! HTTP Basic auth against the sandbox account: SID + auth token, or the API key + secret.

use axum::http::{header, HeaderMap};
use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::error::Failure;

/// The credentials the sandbox issues. `Debug` hides the token and the secret.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) account_sid: String,
    pub(crate) auth_token: String,
    pub(crate) api_key_sid: String,
    pub(crate) api_key_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("api_key_sid", &self.api_key_sid)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Checks the `Authorization` header; 401 20003 unless it holds one of the two pairs.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), Failure> {
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(Failure::unauthenticated)?;
        let encoded = value
            .strip_prefix("Basic ")
            .ok_or_else(Failure::unauthenticated)?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| Failure::unauthenticated())?;
        let text = String::from_utf8(decoded).map_err(|_| Failure::unauthenticated())?;
        let (user, password) = text.split_once(':').ok_or_else(Failure::unauthenticated)?;
        let matches = |u: &str, p: &str| {
            // Compare both parts in constant time, and always both.
            let user_ok = user.as_bytes().ct_eq(u.as_bytes());
            let pass_ok = password.as_bytes().ct_eq(p.as_bytes());
            bool::from(user_ok & pass_ok)
        };
        if matches(&self.account_sid, &self.auth_token)
            | matches(&self.api_key_sid, &self.api_key_secret)
        {
            Ok(())
        } else {
            Err(Failure::unauthenticated())
        }
    }
}
