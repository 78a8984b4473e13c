//! Where each product's requests go.
//!
//! A declaration names its product's host by the first label (`api`, `verify`, `flex-api`:
//! [`EndpointInfo::host`](crate::EndpointInfo::host)). Without a base URL a host is Twilio's
//! own, `https://{host}.twilio.com`, or `https://{host}.{edge}.{region}.twilio.com` with a
//! region or edge (as the official helpers build them). A base URL routes every product under
//! one origin: `api` at `{base}{path}`, any other host at `{base}/{host}{path}`, so the
//! `/v1/Services` of nine products never collide. A per-host URL wins over both.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Outcome, TransportError};

/// The routing table of a client, checked when it was built.
#[derive(Debug, Clone)]
pub(crate) struct Routes {
    /// The base URL every product lives under, when one is set.
    custom: Option<url::Url>,
    /// `.{edge}.{region}` (or empty) between a host's label and `.twilio.com`.
    suffix: String,
    /// Hosts routed on their own (`host_base_url`), each to `{url}{path}`.
    overrides: Vec<(String, url::Url)>,
    /// The routed base of `api`, parsed once: the common case clones it and nothing else.
    api: url::Url,
}

impl Routes {
    /// Checks the settings: every URL http(s) without credentials, every host a label.
    pub(crate) fn new(
        base_url: Option<&str>,
        region: Option<&str>,
        edge: Option<&str>,
        overrides: &[(String, String)],
    ) -> Result<Self, Error> {
        // An edge alone means the default region, as the official helpers do.
        let region = match (region, edge) {
            (None, Some(_)) => Some("us1"),
            (r, _) => r,
        };
        let mut suffix = String::new();
        for part in [edge, region].into_iter().flatten() {
            if !is_label(part) {
                return Err(Error::config(format!(
                    "region and edge are host name labels (`ie1`, `dublin`); got {part:?}"
                )));
            }
            suffix.push('.');
            suffix.push_str(part);
        }
        let custom = base_url.map(|u| parse_base("base URL", u)).transpose()?;
        let mut routed = Vec::with_capacity(overrides.len());
        for (host, url) in overrides {
            if !is_label(host) {
                return Err(Error::config(format!(
                    "host_base_url: {host:?} is not a product host label (`verify`, `flex-api`)"
                )));
            }
            let parsed = parse_base(&format!("base URL of host {host}"), url)?;
            routed.retain(|(h, _): &(String, url::Url)| h != host);
            routed.push((host.clone(), parsed));
        }
        let twilio_api =
            url::Url::parse("https://api.twilio.com").map_err(|e| Error::config(e.to_string()))?;
        let mut routes = Self {
            custom,
            suffix,
            overrides: routed,
            api: twilio_api,
        };
        routes.api = routes.compute("api")?;
        Ok(routes)
    }

    /// The routed base of `host`: requests go to this URL with the request path after its path.
    pub(crate) fn base(&self, host: &str) -> Result<Cow<'_, url::Url>, Error> {
        if host == "api" {
            return Ok(Cow::Borrowed(&self.api));
        }
        match self.overrides.iter().find(|(h, _)| h == host) {
            Some((_, url)) => Ok(Cow::Borrowed(url)),
            None => self.compute(host).map(Cow::Owned),
        }
    }

    /// The base of `host` from the settings (`self.api` is Twilio's `api` until `new` sets it).
    fn compute(&self, host: &str) -> Result<url::Url, Error> {
        if let Some((_, url)) = self.overrides.iter().find(|(h, _)| h == host) {
            return Ok(url.clone());
        }
        if !is_label(host) {
            // The macro checks declared hosts; a hand-built registry entry might not be one.
            return Err(unusable(&format!("host {host:?}")));
        }
        Ok(match &self.custom {
            Some(base) if host == "api" => base.clone(),
            Some(base) => {
                let mut url = base.clone();
                url.set_path(&format!("{}/{host}", base.path().trim_end_matches('/')));
                url
            }
            None => {
                let mut url = self.api.clone();
                url.set_host(Some(&format!("{host}{}.twilio.com", self.suffix)))
                    .map_err(|_| unusable(&format!("host {host:?}")))?;
                url
            }
        })
    }

    /// The base of `api` as text, without a trailing `/`: what `Client::base_url` shows.
    pub(crate) fn api_text(&self) -> &str {
        self.api.as_str().trim_end_matches('/')
    }

    /// The base of `api`, parsed (for the proxy's loopback exemption).
    pub(crate) fn api(&self) -> &url::Url {
        &self.api
    }

    /// The URL of `target` (a path with its query) on `host`.
    pub(crate) fn url(&self, host: &str, target: &str) -> Result<url::Url, Error> {
        url(&*self.base(host)?, target)
    }
}

