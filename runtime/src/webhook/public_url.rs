//! [`PublicUrl`]: rebuilds the URL Twilio requested from configuration, not from the request.

use super::SignatureError;

/// The public base URL of a webhook endpoint, used to rebuild the exact URL Twilio signed.
///
/// Behind a TLS-terminating proxy or load balancer the app sees `http://10.0.0.5:8080/...`
/// while Twilio signed `https://example.com/...`; rebuilding the URL from the request's Host
/// header and scheme then fails every signature. So the app states its public base URL and
/// only the request's path and query are taken from the request. The forwarding headers
/// (RFC 7239 `Forwarded`, or `X-Forwarded-Proto` and `X-Forwarded-Host`) are ignored unless
/// [`trust_forwarded_headers`](Self::trust_forwarded_headers) is called: any client can send
/// them, so only honour them when your proxy overwrites them.
///
/// A base with a path (`https://example.com/twilio`) is a prefix: use it when the proxy strips
/// that prefix before the request reaches the app.
///
/// ```
/// use runtime::webhook::PublicUrl;
/// let public = PublicUrl::new("https://example.com/twilio/")?;
/// assert_eq!(
///     public.url_for("/pay/status?order=42"),
///     "https://example.com/twilio/pay/status?order=42"
/// );
/// // Forwarded headers are ignored unless trusted explicitly.
/// let seen = public.url_for_request("/pay", Some("http"), Some("evil.example"));
/// assert_eq!(seen, "https://example.com/twilio/pay");
/// let trusting = public.trust_forwarded_headers();
/// let seen = trusting.url_for_request("/pay", Some("https"), Some("pay.example.com"));
/// assert_eq!(seen, "https://pay.example.com/twilio/pay");
/// # Ok::<(), runtime::webhook::SignatureError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    scheme: String,
    authority: String,
    prefix: String,
    trust_forwarded: bool,
}

impl PublicUrl {
    /// Parses `scheme://host[:port][/prefix]`; a trailing `/` is dropped, a query or fragment
    /// is refused (they belong to each request).
    pub fn new(base: &str) -> Result<Self, SignatureError> {
        let (scheme, rest) = base
            .trim()
            .split_once("://")
            .ok_or(SignatureError::InvalidUrl(
                "public base URL needs scheme://host",
            ))?;
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return Err(SignatureError::InvalidUrl(
                "public base URL must be http or https",
            ));
        }
        if rest.contains(['?', '#']) {
            return Err(SignatureError::InvalidUrl(
                "public base URL cannot have a query or fragment",
            ));
        }
        let (authority, prefix) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        if authority.is_empty() || authority.contains(char::is_whitespace) {
            return Err(SignatureError::InvalidUrl("public base URL has no host"));
        }
        Ok(Self {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
            prefix: prefix.trim_end_matches('/').to_owned(),
            trust_forwarded: false,
        })
    }

    /// Opts in to the forwarding headers (`Forwarded`'s `proto` and `host`, else
    /// `X-Forwarded-Proto` and `X-Forwarded-Host`) replacing the configured scheme and host.
    /// Only safe when a proxy you control sets (overwrites) them.
    pub fn trust_forwarded_headers(mut self) -> Self {
        self.trust_forwarded = true;
        self
    }

    /// Whether forwarded headers are honoured.
    pub fn trusts_forwarded_headers(&self) -> bool {
        self.trust_forwarded
    }

    /// The public URL of a request whose path and query (as in the request line) are
    /// `path_and_query`.
    pub fn url_for(&self, path_and_query: &str) -> String {
        self.build(&self.scheme, &self.authority, path_and_query)
    }

    /// Like [`url_for`](Self::url_for), with the request's `X-Forwarded-Proto` and
    /// `X-Forwarded-Host` values, which count only when trusted. The first entry of a
    /// comma-separated list is used (the one the client-facing proxy wrote); a value that is
    /// not a plain scheme or host is ignored.
    pub fn url_for_request(
        &self,
        path_and_query: &str,
        forwarded_proto: Option<&str>,
        forwarded_host: Option<&str>,
    ) -> String {
        self.url_for_forwarded(path_and_query, None, forwarded_proto, forwarded_host)
    }

    /// Like [`url_for_request`](Self::url_for_request), also reading the standard RFC 7239
    /// `Forwarded` header (`Forwarded: proto=https;host=pay.example.com`, as nginx, Envoy and
    /// many load balancers can send): its first element's `proto` and `host`, where present,
    /// take precedence over the `X-Forwarded-*` values. All of them count only when trusted, and
    /// a value that is not a plain scheme or host is ignored.
    ///
    /// ```
    /// use runtime::webhook::PublicUrl;
    /// let public = PublicUrl::new("https://example.com")?.trust_forwarded_headers();
    /// let seen = public.url_for_forwarded(
    ///     "/pay?order=42",
    ///     Some(r#"for=192.0.2.60;proto=https;host="pay.example.com:8443", for=10.0.0.1"#),
    ///     None,
    ///     None,
    /// );
    /// assert_eq!(seen, "https://pay.example.com:8443/pay?order=42");
    /// # Ok::<(), runtime::webhook::SignatureError>(())
    /// ```
    pub fn url_for_forwarded(
        &self,
        path_and_query: &str,
        forwarded: Option<&str>,
        forwarded_proto: Option<&str>,
        forwarded_host: Option<&str>,
    ) -> String {
        if !self.trust_forwarded {
            return self.url_for(path_and_query);
        }
        let (standard_proto, standard_host) = forwarded.map(forwarded_element).unwrap_or_default();
        let scheme = standard_proto
            .or(forwarded_proto.map(first_entry))
            .filter(|p| p.eq_ignore_ascii_case("https") || p.eq_ignore_ascii_case("http"))
            .unwrap_or(&self.scheme);
        let authority = standard_host
            .or(forwarded_host.map(first_entry))
            .filter(|h| is_plain_host(h))
            .unwrap_or(&self.authority);
        self.build(scheme, authority, path_and_query)
    }

    fn build(&self, scheme: &str, authority: &str, path_and_query: &str) -> String {
        let slash = if path_and_query.starts_with('/') {
            ""
        } else {
            "/"
        };
        format!(
            "{scheme}://{authority}{}{slash}{path_and_query}",
            self.prefix
        )
    }
}

