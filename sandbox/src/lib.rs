//! A local Twilio sandbox for Agent Assisted Payments, in the spirit of stripe-mock: the
//! Payments REST endpoints with Twilio's rules and errors, a simulated caller who keys in a test
//! card, and the signed status callbacks a real session sends.
//!
//! Requests are parsed and checked with the `api` crate's own declarations
//! ([`api::payments::Create`], [`api::payments::Update`]), so the sandbox cannot drift from what
//! the client sends.
//!
//! For any client, not only this SDK: the call's `To` or `From` number picks the card its caller
//! keys in ([`MagicNumber`]); the caller types instantly or at a human pace ([`CallerPace`]);
//! every request and callback attempt is a log line and a [`SandboxEvent`]
//! ([`Sandbox::events`], [`log`]). To embed it (a gateway's default upstream), start it with
//! [`Sandbox::builder`] and forward to [`Sandbox::base_url`] with [`Sandbox::account_sid`] and
//! [`Sandbox::auth_token`].
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
mod caller;
mod cards;
mod delivery;
mod error;
mod events;
pub mod log;
mod magic;
mod pace;
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

pub use cards::{TestCard, TestCardError};
pub use events::{
    CallStarted, CallbackAttempt, CallbackOutcome, Events, KeyingInterrupted, RequestRecord,
    SandboxEvent,
};
pub use magic::MagicNumber;
pub use pace::{CallerPace, CallerPaceError};
pub use receiver::{Received, Receiver, ReceiverBuilder};

use delivery::{RetrySettings, Stats};
use events::Hub;
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

    /// Starts an in-progress call whose caller keys in the sandbox's default test card at its
    /// default pace.
    pub fn start_call(&self) -> CallSid {
        self.call().start()
    }

    /// Starts an in-progress call whose caller keys in `card`.
    pub fn start_call_with_card(&self, card: TestCard) -> CallSid {
        self.call().card(card).start()
    }

    /// A call to start with a card, a pace or numbers of its own:
    /// `sandbox.call().card(TestCard::declined()).pace(CallerPace::REALISTIC).start()`.
    pub fn call(&self) -> CallBuilder<'_> {
        CallBuilder {
            sandbox: self,
            card: None,
            pace: None,
            to: "+15005550006".to_owned(),
            from: "+15005550001".to_owned(),
        }
    }

    /// Changes how fast a call's caller keys in, from the next field asked for on (a field
    /// being keyed keeps its pace). False if the call is unknown.
    pub fn set_caller_pace(&self, call: &CallSid, pace: CallerPace) -> bool {
        let mut store = self.shared.lock();
        match store.calls.get_mut(call) {
            Some(c) => {
                c.pace = pace;
                true
            }
            None => false,
        }
    }

    /// Everything the sandbox does from now on, as it happens: requests answered, callback
    /// attempts, calls started, fields cut off. The same facts as the log, for programs (a
    /// console showing deliveries, a test waiting for an attempt).
    pub fn events(&self) -> Events {
        self.shared.hub.subscribe()
    }

    /// The caller pace of calls that do not choose one.
    pub fn default_pace(&self) -> CallerPace {
        self.shared.config.default_pace
    }

    /// The card callers key in on calls that do not choose one.
    pub fn default_card(&self) -> &TestCard {
        &self.shared.config.default_card
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
    /// `timeout`. A caller still typing at a human pace has not queued its next callbacks yet:
    /// they do not count.
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

/// A call about to start, from [`Sandbox::call`].
#[derive(Debug)]
#[must_use = "a call starts only with .start()"]
pub struct CallBuilder<'a> {
    sandbox: &'a Sandbox,
    card: Option<TestCard>,
    pace: Option<CallerPace>,
    to: String,
    from: String,
}

impl CallBuilder<'_> {
    /// The card the caller keys in (default: what the numbers pick, else the sandbox's default).
    pub fn card(mut self, card: TestCard) -> Self {
        self.card = Some(card);
        self
    }

    /// How fast the caller keys in (default: what the numbers pick, else the sandbox's default).
    pub fn pace(mut self, pace: CallerPace) -> Self {
        self.pace = Some(pace);
        self
    }

    /// The call's numbers (default `+15005550006` and `+15005550001`, which pick nothing); a
    /// [`MagicNumber`] among them picks the card and the pace as over REST.
    pub fn numbers(mut self, to: impl Into<String>, from: impl Into<String>) -> Self {
        self.to = to.into();
        self.from = from.into();
        self
    }

    /// Starts the call (in progress at once).
    pub fn start(self) -> CallSid {
        let shared = &self.sandbox.shared;
        let choice = shared.choose(
            &self.to,
            &self.from,
            self.card,
            self.pace,
            ("Sandbox::call().card()", "Sandbox::call().pace()"),
        );
        shared.new_call(choice, &self.to, &self.from)
    }
}

/// Settings for a [`Sandbox`]. `Debug` does not show the auth token.
#[derive(Clone)]
pub struct SandboxBuilder {
    bind: SocketAddr,
    account_sid: Option<String>,
    auth_token: Option<String>,
    test_card: TestCard,
    caller_pace: CallerPace,
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
            .field("caller_pace", &self.caller_pace)
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
            caller_pace: CallerPace::INSTANT,
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

    /// How fast callers key in on calls that do not choose (default [`CallerPace::INSTANT`]).
    pub fn caller_pace(mut self, pace: CallerPace) -> Self {
        self.caller_pace = pace;
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

    /// How long one callback attempt may take before it counts as failed (default 10 s).
    pub fn callback_timeout(mut self, timeout: Duration) -> Self {
        self.callback_timeout = timeout;
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
        // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
        // root Cargo.toml): name it for the process before building a client.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
                default_pace: self.caller_pace,
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
            hub: Arc::new(Hub::default()),
        });
        let listener = tokio::net::TcpListener::bind(self.bind)
            .await
            .map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot listen on {}: {e}", self.bind))
            })?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(routes::handle)
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                routes::log_request,
            ))
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
