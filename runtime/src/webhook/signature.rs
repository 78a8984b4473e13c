//! The X-Twilio-Signature algorithm: base64(HMAC-SHA1(auth token, URL + sorted name+value
//! pairs)), plus the signing helpers a test server or local sandbox needs to send callbacks.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::strict_form::parse_pairs;
use super::SignatureError;

/// Computes the signature Twilio sends for a request to `url` with form `params` (empty for GET
/// and JSON callbacks, whose parameters are in the URL). Names are sorted; a repeated name
/// contributes each of its distinct values, sorted.
pub fn compute_signature<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
) -> String {
    let pairs = sorted_pairs(params);
    base64::engine::general_purpose::STANDARD.encode(mac(auth_token.as_bytes(), url, &pairs))
}

/// Signs a raw form body as Twilio would: the body is decoded into its parameters first, so
/// the signature does not depend on how the body was percent-encoded.
///
/// ```
/// use runtime::webhook::{compute_form_body_signature, Validator};
/// let url = "https://example.com/pay/status";
/// let body = b"Sid=PK123&Capture=payment-card-number";
/// let signature = compute_form_body_signature("token", url, body)?;
/// Validator::new("token").validate_form_body(url, body, Some(&signature))?;
/// # Ok::<(), runtime::webhook::SignatureError>(())
/// ```
pub fn compute_form_body_signature(
    auth_token: &str,
    url: &str,
    form_body: &[u8],
) -> Result<String, SignatureError> {
    Ok(compute_signature(auth_token, url, &parse_pairs(form_body)?))
}

/// The lowercase hex SHA-256 of a raw body, as Twilio puts it in `bodySHA256`.
pub fn body_sha256_hex(raw_body: &[u8]) -> String {
    let digest = Sha256::digest(raw_body);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The URL Twilio signs for a JSON body: `url` with `bodySHA256=<hex>` appended to its query
/// (before any fragment). Sign it with [`compute_signature`] and no parameters.
///
/// ```
/// use runtime::webhook::{compute_signature, json_signing_url, Validator};
/// let body = br#"{"status":"ok"}"#;
/// let url = json_signing_url("https://example.com/hook?a=1", body);
/// assert!(url.starts_with("https://example.com/hook?a=1&bodySHA256="));
/// let signature = compute_signature("token", &url, &[] as &[(&str, &str)]);
/// Validator::new("token").validate_json(&url, body, Some(&signature))?;
/// # Ok::<(), runtime::webhook::SignatureError>(())
/// ```
pub fn json_signing_url(url: &str, raw_body: &[u8]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, query)) if query.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}bodySHA256={}", body_sha256_hex(raw_body));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The pairs in signing order: sorted by name then value, duplicates dropped.
pub(crate) fn sorted_pairs<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The raw HMAC-SHA1 over the URL and the already sorted pairs.
pub(crate) fn mac(key: &[u8], url: &str, sorted: &[(&str, &str)]) -> [u8; 20] {
    // Proof of invariant: HMAC accepts keys of any length, so this never fails.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_the_body_hash_to_any_query_shape() {
        let h = body_sha256_hex(b"");
        assert_eq!(
            h,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            json_signing_url("https://h/p", b""),
            format!("https://h/p?bodySHA256={h}")
        );
        assert_eq!(
            json_signing_url("https://h/p?", b""),
            format!("https://h/p?bodySHA256={h}")
        );
        assert_eq!(
            json_signing_url("https://h/p?a=1#f", b""),
            format!("https://h/p?a=1&bodySHA256={h}#f")
        );
    }
}