/// `proto` and `host` of the first element of an RFC 7239 `Forwarded` header: the element the
/// client-facing proxy wrote. Values may be quoted; a quoted value with escapes is not a plain
/// scheme or host anyway, and is left for the caller's check to refuse.
fn forwarded_element(header: &str) -> (Option<&str>, Option<&str>) {
    let (mut proto, mut host) = (None, None);
    for pair in first_entry(header).split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        match name.trim() {
            n if n.eq_ignore_ascii_case("proto") => proto = Some(value),
            n if n.eq_ignore_ascii_case("host") => host = Some(value),
            _ => {}
        }
    }
    (proto, host)
}

fn first_entry(header: &str) -> &str {
    header.split(',').next().unwrap_or("").trim()
}

fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_bases() {
        assert!(PublicUrl::new("example.com").is_err());
        assert!(PublicUrl::new("ftp://example.com").is_err());
        assert!(PublicUrl::new("https://example.com/?a=1").is_err());
        assert!(PublicUrl::new("https:///x").is_err());
    }

    #[test]
    fn the_standard_forwarded_header_wins_over_x_forwarded() {
        let p = PublicUrl::new("https://example.com/hooks")
            .expect("valid")
            .trust_forwarded_headers();
        // Names are case-insensitive, values may be quoted; the first element counts.
        assert_eq!(
            p.url_for_forwarded(
                "/x",
                Some("For=1.2.3.4; Proto=http; Host=\"edge.example:8080\", proto=https"),
                Some("https"),
                Some("other.example"),
            ),
            "http://edge.example:8080/hooks/x"
        );
        // A `Forwarded` without host leaves the host to `X-Forwarded-Host`.
        assert_eq!(
            p.url_for_forwarded("/x", Some("proto=https"), None, Some("xf.example")),
            "https://xf.example/hooks/x"
        );
        // Odd values are ignored, as with the X- headers.
        assert_eq!(
            p.url_for_forwarded("/x", Some("proto=gopher;host=\"a b\""), None, None),
            "https://example.com/hooks/x"
        );
        // Untrusted, nothing counts.
        let untrusting = PublicUrl::new("https://example.com").expect("valid");
        assert_eq!(
            untrusting.url_for_forwarded("/x", Some("proto=http;host=evil.example"), None, None),
            "https://example.com/x"
        );
    }

    #[test]
    fn ignores_odd_forwarded_values() {
        let p = PublicUrl::new("https://example.com")
            .expect("valid")
            .trust_forwarded_headers();
        assert_eq!(
            p.url_for_request("/x", Some("gopher"), Some("a.example/evil")),
            "https://example.com/x"
        );
        assert_eq!(
            p.url_for_request("x", Some(" http , https"), Some("a.example:8443, b")),
            "http://a.example:8443/x"
        );
    }
}
