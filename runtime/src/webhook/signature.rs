//! The X-Twilio-Signature algorithm: base64(HMAC-SHA1(auth token, URL + sorted name+value
//! pairs)).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Computes the signature Twilio sends for a request to `url` with form `params` (empty for GET
/// and JSON callbacks, whose parameters are in the URL). Names are sorted; a repeated name
/// contributes each of its distinct values, sorted.
pub fn compute_signature<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    // Proof of invariant: HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(auth_token.as_bytes())
        .unwrap_or_else(|_| unreachable!());
    mac.update(url.as_bytes());
    for (k, v) in pairs {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
