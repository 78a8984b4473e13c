//! The URL with and without its default port: Twilio signs whichever form it requested, and
//! which one that is varies, so a validator accepts both.
//!
//! Done on the string, not with a URL parser: parsers normalise (drop default ports,
//! re-encode `'` in queries), and the signature covers the exact bytes Twilio used.

use std::borrow::Cow;

use super::SignatureError;

/// The URL as given, then the same URL with the scheme's default port added or removed (only
/// for `http`/`https`, and only when the port present is the default one).
pub(crate) fn url_variants(url: &str) -> Result<Vec<Cow<'_, str>>, SignatureError> {
    let parts = split_authority(url)?;
    let default_port = if parts.scheme.eq_ignore_ascii_case("https") {
        Some("443")
    } else if parts.scheme.eq_ignore_ascii_case("http") {
        Some("80")
    } else {
        None
    };
    let mut variants = vec![Cow::Borrowed(url)];
    if let Some(default_port) = default_port {
        match parts.port {
            Some(port) if port == default_port => {
                variants.push(Cow::Owned(format!("{}{}", parts.before_port, parts.tail)));
            }
            Some(_) => {}
            None => variants.push(Cow::Owned(format!(
                "{}:{default_port}{}",
                parts.before_port, parts.tail
            ))),
        }
    }
    Ok(variants)
}

/// An absolute URL cut around its port.
struct Parts<'a> {
    scheme: &'a str,
    /// Everything up to the end of the host (scheme, `://`, userinfo, host).
    before_port: &'a str,
    /// The port's digits, without the colon.
    port: Option<&'a str>,
    /// Path, query and fragment.
    tail: &'a str,
}

fn split_authority(url: &str) -> Result<Parts<'_>, SignatureError> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or(SignatureError::InvalidUrl("no scheme://"))?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Err(SignatureError::InvalidUrl("bad scheme"));
    }
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_len);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let host_port = &authority[host_start..];
    if host_port.is_empty() {
        return Err(SignatureError::InvalidUrl("no host"));
    }
    // An IPv6 literal contains colons; the port colon comes after its closing bracket.
    let search_from = host_port.rfind(']').map_or(0, |bracket| bracket + 1);
    let colon = host_port[search_from..].rfind(':').map(|i| i + search_from);
    let scheme_and_sep = scheme.len() + 3;
    let host_end = scheme_and_sep + host_start + colon.unwrap_or(host_port.len());
    let port = colon.map(|c| &host_port[c + 1..]);
    Ok(Parts {
        scheme,
        before_port: &url[..host_end],
        port,
        tail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants(url: &str) -> Vec<String> {
        url_variants(url)
            .expect("valid")
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    #[test]
    fn adds_and_removes_default_ports() {
        assert_eq!(
            variants("https://h.example/p?q=1"),
            ["https://h.example/p?q=1", "https://h.example:443/p?q=1"]
        );
        assert_eq!(
            variants("https://h.example:443/p"),
            ["https://h.example:443/p", "https://h.example/p"]
        );
        assert_eq!(variants("http://h:80"), ["http://h:80", "http://h"]);
        assert_eq!(variants("HTTP://h?x"), ["HTTP://h?x", "HTTP://h:80?x"]);
        assert_eq!(variants("https://h:8443/p"), ["https://h:8443/p"]);
        assert_eq!(
            variants("https://u:p@h/p"),
            ["https://u:p@h/p", "https://u:p@h:443/p"]
        );
        assert_eq!(
            variants("https://[::1]:443/p"),
            ["https://[::1]:443/p", "https://[::1]/p"]
        );
        assert_eq!(variants("wss://h/p"), ["wss://h/p"]);
    }

    #[test]
    fn refuses_relative_urls() {
        assert!(url_variants("/pay/status").is_err());
        assert!(url_variants("://h/p").is_err());
        assert!(url_variants("https:///p").is_err());
        assert!(url_variants("").is_err());
    }
}
