//! A local Twilio sandbox for Agent Assisted Payments, in the spirit of stripe-mock: the
//! Payments REST endpoints with Twilio's rules and errors, a simulated caller who keys in a test
//! card, and the signed status callbacks a real session sends.
//!
//! Requests are parsed and checked with the `api` crate's own declarations
//! ([`api::payments::Create`], [`api::payments::Update`]), so the sandbox cannot drift from what
//! the client sends.
//!
//! ```no_run
//! use api::payments::{create, update, Capture};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = sandbox::Sandbox::start().await?;
//! let client = sandbox.client()?;
//! let mut receiver = sandbox::Receiver::start(sandbox.auth_token()).await?;
//! let call = sandbox.start_call();
//! let status = receiver.url("/pay");
//! let session = create(call, "start-1", status.as_str()).send(&client).await?;
//! update(call, session.sid, "card-1", status.as_str())
//!     .capture(Capture::PaymentCardNumber)
//!     .send(&client)
//!     .await?;
//! let first = receiver.next(std::time::Duration::from_secs(5)).await;
//! assert!(first.is_some_and(|cb| cb.signature_valid));
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod auth;
mod cards;
mod delivery;
mod error;
mod params;
mod receiver;
mod routes;
mod session;
mod store;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use runtime::{AccountSid, CallSid};
use tokio::sync::oneshot;

pub use cards::TestCard;
pub use receiver::{Received, Receiver, ReceiverBuilder};

use delivery::{RetrySettings, Stats};
use store::{Config, Shared};

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    shared: Arc<Shared>,
    base_url: String,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.shared.credentials.account_sid)
            .field("api_key_sid", &self.shared.credentials.api_key_sid)
            .finish_non_exhaustive()
    }
}

/// Counters of status-callback deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallbackStats {
    /// Callbacks the receiver accepted (2xx).
    pub delivered: u64,
    /// Callbacks given up after every attempt failed.
    pub failed: u64,
    /// HTTP attempts made, retries included.
    pub attempts: u64,
    /// Callbacks queued and not yet delivered or given up.
    pub pending: u64,
}

impl Sandbox {
    /// Starts a sandbox on a free loopback port with fresh credentials and the default settings.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder for other settings.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// Where the REST API listens, e.g. `http://127.0.0.1:PORT`: give it to
    /// [`runtime::ClientBuilder::base_url`].
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The socket address the REST API listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The sandbox account (`AC…`).
    pub fn account_sid(&self) -> &str {
        &self.shared.credentials.account_sid
    }

    /// The account's auth token: authenticates REST calls and signs status callbacks.
    pub fn auth_token(&self) -> &str {
        &self.shared.credentials.auth_token
    }

    /// An API key (`SK…`) the sandbox issued for the account.
    pub fn api_key_sid(&self) -> &str {
        &self.shared.credentials.api_key_sid
    }

    /// The API key's secret.
    pub fn api_key_secret(&self) -> &str {
        &self.shared.credentials.api_key_secret
    }

    /// A client for the sandbox, authenticated with the account SID + auth token.
    pub fn client(&self) -> Result<runtime::Client, runtime::Error> {
        runtime::Client::builder(self.account_sid(), self.auth_token())
            .base_url(&self.base_url)
            .build()
    }

    /// A client for the sandbox, authenticated with the API key + secret.
    pub fn api_key_client(&self) -> Result<runtime::Client, runtime::Error> {
        runtime::Client::builder_with_api_key(
            self.account_sid(),
            self.api_key_sid(),
            self.api_key_secret(),
        )
        .base_url(&self.base_url)
        .build()
    }

    /// Starts an in-progress call whose caller keys in the sandbox's default test card.
    pub fn start_call(&self) -> CallSid {
        self.start_call_with_card(self.shared.config.default_card.clone())
    }

    /// Starts an in-progress call whose caller keys in `card`.
    pub fn start_call_with_card(&self, card: TestCard) -> CallSid {
        self.shared.new_call(card, "+15005550006", "+15005550001")
    }

    /// Ends a call (the caller hangs up). An open pay session on it ends with
    /// `Result=caller-hung-up`; later updates fail with 21220. False if the call is unknown.
    pub fn end_call(&self, call: &CallSid) -> bool {
        self.shared.end_call(call).is_some()
    }

