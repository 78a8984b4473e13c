//! OAuth2 client credentials for the products that take a bearer token instead of Basic
//! (`auth = oauth2`: the Organizations API of `preview-iam`).
//!
//! The token comes from Twilio's OAuth token endpoint (`POST /v2/token` on `oauth`, the
//! `twilio_oauth_v2` spec's `CreateToken`: form-encoded `grant_type=client_credentials`, the
//! client id and secret; no Authorization), where twilio-python 9.13's org token manager gets
//! it too; the Organizations spec's own `tokenUrl` names `preview-iam`'s `/v1/token`, which it
//! also declares. Routed like any request, so a base URL or `host_base_url("oauth", …)` sends
//! it to a mock too. It is fetched on first use and kept until shortly before it expires; callers
//! waiting at the same time share one fetch (the lock is held across it). A 401 answer drops
//! the token that got it, once per call. The secret and the token live in `SecretString` and
//! sensitive header values: never in `Debug`, errors or traces.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::client::Client;
use crate::endpoint::CallOptions;
use crate::error::{Error, ErrorKind, Outcome};

/// The host label and path of the token endpoint.
pub(crate) const TOKEN_HOST: &str = "oauth";
/// See [`TOKEN_HOST`].
pub(crate) const TOKEN_PATH: &str = "/v2/token";
/// A token this close to its expiry is fetched again: it could expire on the way.
const MARGIN: Duration = Duration::from_secs(30);

/// The client credentials and the token they got.
pub(crate) struct OAuth2 {
    client_id: String,
    client_secret: SecretString,
    token: tokio::sync::Mutex<Option<Token>>,
}

struct Token {
    /// `Bearer …`, marked sensitive.
    header: HeaderValue,
    /// When it stops working, if the answer said; a token without one is kept until a 401.
    expires: Option<SystemTime>,
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl OAuth2 {
    /// Checks the credentials.
    pub(crate) fn new(client_id: String, client_secret: SecretString) -> Result<Self, Error> {
        if client_id.trim().is_empty() || client_secret.expose_secret().is_empty() {
            return Err(Error::config("the OAuth2 client id or secret is empty"));
        }
        Ok(Self {
            client_id,
            client_secret,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The form body of a token request.
    fn form(&self) -> Result<String, Error> {
        serde_html_form::to_string([
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
        ])
        .map_err(|_| Error::config("the OAuth2 client id or secret cannot be form-encoded"))
    }
}

impl Client {
    /// The `Authorization` value for an `auth = oauth2` request: the cached token, or a new one
    /// when there is none, it is about to expire, or it is `stale` (the one a 401 answered).
    pub(crate) async fn bearer(
        &self,
        stale: Option<&HeaderValue>,
        options: &CallOptions,
    ) -> Result<HeaderValue, Error> {
        let Some(oauth) = &self.inner.oauth2 else {
            return Err(Error::config(
                "this endpoint authenticates with OAuth2: set ClientBuilder::oauth2(client_id, client_secret)",
            ));
        };
        let mut cached = oauth.token.lock().await;
        if let Some(token) = cached.as_ref() {
            let fresh = token
                .expires
                .is_none_or(|at| SystemTime::now() + MARGIN < at);
            if fresh && Some(&token.header) != stale {
                return Ok(token.header.clone());
            }
        }
        *cached = None;
        let form = oauth.form()?;
        // Boxed: fetching a token sends a request, and sending may fetch a token.
        let answer: serde_json::Value =
            Box::pin(self.post_form_unauthenticated(TOKEN_HOST, TOKEN_PATH, form, options)).await?;
        let token = read_token(&answer)?;
        let header = token.header.clone();
        *cached = Some(token);
        Ok(header)
    }
}

/// The token of a token endpoint's answer, and when it expires: the JWT's `exp` claim when the
/// token is a JWT (what twilio-python reads), else `expires_in` seconds from now.
fn read_token(answer: &serde_json::Value) -> Result<Token, Error> {
    let missing = || {
        Error::new(
            ErrorKind::Decode {
                status: 200,
                message: "the token endpoint's answer has no access_token".into(),
                body_excerpt: String::new(),
            },
            Outcome::Processed,
            false,
        )
    };
    let access = answer["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(missing)?;
    let mut header = HeaderValue::from_str(&format!("Bearer {access}")).map_err(|_| missing())?;
    header.set_sensitive(true);
    let expires = jwt_expiry(access).or_else(|| {
        // Seconds, as RFC 6749 says; a larger number (the spec's example is a timestamp in
        // milliseconds) says nothing usable.
        let secs = answer["expires_in"]
            .as_u64()
            .filter(|s| *s <= 366 * 86_400)?;
        Some(SystemTime::now() + Duration::from_secs(secs))
    });
    Ok(Token { header, expires })
}

/// The `exp` claim of a JWT (read, not verified: the server checks it).
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims["exp"].as_u64()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(exp: u64) -> String {
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!(r#"{{"sub":"OQ1","exp":{exp}}}"#));
        format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2ln")
    }

    #[test]
    fn expiry_comes_from_the_jwt_then_expires_in() {
        let t = read_token(&serde_json::json!({"access_token": jwt(2_000_000_000)})).expect("t");
        assert_eq!(
            t.expires,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
        assert!(t.header.is_sensitive());
        let opaque = read_token(&serde_json::json!({"access_token": "opaque", "expires_in": 3600}))
            .expect("t");
        let left = opaque
            .expires
            .expect("expiry")
            .duration_since(SystemTime::now())
            .expect("future");
        assert!(left > Duration::from_secs(3500) && left <= Duration::from_secs(3600));
        let odd = read_token(
            &serde_json::json!({"access_token": "opaque", "expires_in": 1438315200000u64}),
        )
        .expect("t");
        assert_eq!(odd.expires, None);
        assert!(read_token(&serde_json::json!({"token_type": "bearer"})).is_err());
    }

    #[test]
    fn debug_shows_the_client_id_only() {
        let o = OAuth2::new("OQ1".into(), SecretString::from("s3cr3t-value")).expect("o");
        let text = format!("{o:?}");
        assert!(text.contains("OQ1") && !text.contains("s3cr3t"), "{text}");
        assert!(OAuth2::new("OQ1".into(), SecretString::from("")).is_err());
    }
}
