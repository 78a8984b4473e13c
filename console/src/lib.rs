//! The Try-it console: a page for every declared endpoint with its parameter table, a form
//! generated from it, live code snippets (Rust with this SDK, curl, Python and Node with
//! Twilio's official helpers), a Send button and a callback inbox. Everything comes from the
//! endpoint registry ([`runtime::endpoints()`]); nothing here names a product.
//!
//! The gateway serves it: [`router`] holds the pages and the console's JSON helpers under
//! `/console/`, [`callback_router`] the inbox that Twilio (or the sandbox) posts status
//! callbacks to. The page sends real requests to the gateway's REST surface (same origin,
//! session cookie, `X-Twilio-Console: 1`), so credentials never reach the browser.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let console = console::Console::new(console::ConsoleConfig::new("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))?;
//! let app: axum::Router = axum::Router::new()
//!     .merge(console::router(console.clone()))
//!     .merge(console::callback_router(console));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod api;
mod assets;
pub mod catalog;
pub mod check;
mod form;
pub mod inbox;
mod page;
pub mod snippet;

use std::fmt;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use runtime::webhook::{PublicUrl, Validator};

pub use check::{Checked, Checker, Problem, WireRequest};

/// What the gateway tells the console.
pub struct ConsoleConfig {
    /// The account the gateway acts for: prefilled in every form.
    pub account_sid: String,
    /// What the gateway forwards to, in words, shown on every page (e.g. "the embedded
    /// sandbox: no real calls or charges").
    pub upstream: String,
    /// Checks the `X-Twilio-Signature` of callbacks arriving at the inbox: the upstream's
    /// auth token. Without one, callbacks are stored marked `unchecked`.
    pub callback_validator: Option<Validator>,
    /// The public base URL the upstream reaches this server at (for callback URLs and their
    /// signatures). Without one, the request's `Host` is used (fine on loopback).
    pub public_url: Option<PublicUrl>,
    /// Whether the page offers to sign in with a gateway key when the gateway answers 401.
    pub sign_in: bool,
}

impl ConsoleConfig {
    /// A configuration for `account_sid`, with no callback signature check.
    pub fn new(account_sid: impl Into<String>) -> Self {
        Self {
            account_sid: account_sid.into(),
            upstream: "Twilio".to_owned(),
            callback_validator: None,
            public_url: None,
            sign_in: true,
        }
    }
}

impl fmt::Debug for ConsoleConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleConfig")
            .field("account_sid", &self.account_sid)
            .field("upstream", &self.upstream)
            .field("callback_validator", &self.callback_validator.is_some())
            .field("public_url", &self.public_url)
            .field("sign_in", &self.sign_in)
            .finish()
    }
}

/// The console's state, shared by its handlers (cheap to clone).
#[derive(Clone)]
pub struct Console {
    inner: Arc<Inner>,
}

struct Inner {
    config: ConsoleConfig,
    checker: Checker,
    inboxes: inbox::Inboxes,
}

impl fmt::Debug for Console {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Console")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// The console for `config`; fails only if the account SID is not one.
    pub fn new(config: ConsoleConfig) -> Result<Self, runtime::Error> {
        let checker = Checker::new(&config.account_sid)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                checker,
                inboxes: inbox::Inboxes::default(),
            }),
        })
    }

    pub(crate) fn config(&self) -> &ConsoleConfig {
        &self.inner.config
    }

    pub(crate) fn checker(&self) -> &Checker {
        &self.inner.checker
    }

    pub(crate) fn inboxes(&self) -> &inbox::Inboxes {
        &self.inner.inboxes
    }
}

/// The pages, assets and JSON helpers, at their full paths under `/console/`:
/// - `GET /console/`: every operation, grouped and searchable (`?q=`);
/// - `GET /console/op/{operation}`: one operation's page (`?Wire=value` prefills the form);
/// - `GET /console/assets/{file}`: the script and style sheet;
/// - `POST /console/api/check/{operation}`: the declaration's check and the encoded request;
/// - `POST /console/api/snippets/{operation}`: the same, with every snippet;
/// - `GET /console/api/next`: operations to continue with, for the SIDs of an answer;
/// - `GET /console/api/callbacks/{inbox}`: the callbacks an inbox received.
///
/// Nothing here sends a request anywhere or holds a secret; put it behind the gateway's
/// session check as the gateway sees fit (the callbacks list shows callback data). The router
/// carries its own state, so it merges into a router of any state type.
pub fn router<S: Clone + Send + Sync + 'static>(console: Console) -> Router<S> {
    Router::new()
        .route("/console", get(page::redirect_to_index))
        .route("/console/", get(page::index))
        .route("/console/op/{operation}", get(page::operation))
        .route("/console/assets/{file}", get(assets::serve))
        .route("/console/api/check/{operation}", post(api::check))
        .route("/console/api/snippets/{operation}", post(api::snippets))
        .route("/console/api/next", get(api::next))
        .route("/console/api/callbacks/{inbox}", get(api::callbacks))
        .with_state(console)
}

/// The callback inbox's receiver, `POST /console/callbacks/{inbox}`: mount it without caller
/// authentication (Twilio and the sandbox post to it). It checks the signature itself and
/// accepts callbacks only for inboxes a console page opened.
pub fn callback_router<S: Clone + Send + Sync + 'static>(console: Console) -> Router<S> {
    Router::new()
        .route("/console/callbacks/{inbox}", post(api::receive_callback))
        .with_state(console)
}
