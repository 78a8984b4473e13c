//! How connections open: TCP, through a proxy when one applies, then TLS, all within the connect
//! timeout. hyper-util's pooled client keeps them open between requests.
//!
//! The client sends every request to one base URL, so whether a proxy applies is decided once,
//! when the client is built: an `https` base goes through an HTTP `CONNECT` tunnel (TLS runs
//! end to end inside it), a plain `http` base is forwarded (requests in absolute form, with
//! `Proxy-Authorization` when the proxy URL carries credentials).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderValue, Uri};
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;
use tokio::net::TcpStream;
use tower_service::Service;

use crate::error::Error;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// The pooled HTTP client every request goes through.
pub(crate) type Pool =
    hyper_util::client::legacy::Client<Connector, http_body_util::Full<bytes::Bytes>>;

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

/// What [`pool`] needs to know.
pub(crate) struct Settings<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: &'a ProxyChoice,
    /// Roots trusted besides the webpki ones (a corporate CA, a test server's).
    pub(crate) extra_roots: &'a [Vec<u8>],
}

/// The pool and, when requests are forwarded through a plain-HTTP proxy that wants
/// credentials, the `Proxy-Authorization` value each request must carry.
pub(crate) fn pool(settings: &Settings<'_>) -> Result<(Pool, Option<HeaderValue>), Error> {
    let base: Uri = settings
        .base_url
        .parse()
        .map_err(|e| Error::config(format!("base URL: {e}")))?;
    let mut tcp = HttpConnector::new();
    // TLS and tunnels wrap this connector, so it must accept any scheme.
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    // Dead peers behind NATs are noticed while a connection idles in the pool (reqwest's
    // defaults).
    tcp.set_keepalive(Some(Duration::from_secs(15)));
    tcp.set_keepalive_interval(Some(Duration::from_secs(15)));
    tcp.set_keepalive_retries(Some(3));
    let (route, forward_auth) = route(&base, settings.proxy, tcp)?;
    let tls = tls(route, settings.extra_roots)?;
    let connector = Connector {
        tls,
        timeout: settings.connect_timeout,
    };
    let pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(connector);
    Ok((pool, forward_auth))
}

/// Decides direct, tunnel or forward for the base URL.
fn route(
    base: &Uri,
    choice: &ProxyChoice,
    tcp: HttpConnector,
) -> Result<(Route, Option<HeaderValue>), Error> {
    let matcher = match choice {
        // A proxy set for the whole machine cannot reach this machine's loopback; Go's
        // net/http makes the same exception.
        ProxyChoice::FromEnv if is_loopback(base) => return Ok((Route::Direct(tcp), None)),
        ProxyChoice::FromEnv => Matcher::from_env(),
        ProxyChoice::Fixed(url) => Matcher::builder().all(url.clone()).build(),
        ProxyChoice::Off => return Ok((Route::Direct(tcp), None)),
    };
    let Some(intercept) = matcher.intercept(base) else {
        return Ok((Route::Direct(tcp), None));
    };
    let proxy = intercept.uri().clone();
    if proxy.scheme_str() != Some("http") {
        // The proxy's address itself: its credentials, if any, stay out of the message.
        let shown = proxy.authority().map_or("", |a| a.host());
        return Err(Error::config(format!(
            "proxy {}://{shown}: only http:// proxies are supported",
            proxy.scheme_str().unwrap_or("")
        )));
    }
    let auth = intercept.basic_auth().cloned().map(|mut v| {
        v.set_sensitive(true);
        v
    });
    if base.scheme_str() == Some("https") {
        let tunnel = Tunnel::new(proxy, tcp);
        let tunnel = match auth {
            Some(auth) => tunnel.with_auth(auth),
            None => tunnel,
        };
        Ok((Route::Tunnel(tunnel), None))
    } else {
        Ok((Route::Forward { tcp, proxy }, auth))
    }
}