    /// Delivery counters so far.
    pub fn callback_stats(&self) -> CallbackStats {
        let s = &self.shared.stats;
        CallbackStats {
            delivered: s.delivered.load(Ordering::SeqCst),
            failed: s.failed.load(Ordering::SeqCst),
            attempts: s.attempts.load(Ordering::SeqCst),
            pending: s.pending.load(Ordering::SeqCst),
        }
    }

    /// Waits until no callback is queued or in flight; false if that takes longer than
    /// `timeout`.
    pub async fn wait_for_callbacks(&self, timeout: Duration) -> bool {
        let stats = self.shared.stats.clone();
        tokio::time::timeout(timeout, async move {
            loop {
                let idle = stats.idle.notified();
                if stats.pending.load(Ordering::SeqCst) == 0 {
                    return;
                }
                idle.await;
            }
        })
        .await
        .is_ok()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Settings for a [`Sandbox`]. `Debug` does not show the auth token.
#[derive(Clone)]
pub struct SandboxBuilder {
    bind: SocketAddr,
    account_sid: Option<String>,
    auth_token: Option<String>,
    test_card: TestCard,
    callback_base: Option<String>,
    connectors: Vec<String>,
    attempts: u32,
    first_delay: Duration,
    callback_timeout: Duration,
}

impl std::fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("bind", &self.bind)
            .field("account_sid", &self.account_sid)
            .field("test_card", &self.test_card)
            .field("callback_base", &self.callback_base)
            .field("connectors", &self.connectors)
            .finish_non_exhaustive()
    }
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            account_sid: None,
            auth_token: None,
            test_card: TestCard::default(),
            callback_base: None,
            connectors: vec!["Default".to_owned()],
            attempts: 4,
            first_delay: Duration::from_millis(100),
            callback_timeout: Duration::from_secs(10),
        }
    }
}

impl SandboxBuilder {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// A fixed account SID and auth token instead of fresh random ones.
    pub fn account(
        mut self,
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Self {
        self.account_sid = Some(account_sid.into());
        self.auth_token = Some(auth_token.into());
        self
    }

    /// The card callers key in on calls started without one (default [`TestCard::visa`]).
    pub fn test_card(mut self, card: TestCard) -> Self {
        self.test_card = card;
        self
    }

    /// The base a relative `StatusCallback` resolves against (without one, relative callbacks
    /// are refused).
    pub fn callback_base(mut self, url: impl Into<String>) -> Self {
        self.callback_base = Some(url.into());
        self
    }

    /// Adds an installed Pay Connector name (`Default` is always installed).
    pub fn connector(mut self, name: impl Into<String>) -> Self {
        self.connectors.push(name.into());
        self
    }

    /// Attempts per callback, the first included (default 4), and the wait before the first
    /// retry (default 100 ms, doubled each time).
    pub fn callback_retries(mut self, attempts: u32, first_delay: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.first_delay = first_delay;
        self
    }

    /// Starts the sandbox.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, m);
        let account_sid = self.account_sid.unwrap_or_else(|| session::new_sid("AC"));
        let account = AccountSid::new(&account_sid).map_err(|e| invalid(e.to_string()))?;
        let auth_token = self
            .auth_token
            .unwrap_or_else(|| format!("{:032x}", fastrand::u128(..)));
        if auth_token.is_empty() {
            return Err(invalid("the auth token must not be empty".to_owned()));
        }
        let callback_base = self
            .callback_base
            .map(|b| url::Url::parse(&b).map_err(|e| invalid(format!("callback base {b:?}: {e}"))))
            .transpose()?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("TwilioProxy/1.1 (twilio-rs sandbox)")
            .build()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let credentials = auth::Credentials {
            account_sid,
            api_key_sid: session::new_sid("SK"),
            api_key_secret: format!("{:032x}", fastrand::u128(..)),
            auth_token: auth_token.clone(),
        };
        let shared = Arc::new(Shared {
            credentials,
            account,
            config: Config {
                callback_base,
                default_card: self.test_card,
                connectors: self.connectors,
                retry: RetrySettings {
                    attempts: self.attempts,
                    first_delay: self.first_delay,
                    timeout: self.callback_timeout,
                },
            },
            store: Mutex::default(),
            stats: Arc::new(Stats::default()),
            http,
            token: Arc::from(auth_token.as_str()),
        });
        let listener = tokio::net::TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(routes::handle)
            .with_state(shared.clone());
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(%error, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            shared,
            base_url: format!("http://{addr}"),
            addr,
            shutdown: Some(shutdown),
        })
    }
}
