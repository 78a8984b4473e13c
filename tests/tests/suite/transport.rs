//! The transport as users meet it: HTTPS with a private CA, proxies (a `CONNECT` tunnel for an
//! `https` base URL, forwarding for a plain `http` one, with credentials), a connect timeout that
//! covers the TLS handshake, and refusals that say what went wrong before anything is sent.
//!
//! Behind the TLS server and the proxy is the same fault server the other tests use, so every
//! request here is a real Create Payments through the public API.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use runtime::{Client, ErrorKind, Outcome, RetryPolicy};
use support::proxy::{header, Proxy};
use support::{call_sid, create_payment, FaultServer, ACCOUNT, TOKEN};
use tokio::net::{TcpListener, TcpStream};

/// A private CA and a server configuration for `localhost` whose certificate it signed,
/// offering `alpn` (nothing: HTTP/1.1 only).
fn private_ca(alpn: &[&[u8]]) -> (String, tokio_rustls::TlsAcceptor) {
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().expect("leaf key");
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .expect("leaf")
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    )
    .expect("server config");
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    (
        ca_cert.pem(),
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    )
}

/// A TLS server for `localhost` (HTTP/1.1), passing the decrypted bytes on to `upstream`.
struct TlsServer {
    ca_pem: String,
    port: u16,
}

impl TlsServer {
    async fn start(upstream: String) -> Self {
        let (ca_pem, acceptor) = private_ca(&[]);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut plain = TcpStream::connect(upstream).await.expect("upstream");
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Self { ca_pem, port }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

fn basic(user_pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_pass)
    )
}

#[tokio::test]
async fn https_with_a_private_ca_reaches_the_server() {
    let server = FaultServer::start().await;
    let tls = TlsServer::start(server.url().replace("http://", "")).await;
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(tls.url())
        .add_root_certificate(tls.ca_pem.clone())
        .no_proxy()
        .build()
        .expect("client");
    create_payment(&client, 1).await.expect("created over TLS");
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("host"),
        Some(format!("localhost:{}", tls.port).as_str())
    );
}

#[tokio::test]
async fn an_unknown_ca_is_a_connect_error_and_nothing_is_sent() {
    let server = FaultServer::start().await;
    let tls = TlsServer::start(server.url().replace("http://", "")).await;
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(tls.url())
        .no_proxy()
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = create_payment(&client, 2).await.expect_err("untrusted");
    let ErrorKind::Transport(transport) = err.kind() else {
        panic!("expected a transport error, got {err}");
    };
    assert!(transport.is_connect(), "{err}");
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel_with_proxy_credentials() {
    let server = FaultServer::start().await;
    let tls = TlsServer::start(server.url().replace("http://", "")).await;
    let proxy = Proxy::start(String::new()).await;
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(tls.url())
        .add_root_certificate(tls.ca_pem.clone())
        .proxy(proxy.url("agent:pa%40ss@"))
        .build()
        .expect("client");
    create_payment(&client, 3)
        .await
        .expect("created through the tunnel");
    create_payment(&client, 4)
        .await
        .expect("the tunnel is reused");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "one tunnel for both requests: {heads:?}");
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{} HTTP/1.1", tls.port)),
        "{heads:?}"
    );
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some(basic("agent:pa@ss").as_str())
    );
    // The proxy saw the tunnel, never the request or Twilio's credentials.
    assert!(header(&heads[0], "authorization").is_none());
    let received = server.received();
    assert_eq!(received.len(), 2);
    // Proxy credentials are for the proxy alone: they never travel inside the tunnel.
    assert!(received
        .iter()
        .all(|r| r.header("proxy-authorization").is_none()));
}

#[tokio::test]
async fn http_is_forwarded_in_absolute_form() {
    let server = FaultServer::start().await;
    let proxy = Proxy::start(server.url().replace("http://", "")).await;
    // The base host does not exist: only the proxy can make this work.
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url("http://api.twilio.invalid")
        .proxy(proxy.url("agent:secret@"))
        .build()
        .expect("client");
    create_payment(&client, 5)
        .await
        .expect("created via the proxy");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!(
            "POST http://api.twilio.invalid/2010-04-01/Accounts/{ACCOUNT}/Calls/{}/Payments.json HTTP/1.1",
            call_sid(5)
        )),
        "{heads:?}"
    );
    assert_eq!(
        header(&heads[0], "proxy-authorization"),
        Some(basic("agent:secret").as_str())
    );
    assert_eq!(header(&heads[0], "host"), Some("api.twilio.invalid"));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn the_connect_timeout_covers_the_tls_handshake() {
    // Accepts connections and never says a word: the TLS handshake hangs.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            keep.lock().unwrap().push(tcp);
        }
    });
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(format!("https://localhost:{port}"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::none())
        .no_proxy()
        .build()
        .expect("client");
    let err = create_payment(&client, 6).await.expect_err("times out");
    assert!(matches!(err.kind(), ErrorKind::Timeout), "{err}");
    // The request never left: the handshake did not finish.
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(err.is_retryable());
    assert!(!held.lock().unwrap().is_empty());
}