/// `localhost` (and its subdomains), `127.0.0.0/8` and `::1`.
fn is_loopback(uri: &Uri) -> bool {
    let host = uri.host().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The TLS layer: rustls with ring, the webpki roots plus any extra ones, HTTP/2 and HTTP/1.1
/// offered by ALPN, plain `http` passed through.
fn tls(route: Route, extra_roots: &[Vec<u8>]) -> Result<HttpsConnector<Route>, Error> {
    // The provider is named, not taken from the process default: another crate enabling
    // aws-lc-rs in the same program must not make the build panic.
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::config(format!("TLS: {e}")))?
    .with_root_certificates(roots(extra_roots)?)
    .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_all_versions()
        .wrap_connector(route))
}

/// The webpki roots, plus each extra root given as PEM (one or more certificates) or DER.
fn roots(extra: &[Vec<u8>]) -> Result<rustls::RootCertStore, Error> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for (i, given) in extra.iter().enumerate() {
        let bad =
            |e: &dyn std::fmt::Display| Error::config(format!("root certificate {}: {e}", i + 1));
        if given.trim_ascii_start().starts_with(b"-----BEGIN") {
            let mut found = 0;
            for cert in CertificateDer::pem_slice_iter(given) {
                roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
                found += 1;
            }
            if found == 0 {
                return Err(bad(&"the PEM text holds no CERTIFICATE block"));
            }
        } else {
            roots
                .add(CertificateDer::from(given.as_slice()))
                .map_err(|e| bad(&e))?;
        }
    }
    Ok(roots)
}

/// The TCP part of a connection: straight to the server, through a `CONNECT` tunnel, or to a
/// forwarding proxy.
#[derive(Clone)]
pub(crate) enum Route {
    Direct(HttpConnector),
    Tunnel(Tunnel<HttpConnector>),
    Forward { tcp: HttpConnector, proxy: Uri },
}

impl Service<Uri> for Route {
    type Response = Conn;
    type Error = BoxError;
    type Future = Connecting<Conn>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Route::Direct(tcp) | Route::Forward { tcp, .. } => {
                tcp.poll_ready(cx).map_err(Into::into)
            }
            Route::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let (connecting, proxied): (Connecting<TokioIo<TcpStream>>, bool) = match self {
            Route::Direct(tcp) => {
                let f = tcp.call(dst);
                (Box::pin(async move { f.await.map_err(Into::into) }), false)
            }
            // Inside a tunnel the server is reached as if directly.
            Route::Tunnel(tunnel) => {
                let f = tunnel.call(dst);
                (Box::pin(async move { f.await.map_err(Into::into) }), false)
            }
            Route::Forward { tcp, proxy } => {
                let f = tcp.call(proxy.clone());
                (Box::pin(async move { f.await.map_err(Into::into) }), true)
            }
        };
        Box::pin(async move {
            Ok(Conn {
                io: connecting.await?,
                proxied,
            })
        })
    }
}

/// A TCP connection that knows whether it leads to a forwarding proxy (then requests go in
/// absolute form).
pub(crate) struct Conn {
    io: TokioIo<TcpStream>,
    proxied: bool,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.proxied)
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

/// The whole connector: TLS over the route, bounded by the connect timeout (TCP, tunnel and
/// TLS handshake together, as reqwest's `connect_timeout` is).
#[derive(Clone)]
pub(crate) struct Connector {
    tls: HttpsConnector<Route>,
    timeout: Duration,
}

/// The connect timeout passed; found in an error's source chain by [`is_connect_timeout`].
#[derive(Debug)]
struct ConnectTimedOut;

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connect timed out")
    }
}

impl std::error::Error for ConnectTimedOut {}

/// Whether a connect error came from the connect timeout.
pub(crate) fn is_connect_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(e) = current {
        if e.is::<ConnectTimedOut>() {
            return true;
        }
        current = e.source();
    }
    false
}

impl Service<Uri> for Connector {
    type Response = MaybeHttpsStream<Conn>;
    type Error = BoxError;
    type Future = Connecting<MaybeHttpsStream<Conn>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tls.poll_ready(cx)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let connecting = self.tls.call(dst);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(result) => result,
                Err(_) => Err(Box::new(ConnectTimedOut) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://api.localhost",
            "http://127.0.0.1:1",
            "http://127.4.5.6",
            "http://[::1]:9",
        ] {
            assert!(is_loopback(&url.parse().expect("uri")), "{url}");
        }
        for url in [
            "https://api.twilio.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            assert!(!is_loopback(&url.parse().expect("uri")), "{url}");
        }
    }
}
