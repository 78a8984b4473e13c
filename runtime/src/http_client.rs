//! The reqwest client the runtime builds when the application brings none: connect timeout,
//! proxies, trusted roots, HTTP/2 by ALPN, no redirects.
//!
//! TLS is rustls with the ring provider, named here rather than taken from the process: a
//! provider set up elsewhere in the program (or none at all) changes nothing. The roots are the
//! operating system's trust store (what reqwest itself and curl use, so a company CA installed on
//! the machine works) plus any given with `add_root_certificate`; on a machine without a trust
//! store, Mozilla's roots (webpki-roots, what the official helpers bundle) stand in.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;

use crate::error::Error;

/// Which proxy, if any, the client uses. No `Debug`: a proxy URL may carry a password.
#[derive(Clone, Default)]
pub(crate) enum ProxyChoice {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, read as curl reads them, except
    /// that a loopback base URL (a local sandbox or mock) is always reached directly.
    #[default]
    FromEnv,
    /// This proxy for every request, loopback included.
    Fixed(String),
    /// Never a proxy, whatever the environment says.
    Off,
}

/// What [`build`] needs to know.
pub(crate) struct Settings<'a> {
    pub(crate) base_url: &'a url::Url,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: &'a ProxyChoice,
    /// Roots trusted besides the system's (a corporate CA, a test server's), PEM or DER.
    pub(crate) extra_roots: &'a [Vec<u8>],
}

/// Builds the client.
pub(crate) fn build(settings: &Settings<'_>) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls(settings.extra_roots)?)
        .connect_timeout(settings.connect_timeout)
        // A redirect is an answer: a declared 3xx is handed back, never followed elsewhere
        // with the credentials.
        .redirect(reqwest::redirect::Policy::none());
    builder = match settings.proxy {
        // A proxy set for the whole machine cannot reach this machine's loopback; Go's
        // net/http makes the same exception.
        ProxyChoice::FromEnv if is_loopback(settings.base_url) => builder.no_proxy(),
        ProxyChoice::FromEnv => builder,
        ProxyChoice::Fixed(url) => builder.proxy(proxy(url)?),
        ProxyChoice::Off => builder.no_proxy(),
    };
    builder
        .build()
        .map_err(|e| Error::config(format!("HTTP client: {}", e.without_url())))
}

/// An explicit proxy: `http://` (forwarding, or a `CONNECT` tunnel for `https`) or `https://`
/// (the same, over TLS to the proxy). Messages name the proxy's host, never its credentials.
fn proxy(url: &str) -> Result<reqwest::Proxy, Error> {
    let parsed = url::Url::parse(url).map_err(|e| Error::config(format!("proxy URL: {e}")))?;
    let shown = format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or(""));
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "proxy {shown}: only http:// and https:// proxies are supported"
        )));
    }
    reqwest::Proxy::all(parsed).map_err(|_| Error::config(format!("proxy {shown}: unusable")))
}

/// `localhost` (and its subdomains), `127.0.0.0/8` and `::1`.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// rustls with ring: the system's roots plus `extra`, HTTP/2 and HTTP/1.1 offered by ALPN.
fn tls(extra: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = extra_roots(extra)?;
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS: {e}")))?;
    let builder = match rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra.iter().cloned(),
        provider,
    ) {
        Ok(verifier) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier)),
        // No trust store on this machine (a bare container).
        Err(_) => {
            let mut roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            roots.add_parsable_certificates(extra);
            builder.with_root_certificates(roots)
        }
    };
    let mut config = builder.with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Each extra root given as PEM (one or more certificates) or DER, checked.
fn extra_roots(given: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut roots = Vec::new();
    for (i, bytes) in given.iter().enumerate() {
        let bad =
            |e: &dyn std::fmt::Display| Error::config(format!("root certificate {}: {e}", i + 1));
        let found: Vec<CertificateDer<'static>> =
            if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
                CertificateDer::pem_slice_iter(bytes)
                    .collect::<Result<_, _>>()
                    .map_err(|e| bad(&e))?
            } else {
                vec![CertificateDer::from(bytes.clone())]
            };
        if found.is_empty() {
            return Err(bad(&"the PEM text holds no CERTIFICATE block"));
        }
        // Parsed now, so a broken certificate is refused here and not at the first request.
        let mut check = rustls::RootCertStore::empty();
        for cert in &found {
            check.add(cert.clone()).map_err(|e| bad(&e))?;
        }
        roots.extend(found);
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        let loopback = |u: &str| is_loopback(&url::Url::parse(u).expect("url"));
        for url in [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://api.localhost",
            "http://127.0.0.1:1",
            "http://127.4.5.6",
            "http://[::1]:9",
        ] {
            assert!(loopback(url), "{url}");
        }
        for url in [
            "https://api.twilio.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            assert!(!loopback(url), "{url}");
        }
    }
}
