//! What `#[twilio_endpoint]` implements for a params struct.

use std::time::Duration;

use serde::Serialize;

use crate::param::InvalidParams;
use crate::registry::EndpointInfo;
use crate::retry::RetryPolicy;
use crate::sid::AccountSid;

/// A declared endpoint: implemented by `#[twilio_endpoint]` on its params struct.
///
/// The body is the struct's `Serialize` impl, which skips path and header parameters: sent
/// form-encoded for [`Body::Form`](crate::registry::Body::Form), as a JSON object for
/// [`Body::Json`](crate::registry::Body::Json), and as the query string of a GET or DELETE.
pub trait Endpoint: Serialize {
    /// What a success answer's body parses into: a `#[twilio_model]`, a `Page` of one,
    /// `serde_json::Value` or `()` (see [`ResponseBody`](crate::response::ResponseBody)).
    type Response: crate::response::ResponseBody;

    /// The declaration's metadata.
    const INFO: EndpointInfo;

    /// Appends the request path (placeholders filled and encoded) to `out`; `account` fills an
    /// `<AccountSid>` the request did not set.
    fn write_path(&self, account: &AccountSid, out: &mut String) -> Result<(), InvalidParams>;

    /// Checks declared ranges and the rules across parameters; runs before anything is sent.
    fn validate(&self) -> Result<(), InvalidParams>;

    /// Appends the `Name=value` pairs a request with a body sends in its query string
    /// (`#[twilio(query)]`, OAuth's `account_sid`); nothing for every other declaration.
    #[doc(hidden)]
    fn write_query(&self, out: &mut String) -> Result<(), InvalidParams> {
        let _ = out;
        Ok(())
    }

    /// The request's idempotency key, if the endpoint has one.
    fn idempotency_key(&self) -> Option<&str>;

    /// The header parameters that are set, as `(header name, value)`: e.g.
    /// `("X-Twilio-Webhook-Enabled", "true")`. Declarations without header parameters send none.
    fn headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Total time for one attempt (connect, send, read).
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
}
