//! What every handler shares, and the router: the gateway's own paths (`/healthz`,
//! `/metrics`, the console) and the REST surface behind everything else.

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue, StatusCode};
use tokio::sync::Semaphore;

use crate::config::{ConfigError, FileConfig};
use crate::matcher::Matcher;
use crate::metrics::Metrics;
use crate::state::{BuiltinKey, Live, Sources, Upstream};

/// Paths the gateway serves itself; no product may be declared under them.
pub const OWN_PATHS: [&str; 3] = ["/healthz", "/metrics", "/console"];

/// State shared by every request.
pub struct Shared {
    /// The live configuration, swapped whole on reload.
    pub live: ArcSwap<Live>,
    /// Every declared operation.
    pub matcher: Matcher,
    /// Metrics.
    pub metrics: Metrics,
    /// Requests allowed in flight.
    pub permits: Arc<Semaphore>,
    /// Where the config comes from, for reloads.
    pub source: Source,
}

/// What a reload rereads.
pub struct Source {
    /// The config file, if any.
    pub path: Option<PathBuf>,
    /// The config as given when there is no file.
    pub fixed: FileConfig,
    /// The upstream as started: the embedded sandbox stays for the process's life; Twilio's
    /// credentials are reread on reload (rotation), with `twilio_override` over the file's.
    pub upstream: Upstream,
    /// Credentials given at start over the file's (the environment's).
    pub twilio_override: Option<crate::config::TwilioSection>,
    /// The built-in key (the embedded sandbox's).
    pub builtin: Option<BuiltinKey>,
    /// The bound address.
    pub bound: std::net::SocketAddr,
}

impl Shared {
    /// Rereads the config (the file, or `replacement`) and swaps it in; on error the running
    /// config stays. Returns the new generation.
    pub fn reload(&self, replacement: Option<FileConfig>) -> Result<u64, ConfigError> {
        let file = match (replacement, &self.source.path) {
            (Some(file), _) => file,
            (None, Some(path)) => FileConfig::read(path)?,
            (None, None) => self.source.fixed.clone(),
        };
        let old = self.live.load_full();
        let upstream = match &self.source.upstream {
            Upstream::Sandbox { .. } => self.source.upstream.clone(),
            Upstream::Twilio(_) => Upstream::Twilio(
                crate::state::merge_twilio(
                    file.twilio.clone(),
                    self.source.twilio_override.clone(),
                )
                .unwrap_or_default(),
            ),
        };
        let live = Live::build(Sources {
            file: &file,
            upstream: &upstream,
            builtin: self.source.builtin.as_ref(),
            operations: self.matcher.operations(),
            bound: self.source.bound,
            old: Some(&old),
        })?;
        let generation = live.generation;
        self.live.store(Arc::new(live));
        self.metrics.reloaded();
        tracing::info!(target: "gateway", generation, keys = self.live.load().keyring.iter().count(), "config reloaded");
        Ok(generation)
    }
}

/// The whole router; `/metrics` only when it has no listener of its own (`metrics_bind`),
/// and then the path is no operation here, answered as any unknown path is.
pub fn router(
    shared: Arc<Shared>,
    console: Option<console::Console>,
    with_metrics: bool,
) -> Router {
    let mut router = Router::new();
    if let Some(console) = console {
        router = router.merge(crate::console::routes(shared.clone(), console));
    }
    router = router.route("/healthz", get(healthz));
    if with_metrics {
        router = router.route("/metrics", get(metrics));
    }
    router.fallback(crate::proxy::rest).with_state(shared)
}

/// The router of the metrics listener (`metrics_bind`): `/metrics` and `/healthz`, nothing
/// else (no REST surface, no console).
pub fn status_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(shared)
}

async fn healthz(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
) -> impl IntoResponse {
    let live = shared.live.load();
    let body = serde_json::json!({
        "status": "ok",
        "operations": shared.matcher.operations().len(),
        "config_generation": live.generation,
    });
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
}

async fn metrics(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        shared.metrics.render(),
    )
}
