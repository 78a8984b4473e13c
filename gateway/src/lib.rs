//! A Twilio-compatible gateway: callers use Twilio's own REST paths with a gateway key, the
//! gateway checks each request against its declaration and forwards it with credentials only
//! it holds. No caller ever holds a Twilio secret.
//!
//! Two authentication decisions, kept apart: caller → gateway (a gateway key, see
//! [`keyring`]) and gateway → Twilio (the configured auth token or API key, added when
//! forwarding). Nothing the caller sends in a header is passed upstream.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // No Twilio credentials: the embedded sandbox is the upstream, with a key made at start.
//! let gateway = gateway::Gateway::builder().start().await?;
//! let (key_id, secret) = gateway.sandbox_key().ok_or("no sandbox")?;
//! let account = gateway.account_sid();
//! let client = runtime::Client::builder_with_api_key(&account, key_id, secret)
//!     .base_url(gateway.url())
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
#![deny(missing_docs)]

// Linking `api` is what registers its declarations (inventory): the gateway serves them all.
use api as _;

pub mod allow;
mod app;
pub mod audit;
pub mod caller;
pub mod config;
mod console;
pub mod forward;
pub mod keyfile;
pub mod keyring;
pub mod keys;
pub mod matcher;
pub mod metrics;
pub mod operation;
pub mod pages;
mod proxy;
pub mod refusal;
pub mod request;
mod server;
pub mod session;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use secrecy::ExposeSecret;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;

pub use config::{ConfigError, FileConfig, TwilioSection};
pub use keys::NewKey;

use app::{Shared, Source, OWN_PATHS};
use matcher::Matcher;
use state::{BuiltinKey, Live, Sources, Upstream};

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The config is refused.
    #[error("config: {0}")]
    Config(#[from] ConfigError),
    /// Binding or starting the sandbox failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The declarations cannot be served side by side.
    #[error("declarations: {0}")]
    Declarations(String),
}

/// Settings for a [`Gateway`].
#[derive(Debug, Default)]
pub struct GatewayBuilder {
    file: FileConfig,
    path: Option<PathBuf>,
    twilio: Option<TwilioSection>,
    bind: Option<SocketAddr>,
    metrics_bind: Option<SocketAddr>,
    sandbox: Option<sandbox::SandboxBuilder>,
}

impl GatewayBuilder {
    /// Uses this config (instead of a file).
    pub fn config(mut self, file: FileConfig) -> Self {
        self.file = file;
        self
    }

    /// Reads the config from this file, now and on every [`Gateway::reload`].
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Result<Self, ConfigError> {
        let path = path.into();
        self.file = FileConfig::read(&path)?;
        self.path = Some(path);
        Ok(self)
    }

    /// Twilio credentials that win over the file's `[twilio]` credentials (the binary passes
    /// the environment's here); the file's subaccounts and base URL still apply.
    pub fn twilio(mut self, section: TwilioSection) -> Self {
        self.twilio = Some(section);
        self
    }

