//! A callback receiver for examples and tests: an HTTP server on loopback that checks the
//! `X-Twilio-Signature` of every request with `runtime::webhook::Validator` and hands each one
//! over as it arrives.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use runtime::webhook::{PublicUrl, Validator};
use tokio::sync::{mpsc, oneshot};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The full URL it was sent to (as the sender signed it).
    pub url: String,
    /// The form fields, in wire order.
    pub params: Vec<(String, String)>,
    /// The raw body, as signed.
    pub body: Vec<u8>,
    /// Whether `X-Twilio-Signature` matched the auth token (unsigned requests do not).
    pub signature_valid: bool,
    /// The `I-Twilio-Idempotency-Token` header: the same on every retry of one callback.
    pub idempotency_token: Option<String>,
    /// What the receiver answered: 200, 403 for a bad signature, 500 while told to fail.
    pub answered: u16,
}

impl Received {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as a Pay status callback.
    pub fn callback(
        &self,
    ) -> Result<api::payments::PayStatusCallback, api::payments::CallbackError> {
        api::payments::PayStatusCallback::from_form(&self.body)
    }
}

/// Settings for a [`Receiver`].
#[derive(Clone)]
pub struct ReceiverBuilder {
    auth_token: String,
    port: u16,
    public_base: Option<String>,
    fail_first: u32,
}

impl std::fmt::Debug for ReceiverBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("port", &self.port)
            .field("public_base", &self.public_base)
            .field("fail_first", &self.fail_first)
            .finish_non_exhaustive()
    }
}

impl ReceiverBuilder {
    /// Listens on this loopback port (default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The public URL senders reach the receiver at (a tunnel such as
    /// `https://abc.ngrok.app`): URLs are built, and signatures checked, against it.
    pub fn public_base(mut self, url: impl Into<String>) -> Self {
        self.public_base = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Answers 500 to the first `n` requests (to exercise the sender's retries).
    pub fn fail_first(mut self, n: u32) -> Self {
        self.fail_first = n;
        self
    }

    /// Starts the receiver.
    pub async fn start(self) -> std::io::Result<Receiver> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot listen on 127.0.0.1:{}: {e}", self.port),
                )
            })?;
        let addr = listener.local_addr()?;
        let (tx, rx) = mpsc::unbounded_channel();
        let base = self.public_base.unwrap_or_else(|| format!("http://{addr}"));
        let public = PublicUrl::new(&base).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{base:?}: {e}"))
        })?;
        let inner = Arc::new(Inner {
            validator: Validator::new(self.auth_token),
            public,
            base,
            fail_first: AtomicU32::new(self.fail_first),
            tx,
        });
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(inner.clone());
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "callback receiver stopped");
            }
        });
        Ok(Receiver {
            inner,
            rx,
            addr,
            shutdown: Some(shutdown),
        })
    }
}

struct Inner {
    validator: Validator,
    public: PublicUrl,
    base: String,
    fail_first: AtomicU32,
    tx: mpsc::UnboundedSender<Received>,
}

/// A loopback callback receiver. Answers 200 to a correctly signed POST, 403 otherwise.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let mut receiver = sandbox::Receiver::start("the account's auth token").await?;
/// let status_callback = receiver.url("/pay/status");
/// // ... start a pay session with `status_callback` ...
/// if let Some(cb) = receiver.next(std::time::Duration::from_secs(5)).await {
///     assert!(cb.signature_valid);
/// }
/// # Ok(()) }
/// ```
pub struct Receiver {
    inner: Arc<Inner>,
    rx: mpsc::UnboundedReceiver<Received>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// Starts a receiver on `127.0.0.1` (a free port) checking signatures with `auth_token`.
    pub async fn start(auth_token: impl Into<String>) -> std::io::Result<Self> {
        Self::builder(auth_token).start().await
    }

    /// A builder for a fixed port, a public URL (behind a tunnel) or failing answers.
    pub fn builder(auth_token: impl Into<String>) -> ReceiverBuilder {
        ReceiverBuilder {
            auth_token: auth_token.into(),
            port: 0,
            public_base: None,
            fail_first: 0,
        }
    }

    /// The absolute URL of `path` on this receiver, e.g. `http://127.0.0.1:PORT/pay/status`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    /// The receiver's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next request, or `None` if none arrives within `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<Received> {
        tokio::time::timeout(timeout, self.rx.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    // The URL the sender signed: the public base plus this request's path and query.
    let url = inner
        .public
        .url_for(uri.path_and_query().map_or("/", |p| p.as_str()));
    let params: Vec<(String, String)> = serde_html_form::from_bytes(&body).unwrap_or_default();
    let signature = headers
        .get("X-Twilio-Signature")
        .and_then(|v| v.to_str().ok());
    let signature_valid = inner
        .validator
        .validate_form_body(&url, &body, signature)
        .is_ok();
    let failing = inner
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if failing {
        StatusCode::INTERNAL_SERVER_ERROR
    } else if signature_valid {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    };
    let _ = inner.tx.send(Received {
        url,
        params,
        body: body.to_vec(),
        signature_valid,
        idempotency_token: headers
            .get("I-Twilio-Idempotency-Token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        answered: answered.as_u16(),
    });
    answered
}