/// A host name label: lower-case letters, digits and inner hyphens.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn parse_base(what: &str, given: &str) -> Result<url::Url, Error> {
    let trimmed = given.trim_end_matches('/');
    let parsed =
        url::Url::parse(trimmed).map_err(|e| Error::config(format!("{what} {trimmed:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https")
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
    {
        return Err(Error::config(format!(
            "the {what} must be http(s) without credentials, query or fragment in it"
        )));
    }
    Ok(parsed)
}

/// Nothing can be sent to `what`.
fn unusable(what: &str) -> Error {
    Error::new(
        ErrorKind::Transport(TransportError::new(format!("unusable {what}"), true)),
        Outcome::NotSent,
        false,
    )
}

/// The request URL: `base` with a path and query after its own path. Only those two parts are
/// parsed per request, not the scheme and host again. Paths and queries this crate writes are
/// always valid; a page link from a server might not be, and is then normalised the way
/// browsers do, by percent-encoding.
fn url(base: &url::Url, target: &str) -> Result<url::Url, Error> {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    if target.contains('#') || !path.starts_with('/') {
        return Err(unusable(&format!("request target {target:?}")));
    }
    let mut url = base.clone();
    match base.path().trim_end_matches('/') {
        "" => url.set_path(path),
        prefix => url.set_path(&format!("{prefix}{path}")),
    }
    url.set_query(query);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(base: Option<&str>, region: Option<&str>, edge: Option<&str>) -> Routes {
        Routes::new(base, region, edge, &[]).expect("routes")
    }

    fn at(r: &Routes, host: &str, path: &str) -> String {
        r.url(host, path).expect("url").to_string()
    }

    #[test]
    fn twilio_hosts_follow_region_and_edge_for_every_product() {
        let plain = routes(None, None, None);
        assert_eq!(plain.api_text(), "https://api.twilio.com");
        assert_eq!(
            at(&plain, "verify", "/v2/Services"),
            "https://verify.twilio.com/v2/Services"
        );
        let ie1 = routes(None, Some("ie1"), None);
        assert_eq!(ie1.api_text(), "https://api.ie1.twilio.com");
        assert_eq!(
            at(&ie1, "flex-api", "/v1/Configuration"),
            "https://flex-api.ie1.twilio.com/v1/Configuration"
        );
        let edge = routes(None, None, Some("dublin"));
        assert_eq!(edge.api_text(), "https://api.dublin.us1.twilio.com");
        assert_eq!(
            at(&edge, "verify", "/v2/Services"),
            "https://verify.dublin.us1.twilio.com/v2/Services"
        );
        let both = routes(None, Some("ie1"), Some("dublin"));
        assert_eq!(
            at(&both, "verify", "/v2/Services?PageSize=5"),
            "https://verify.dublin.ie1.twilio.com/v2/Services?PageSize=5"
        );
        assert!(Routes::new(None, Some("ie1.evil.example/"), None, &[]).is_err());
    }

    #[test]
    fn a_base_url_puts_every_product_under_it_without_collisions() {
        let r = routes(Some("http://127.0.0.1:8080/"), Some("ie1"), None);
        assert_eq!(r.api_text(), "http://127.0.0.1:8080");
        assert_eq!(
            at(&r, "api", "/2010-04-01/Accounts.json"),
            "http://127.0.0.1:8080/2010-04-01/Accounts.json"
        );
        assert_eq!(
            at(&r, "verify", "/v1/Services"),
            "http://127.0.0.1:8080/verify/v1/Services"
        );
        assert_eq!(
            at(&r, "messaging", "/v1/Services"),
            "http://127.0.0.1:8080/messaging/v1/Services"
        );
        let prefixed = routes(Some("https://gw.example/twilio"), None, None);
        assert_eq!(
            at(&prefixed, "api", "/2010-04-01/x.json"),
            "https://gw.example/twilio/2010-04-01/x.json"
        );
        assert_eq!(
            at(&prefixed, "flex-api", "/v1/x"),
            "https://gw.example/twilio/flex-api/v1/x"
        );
    }

    #[test]
    fn a_host_url_wins_for_that_host_alone() {
        let overrides = [
            ("verify".to_owned(), "http://127.0.0.1:4010/".to_owned()),
            ("api".to_owned(), "http://127.0.0.1:4011".to_owned()),
        ];
        let r = Routes::new(Some("http://127.0.0.1:9"), None, None, &overrides).expect("r");
        assert_eq!(
            at(&r, "verify", "/v2/Services"),
            "http://127.0.0.1:4010/v2/Services"
        );
        assert_eq!(r.api_text(), "http://127.0.0.1:4011");
        assert_eq!(
            at(&r, "api", "/2010-04-01/x.json"),
            "http://127.0.0.1:4011/2010-04-01/x.json"
        );
        assert_eq!(
            at(&r, "video", "/v1/Rooms"),
            "http://127.0.0.1:9/video/v1/Rooms"
        );
        let twilio = Routes::new(None, None, None, &overrides[..1]).expect("r");
        assert_eq!(
            at(&twilio, "video", "/v1/Rooms"),
            "https://video.twilio.com/v1/Rooms"
        );
        let bad = [("Verify.twilio.com".to_owned(), "http://x".to_owned())];
        assert!(Routes::new(None, None, None, &bad).is_err());
        let creds = [("verify".to_owned(), "http://u:p@x".to_owned())];
        assert!(Routes::new(None, None, None, &creds).is_err());
    }

    #[test]
    fn a_server_given_target_that_http_refuses_is_percent_encoded() {
        let r = routes(Some("http://127.0.0.1:1"), None, None);
        let plain = r
            .url("api", "/2010-04-01/x.json?Page=1&PageToken=PA1")
            .expect("url");
        assert_eq!(plain.path(), "/2010-04-01/x.json");
        assert_eq!(plain.query(), Some("Page=1&PageToken=PA1"));
        let odd = r.url("api", "/x y.json?To=a b\"c").expect("normalised");
        assert_eq!(odd.path(), "/x%20y.json");
        assert_eq!(odd.query(), Some("To=a%20b%22c"));
        assert!(r.url("api", "x.json").is_err());
    }
}