    /// Where to listen (default: the file's `bind`, else `127.0.0.1:8080`).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = Some(addr);
        self
    }

    /// Where to serve `/metrics` and `/healthz` on a listener of their own (default: the
    /// file's `metrics_bind`, else `/metrics` is on the main listener).
    pub fn metrics_bind(mut self, addr: SocketAddr) -> Self {
        self.metrics_bind = Some(addr);
        self
    }

    /// Settings of the embedded sandbox, when it is the upstream.
    pub fn sandbox(mut self, builder: sandbox::SandboxBuilder) -> Self {
        self.sandbox = Some(builder);
        self
    }

    /// Binds, starts the upstream (the embedded sandbox when no Twilio credentials are
    /// configured) and serves in the background.
    pub async fn start(self) -> Result<Gateway, StartError> {
        let endpoints = runtime::endpoints();
        let matcher =
            Matcher::new(&endpoints).map_err(|e| StartError::Declarations(e.to_string()))?;
        if let Some(op) = matcher.operations().iter().find(|op| {
            OWN_PATHS
                .iter()
                .any(|own| op.surface == *own || op.surface.starts_with(&format!("{own}/")))
        }) {
            return Err(StartError::Declarations(format!(
                "{} is declared at {}, a path the gateway serves itself",
                op.name, op.surface
            )));
        }
        let mut file = self.file;
        let twilio = state::merge_twilio(file.twilio.take(), self.twilio.clone());
        let has_credentials = twilio.as_ref().is_some_and(|t| {
            t.account_sid.is_some() || t.auth_token.is_some() || t.api_key.is_some()
        });
        let mut sandbox_key = None;
        let mut builtin = None;
        let (upstream, embedded) = if has_credentials {
            file.twilio = twilio.clone();
            (Upstream::Twilio(twilio.unwrap_or_default()), None)
        } else {
            file.twilio = twilio;
            let sandbox = self.sandbox.unwrap_or_default().start().await?;
            let key = NewKey::generate().map_err(|e| std::io::Error::other(e.to_string()))?;
            builtin = Some(BuiltinKey {
                id: key.id.clone(),
                digest: key.digest,
            });
            sandbox_key = Some(key);
            let upstream = Upstream::Sandbox {
                base_url: sandbox.base_url().to_owned(),
                account_sid: sandbox.account_sid().to_owned(),
                auth_token: sandbox.auth_token().to_owned().into(),
            };
            (upstream, Some(sandbox))
        };
        let bind = self
            .bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let bound = server::display_addr(listener.local_addr()?);
        let metrics_listener = match self.metrics_bind.or(file.metrics_bind) {
            Some(addr) => Some(tokio::net::TcpListener::bind(addr).await?),
            None => None,
        };
        let metrics_bound = metrics_listener
            .as_ref()
            .map(|l| l.local_addr().map(server::display_addr))
            .transpose()?;
        let live = Live::build(Sources {
            file: &file,
            upstream: &upstream,
            builtin: builtin.as_ref(),
            operations: matcher.operations(),
            bound,
            old: None,
        })?;
        let settings = server::Settings {
            header_timeout: live.limits.header_timeout.max(Duration::from_millis(100)),
            grace: live.limits.shutdown_grace,
        };
        let permits = Arc::new(Semaphore::new(live.limits.max_concurrent.max(1)));
        let shared = Arc::new(Shared {
            live: ArcSwap::from_pointee(live),
            matcher,
            metrics: metrics::Metrics::default(),
            permits,
            source: Source {
                path: self.path,
                fixed: file,
                upstream,
                twilio_override: self.twilio,
                builtin,
                bound,
            },
        });
        // One stop signal for every listener (sending it, or dropping the gateway).
        let (stop, stopped) = watch::channel(false);
        let until_stopped = |mut stopped: watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let console = {
            let live = shared.live.load();
            console::console_for(&live, &shared.source.upstream)
        };
        let app = app::router(shared.clone(), console, metrics_listener.is_none());
        let mut tasks = vec![tokio::spawn(server::serve(
            listener,
            app,
            settings,
            until_stopped(stopped.clone()),
        ))];
        if let Some(metrics_listener) = metrics_listener {
            tasks.push(tokio::spawn(server::serve(
                metrics_listener,
                app::status_router(shared.clone()),
                settings,
                until_stopped(stopped),
            )));
        }
        Ok(Gateway {
            shared,
            bound,
            metrics_bound,
            sandbox: embedded,
            sandbox_key,
            stop: Some(stop),
            tasks,
        })
    }
}

/// A running gateway. Dropping it stops accepting connections.
pub struct Gateway {
    shared: Arc<Shared>,
    bound: SocketAddr,
    metrics_bound: Option<SocketAddr>,
    sandbox: Option<sandbox::Sandbox>,
    sandbox_key: Option<NewKey>,
    stop: Option<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("addr", &self.bound)
            .field("metrics_addr", &self.metrics_bound)
            .field("sandbox", &self.sandbox.is_some())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A builder.
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.bound
    }

    /// Its base URL, e.g. `http://127.0.0.1:8080`: give it to a client's `base_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.bound)
    }

    /// Where `/metrics` is served when it has a listener of its own (`metrics_bind`).
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_bound
    }

    /// The account requests act on (the configured one, or the sandbox's).
    pub fn account_sid(&self) -> String {
        self.shared.live.load().accounts.main.clone()
    }

    /// The embedded sandbox, when it is the upstream.
    pub fn sandbox(&self) -> Option<&sandbox::Sandbox> {
        self.sandbox.as_ref()
    }

    /// The key made at start for the embedded sandbox: `(key id, secret)`.
    pub fn sandbox_key(&self) -> Option<(&str, &str)> {
        self.sandbox_key
            .as_ref()
            .map(|k| (k.id.as_str(), k.secret.expose_secret()))
    }

    /// Rereads the config file (or the config given at start) and swaps it in; requests in
    /// flight finish with the old one. On error the running config stays.
    pub fn reload(&self) -> Result<u64, ConfigError> {
        self.shared.reload(None)
    }

    /// Swaps in this config (as a reload would).
    pub fn reload_with(&self, file: FileConfig) -> Result<u64, ConfigError> {
        self.shared.reload(Some(file))
    }

    /// The metrics, as `/metrics` serves them.
    pub fn metrics(&self) -> String {
        self.shared.metrics.render()
    }

    /// Stops accepting, lets requests in flight finish (up to the grace period), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}
