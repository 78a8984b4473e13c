//! What `#[twilio_endpoint]` implements for a params struct, and the run-time registry of every
//! declared endpoint.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::param::{InvalidParams, ParamInfo};
use crate::retry::RetryPolicy;
use crate::sid::AccountSid;

/// The HTTP methods Api v2010 uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Reads; parameters go in the query string.
    Get,
    /// Creates and updates; parameters go in a form body.
    Post,
    /// Deletes; parameters go in the query string.
    Delete,
}

impl Method {
    /// The method's name, e.g. `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about one declared endpoint, for tests, the sandbox and tools.
#[derive(Debug)]
pub struct EndpointInfo {
    /// The params struct's Rust path, e.g. `api::payments::Create`.
    pub name: &'static str,
    /// The name of the function that starts a request, e.g. `create`.
    pub function: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template as declared, with `<Placeholders>`.
    pub path: &'static str,
    /// Every parameter: path, form or query.
    pub params: &'static [ParamInfo],
    /// The response type's name as declared.
    pub response: &'static str,
    /// The success status Twilio documents (any 2xx is accepted).
    pub status: u16,
    /// Whether requests carry an `IdempotencyKey`, which makes them safe to resend.
    pub idempotency_key: bool,
    /// Groups of optional parameters (wire names) of which at least one must be set, as
    /// declared with `one_of(...)`.
    pub one_of: &'static [&'static [&'static str]],
    /// Type-erased entry points (send from wire pairs, the response type's shape), for tools.
    pub erased: crate::erased::Erased,
}

impl EndpointInfo {
    /// The parameter with this wire name.
    pub fn param(&self, wire_name: &str) -> Option<&ParamInfo> {
        self.params.iter().find(|p| p.wire_name == wire_name)
    }
}

/// A registry entry; `#[twilio_endpoint]` submits one per declaration.
#[doc(hidden)]
pub struct Registration(pub &'static EndpointInfo);

inventory::collect!(Registration);

/// Every endpoint declared in the program (in `api` and in any other crate linked in), sorted by
/// path then method.
pub fn endpoints() -> Vec<&'static EndpointInfo> {
    let mut all: Vec<_> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .collect();
    all.sort_by_key(|e| (e.path, e.method.as_str(), e.name));
    all
}

/// A declared endpoint: implemented by `#[twilio_endpoint]` on its params struct.
pub trait Endpoint: Serialize {
    /// What a success answer's body parses into: a `#[twilio_model]`, a `Page` of one,
    /// `serde_json::Value` or `()` (see [`ResponseBody`](crate::response::ResponseBody)).
    type Response: crate::response::ResponseBody;

    /// The declaration's metadata.
    const INFO: EndpointInfo;

    /// Appends the request path (placeholders filled and encoded) to `out`; `account` fills an
    /// `<AccountSid>` the request did not set.
    fn write_path(&self, account: &AccountSid, out: &mut String) -> Result<(), InvalidParams>;

    /// Checks declared ranges and cross-field rules; runs before anything is sent.
    fn validate(&self) -> Result<(), InvalidParams>;

    /// The request's idempotency key, if the endpoint has one.
    fn idempotency_key(&self) -> Option<&str>;
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Total time for one attempt (connect, send, read).
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
}
