//! [`Validator`]: checks `X-Twilio-Signature` against one or more auth tokens.

use std::fmt;

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use subtle::{Choice, ConstantTimeEq};

use super::default_port::url_variants;
use super::signature::{body_sha256_hex, mac, sorted_pairs};
use super::strict_form::{parse_pairs, query_of};
use super::SignatureError;

/// Checks Twilio webhook signatures.
///
/// Holds one or more auth tokens: the primary and secondary token while rotating, or the
/// tokens of subaccounts whose traffic reaches the same endpoint. A request is accepted when
/// any token signs it, with the URL as given or with its default port (`:443`/`:80`) added or
/// removed. Comparisons are constant-time; no input makes it panic.
///
/// The URL must be the one Twilio requested (see [`PublicUrl`](super::PublicUrl) behind a
/// proxy).
///
/// ```
/// use runtime::webhook::{compute_signature, Validator};
/// let url = "https://example.com/pay/status";
/// let params = [("Sid", "PK123"), ("Result", "success")];
/// let signature = compute_signature("old-token", url, &params);
/// let validator = Validator::new("new-token").with_token("old-token");
/// assert!(validator.validate(url, &params, Some(&signature)).is_ok());
/// assert!(Validator::new("new-token").validate(url, &params, Some(&signature)).is_err());
/// ```
#[derive(Clone)]
pub struct Validator {
    tokens: Vec<SecretString>,
}

impl Validator {
    /// A validator accepting signatures made with `auth_token`.
    pub fn new(auth_token: impl Into<SecretString>) -> Self {
        Self {
            tokens: vec![auth_token.into()],
        }
    }

    /// Also accepts signatures made with `auth_token` (a secondary token during rotation, or a
    /// subaccount's token).
    pub fn with_token(mut self, auth_token: impl Into<SecretString>) -> Self {
        self.tokens.push(auth_token.into());
        self
    }

    /// How many tokens this validator holds.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// Validates a form POST (`params` decoded from the body) or a GET callback (`params`
    /// empty: the parameters are in the URL's query, which is signed as part of the URL).
    pub fn validate<K: AsRef<str>, V: AsRef<str>>(
        &self,
        url: &str,
        params: &[(K, V)],
        signature: Option<&str>,
    ) -> Result<(), SignatureError> {
        let expected = decode_signature(signature)?;
        let variants = url_variants(url)?;
        let pairs = sorted_pairs(params);
        let mut matched = Choice::from(0);
        for variant in &variants {
            for token in &self.tokens {
                let token = token.expose_secret();
                // An empty token would let anyone sign; it never matches.
                if token.is_empty() {
                    continue;
                }
                matched |= mac(token.as_bytes(), variant, &pairs).ct_eq(&expected);
            }
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }

    /// Validates a form POST from its raw `application/x-www-form-urlencoded` body.
    pub fn validate_form_body(
        &self,
        url: &str,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<(), SignatureError> {
        // Check presence and shape first, so a missing header is reported as such even when the
        // body is also unreadable.
        decode_signature(signature)?;
        let params = parse_pairs(raw_body)?;
        self.validate(url, &params, signature)
    }

    /// Validates a request with a JSON body: the signature covers the URL alone, whose query
    /// carries `bodySHA256`, the hex SHA-256 of the RAW body (not of re-serialised JSON).
    pub fn validate_json(
        &self,
        url: &str,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<(), SignatureError> {
        self.validate(url, &[] as &[(&str, &str)], signature)?;
        let query = query_of(url).ok_or(SignatureError::MissingBodyHash)?;
        let pairs = parse_pairs(query.as_bytes()).map_err(|_| SignatureError::MissingBodyHash)?;
        let signed_hash = pairs
            .iter()
            .find(|(name, _)| name == "bodySHA256")
            .map(|(_, value)| value.to_ascii_lowercase())
            .ok_or(SignatureError::MissingBodyHash)?;
        let actual = body_sha256_hex(raw_body);
        if bool::from(actual.as_bytes().ct_eq(signed_hash.as_bytes())) {
            Ok(())
        } else {
            Err(SignatureError::BodyHashMismatch)
        }
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("tokens", &format_args!("[{} redacted]", self.tokens.len()))
            .finish()
    }
}

/// The 20 bytes of the header's HMAC-SHA1. Strict base64: non-canonical encodings are refused.
fn decode_signature(signature: Option<&str>) -> Result<[u8; 20], SignatureError> {
    let signature = signature.ok_or(SignatureError::Missing)?.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| SignatureError::Malformed)?;
    <[u8; 20]>::try_from(bytes.as_slice()).map_err(|_| SignatureError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_tokens() {
        let v = Validator::new("primary-secret").with_token("secondary-secret");
        let text = format!("{v:?}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("2 redacted"), "{text}");
    }

    #[test]
    fn empty_token_never_matches() {
        let url = "https://h/p";
        let sig = super::super::compute_signature("", url, &[] as &[(&str, &str)]);
        assert_eq!(
            Validator::new("").validate(url, &[] as &[(&str, &str)], Some(&sig)),
            Err(SignatureError::Mismatch)
        );
    }
}