#[test]
fn unusable_proxy_and_root_settings_are_refused_at_build() {
    let build = |b: runtime::ClientBuilder| b.build().expect_err("refused").to_string();
    let socks = build(
        Client::builder(ACCOUNT, TOKEN)
            .base_url("https://localhost:1")
            .proxy("socks5://user:hunter2@127.0.0.1:1080"),
    );
    assert!(
        socks.contains("only http:// and https:// proxies"),
        "{socks}"
    );
    assert!(!socks.contains("hunter2"), "{socks}");
    let pem = build(
        Client::builder(ACCOUNT, TOKEN)
            .add_root_certificate("-----BEGIN NOTHING-----\n-----END NOTHING-----\n"),
    );
    assert!(pem.contains("root certificate 1"), "{pem}");
    let der = build(Client::builder(ACCOUNT, TOKEN).add_root_certificate(vec![0x30, 0x03, 1, 2]));
    assert!(der.contains("root certificate 1"), "{der}");
}

/// A reqwest client as an application builds it: reqwest needs a rustls provider in the
/// process when its own default (aws-lc-rs) is not compiled in, as in this workspace.
fn users_reqwest() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

#[tokio::test]
async fn a_user_built_reqwest_client_sends_its_default_headers_beside_our_auth() {
    let server = FaultServer::start().await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-corp-trace", "team-payments".parse().expect("header"));
    let http = users_reqwest()
        .default_headers(defaults)
        .build()
        .expect("reqwest client");
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .http_client(http)
        .build()
        .expect("client");
    create_payment(&client, 10)
        .await
        .expect("created through the user's client");
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("x-corp-trace"), Some("team-payments"));
    assert_eq!(
        received[0].header("authorization"),
        Some(basic(&format!("{ACCOUNT}:{TOKEN}")).as_str())
    );
    assert!(received[0]
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("twilio-rust-runtime/")));
}

#[tokio::test]
async fn a_user_built_client_keeps_our_timeout_retries_and_body_cap() {
    let server = FaultServer::start().await;
    let http = users_reqwest().build().expect("reqwest client");
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .http_client(http)
        .max_response_bytes(64 * 1024)
        .timeout(Duration::from_millis(300))
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(2)),
        )
        .build()
        .expect("client");
    // A 503 is retried (the same key twice), then the answer comes.
    server.script([Some(support::Fault::Unavailable503), None]);
    create_payment(&client, 11).await.expect("retried");
    assert_eq!(server.attempts_for_key("key-11").len(), 2);
    // An oversized body is refused by our cap, whoever's client read it.
    server.script([Some(support::Fault::HugeBody)]);
    let err = create_payment(&client, 12).await.expect_err("over the cap");
    assert!(
        matches!(err.kind(), ErrorKind::BodyTooLarge { .. }),
        "{err}"
    );
    // A stall ends at our per-attempt timeout, typed as ours.
    server.script([
        Some(support::Fault::Stall),
        Some(support::Fault::Stall),
        Some(support::Fault::Stall),
    ]);
    let err = create_payment(&client, 13).await.expect_err("stalled");
    assert!(matches!(err.kind(), ErrorKind::Timeout), "{err}");
}

#[test]
fn connection_settings_beside_a_user_built_client_are_refused() {
    let http = users_reqwest().build().expect("reqwest client");
    let err = Client::builder(ACCOUNT, TOKEN)
        .http_client(http)
        .proxy("http://127.0.0.1:3128")
        .build()
        .expect_err("ambiguous");
    assert!(
        err.to_string().contains("set them on that reqwest client"),
        "{err}"
    );
}

#[tokio::test]
async fn http2_is_used_when_the_server_offers_it() {
    use hyper::service::service_fn;
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let (ca_pem, acceptor) = private_ca(&[b"h2", b"http/1.1"]);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let versions = Arc::new(Mutex::new(Vec::new()));
    let seen = versions.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let Ok(tls) = acceptor.accept(tcp).await else {
                continue;
            };
            let seen = seen.clone();
            let answer = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                seen.lock().unwrap().push(request.version());
                let call = request
                    .uri()
                    .path()
                    .split('/')
                    .nth(5)
                    .unwrap_or("")
                    .to_owned();
                async move {
                    let body = format!(
                        r#"{{"account_sid":"{ACCOUNT}","call_sid":"{call}","sid":"PK{:032x}","date_created":"Wed, 18 Dec 2019 20:02:01 +0000","date_updated":"Wed, 18 Dec 2019 20:02:01 +0000","uri":"/x.json"}}"#,
                        7
                    );
                    hyper::Response::builder()
                        .status(201)
                        .header("content-type", "application/json")
                        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                }
            });
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), answer)
                    .await;
            });
        }
    });
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(format!("https://localhost:{port}"))
        .add_root_certificate(ca_pem)
        .no_proxy()
        .build()
        .expect("client");
    create_payment(&client, 8)
        .await
        .expect("created over HTTP/2");
    create_payment(&client, 9)
        .await
        .expect("again, on the same connection");
    assert_eq!(
        *versions.lock().unwrap(),
        [http::Version::HTTP_2, http::Version::HTTP_2]
    );
}
