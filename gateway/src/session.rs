//! Console sessions: a signed, expiring cookie naming a gateway key, so the console page
//! never holds a secret. The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no
//! other site's page sends it) and carries only the key id, an expiry and an HMAC-SHA256 over
//! both with the gateway's session key. Revoking the key ends its sessions: every request
//! looks the key up again.
//!
//! Stateless: instances that share `console.session_secret` accept each other's sessions.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie's name.
pub const COOKIE: &str = "twilio_gateway_session";

/// The header the console sends with every REST call; a cross-site form cannot set it.
pub const CONSOLE_HEADER: &str = "x-twilio-console";

/// Signs and checks session cookies.
#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
    lifetime: Duration,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Signer {
    /// A signer with this key (32 bytes or more, hex) or a random one.
    pub fn new(secret_hex: Option<&str>, lifetime: Duration) -> Result<Self, String> {
        let key = match secret_hex {
            None => crate::keys::random::<32>().map_err(|e| format!("random source: {e}"))?,
            Some(hex) => {
                let bytes = decode_hex(hex.trim())
                    .filter(|b| b.len() >= 32)
                    .ok_or("console.session_secret must be at least 64 hex digits (32 bytes)")?;
                let digest = <Sha256 as sha2::Digest>::digest(&bytes);
                digest.into()
            }
        };
        Ok(Self { key, lifetime })
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        // Proof of invariant: HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(payload.as_bytes());
        mac
    }

    /// A cookie value for `key_id`.
    pub fn issue(&self, key_id: &str) -> String {
        let payload = format!("v1.{key_id}.{}", now() + self.lifetime.as_secs());
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{payload}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The key id of a valid, unexpired cookie value.
    pub fn verify<'a>(&self, value: &'a str) -> Option<&'a str> {
        let (payload, tag) = value.rsplit_once('.')?;
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(tag)
            .ok()?;
        self.mac(payload).verify_slice(&tag).ok()?;
        let mut parts = payload.split('.');
        let (Some("v1"), Some(id), Some(expiry), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        (expiry.parse::<u64>().ok()? > now()).then_some(id)
    }

    /// The `Set-Cookie` value for a session; `Secure` when the gateway is served over https.
    pub fn set_cookie(&self, value: &str, secure: bool) -> String {
        format!(
            "{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
            self.lifetime.as_secs(),
            if secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that ends a session.
    pub fn clear_cookie(secure: bool) -> String {
        format!(
            "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
            if secure { "; Secure" } else { "" }
        )
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The session cookie's value among the request's cookies.
pub fn cookie_value(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_verify_until_they_expire_and_resist_tampering() {
        let signer = Signer::new(None, Duration::from_secs(60)).expect("signer");
        let value = signer.issue("SKabc");
        assert_eq!(signer.verify(&value), Some("SKabc"));
        let forged = value.replacen("SKabc", "SKabd", 1);
        assert_eq!(signer.verify(&forged), None);
        let other = Signer::new(None, Duration::from_secs(60)).expect("signer");
        assert_eq!(other.verify(&value), None, "another instance's random key");
        let expired = Signer::new(None, Duration::ZERO).expect("signer");
        assert_eq!(expired.verify(&expired.issue("SKabc")), None);
        let cookie = signer.set_cookie(&value, false);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    }

    #[test]
    fn a_shared_secret_makes_instances_agree() {
        let hex = "ab".repeat(32);
        let a = Signer::new(Some(&hex), Duration::from_secs(60)).expect("signer");
        let b = Signer::new(Some(&hex), Duration::from_secs(60)).expect("signer");
        assert_eq!(b.verify(&a.issue("SKx")), Some("SKx"));
        assert!(Signer::new(Some("abcd"), Duration::from_secs(1)).is_err());
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            http::HeaderValue::from_static("a=1; twilio_gateway_session=v1.x.y.z; b=2"),
        );
        assert_eq!(cookie_value(&headers), Some("v1.x.y.z"));
    }
}
