//! One error type for every call: what went wrong, whether the request took effect, and whether
//! trying again is safe. Nothing here ever holds a credential.

use std::fmt;

use serde::Deserialize;

use crate::param::InvalidParams;

/// Whether the request took effect on Twilio's side.
///
/// For a call that made several attempts this describes the call as a whole, not only its last
/// attempt: if an earlier attempt may have been acted on, the outcome stays [`Unknown`]
/// (or [`Processed`]) even when the last attempt was plainly refused.
///
/// [`Unknown`]: Outcome::Unknown
/// [`Processed`]: Outcome::Processed
// Declared from "nothing happened" to "Twilio acted": the order is how much an outcome says
// Twilio may have done, which is what merging the outcomes of several attempts keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing was sent (bad parameters, bad configuration, or the connection never opened).
    NotSent,
    /// Twilio answered and did not act (a 4xx, 429 or 503).
    NotProcessed,
    /// It may or may not have acted: a timeout or dropped connection after the request was
    /// sent, or a 500/502/504. Resend only with the same idempotency key.
    Unknown,
    /// Twilio acted (a 2xx), but the answer could not be read.
    Processed,
}

impl Outcome {
    /// The outcome of a call whose attempts had outcomes `self` and `other`: a later attempt
    /// that was refused does not undo an earlier one that may have been acted on.
    pub(crate) fn merge(self, other: Outcome) -> Outcome {
        self.max(other)
    }
}

/// The error of a Twilio call.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    outcome: Outcome,
    retryable: bool,
    attempts: u32,
    request: Option<Box<str>>,
    /// Whether the request could be replayed safely (GET, DELETE, or a POST with an
    /// idempotency key); only shapes the advice given for an unknown outcome.
    replay_safe: bool,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// One or more parameters were refused before anything was sent.
    InvalidParams(InvalidParams),
    /// The client is misconfigured (credentials, base URL).
    Config(String),
    /// Twilio answered with an error body.
    Api(Box<ApiError>),
    /// The server answered an error status with a body that is not Twilio's JSON (a proxy's
    /// HTML page, say).
    Http {
        /// The HTTP status.
        status: u16,
        /// The start of the body, as text.
        body_excerpt: String,
    },
    /// The connection failed (refused, reset, DNS, TLS, proxy).
    Transport(TransportError),
    /// No answer within the timeout.
    Timeout,
    /// A success status whose body is not the declared response.
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not parse.
        message: String,
        /// The start of the body, as text.
        body_excerpt: String,
    },
    /// The response body is larger than the client's limit.
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
}

/// The error body Twilio sends: `{code, message, more_info, status}`, sometimes `details`; newer
/// APIs send RFC 9457 fields, which are folded into the same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Twilio's error code (e.g. 21220), when sent.
    pub code: Option<u32>,
    /// Twilio's message.
    pub message: String,
    /// A link to the error's documentation.
    pub more_info: Option<String>,
    /// Extra details, as sent.
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// Reads a Twilio error body; `None` when the body is not one.
    pub fn parse(status: u16, body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Wire {
            code: Option<serde_json::Value>,
            message: Option<String>,
            more_info: Option<String>,
            details: Option<serde_json::Value>,
            // RFC 9457
            title: Option<String>,
            detail: Option<String>,
            #[serde(rename = "type")]
            type_: Option<String>,
            errors: Option<serde_json::Value>,
        }
        let wire: Wire = serde_json::from_slice(body).ok()?;
        let message = wire.message.or(wire.detail).or(wire.title)?;
        let code = wire.code.and_then(|c| match c {
            serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => None,
        });
        Some(Self {
            status,
            code,
            message,
            more_info: wire.more_info.or(wire.type_),
            details: wire.details.or(wire.errors),
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio answered {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, " with error {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(more) = &self.more_info {
            write!(f, " ({more})")?;
        }
        Ok(())
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, outcome: Outcome, retryable: bool) -> Self {
        Self {
            kind,
            outcome,
            retryable,
            attempts: 0,
            request: None,
            replay_safe: false,
        }
    }

    pub(crate) fn invalid(params: InvalidParams) -> Self {
        Self::new(ErrorKind::InvalidParams(params), Outcome::NotSent, false)
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config(message.into()), Outcome::NotSent, false)
    }

    /// Adds what only the retry loop knows: the number of attempts, the request, whether it
    /// was replay-safe, and the merged outcome of every attempt.
    pub(crate) fn with_context(
        mut self,
        attempts: u32,
        method: &str,
        path: &str,
        replay_safe: bool,
        earlier: Outcome,
    ) -> Self {
        self.attempts = attempts;
        self.request = Some(format!("{method} {path}").into_boxed_str());
        self.replay_safe = replay_safe;
        self.outcome = earlier.merge(self.outcome);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Whether the request took effect.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// True when Twilio may have acted on the request and nobody can tell: resend only with the
    /// same idempotency key.
    pub fn is_outcome_unknown(&self) -> bool {
        self.outcome == Outcome::Unknown
    }

    /// True when the request certainly did not take effect (never sent, or refused).
    pub fn definitely_failed(&self) -> bool {
        matches!(self.outcome, Outcome::NotSent | Outcome::NotProcessed)
    }

    /// Whether sending the same request again is safe and may succeed. The client's retry
    /// policy already retried such errors up to its limits before returning one.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Http { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Twilio's error code (e.g. 21220), when the server sent one.
    pub fn code(&self) -> Option<u32> {
        match &self.kind {
            ErrorKind::Api(api) => api.code,
            _ => None,
        }
    }

    /// Twilio's error body, when the server sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The parameters refused before sending, if that is what happened.
    pub fn invalid_params(&self) -> Option<&InvalidParams> {
        match &self.kind {
            ErrorKind::InvalidParams(p) => Some(p),
            _ => None,
        }
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = &self.request {
            write!(f, "{request}: ")?;
        }
        match &self.kind {
            ErrorKind::InvalidParams(p) => write!(f, "invalid parameters, nothing was sent: {p}")?,
            ErrorKind::Config(m) => write!(f, "client configuration: {m}")?,
            ErrorKind::Api(api) => write!(f, "{api}")?,
            ErrorKind::Http {
                status,
                body_excerpt,
            } => write!(f, "HTTP {status} with a non-Twilio body: {body_excerpt:?}")?,
            ErrorKind::Transport(e) => write!(f, "connection failed: {}", transport_reason(e))?,
            ErrorKind::Timeout => f.write_str("no answer within the timeout")?,
            ErrorKind::Decode {
                status,
                message,
                body_excerpt,
            } => write!(
                f,
                "HTTP {status}, but the body is not the expected response ({message}): {body_excerpt:?}"
            )?,
            ErrorKind::BodyTooLarge { status, limit } => {
                write!(f, "HTTP {status} with a body over the {limit}-byte limit")?
            }
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        match self.outcome {
            Outcome::Unknown if self.replay_safe => f.write_str(
                "; the outcome is unknown: Twilio may have acted on the request; it is safe to resend only unchanged (same idempotency key)",
            ),
            Outcome::Unknown => f.write_str(
                "; the outcome is unknown: Twilio may have acted on the request, and it was not resent because it carries no idempotency key (resending could act twice)",
            ),
            Outcome::Processed => f.write_str("; Twilio did act on the request"),
            Outcome::NotSent | Outcome::NotProcessed => Ok(()),
        }
    }
}

/// The innermost cause of a transport error: what the operating system, the TLS library or the
/// proxy said, without the layers of the HTTP stack around it.
fn transport_reason(e: &TransportError) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

/// A connection that could not be opened or broke off: refused, reset, DNS, TLS, proxy.
///
/// It says only whether the connection ever opened; the [`source`](std::error::Error::source)
/// chain holds the details the HTTP stack gave, down to what the operating system or the TLS
/// library said. It never holds a URL or a header.
pub struct TransportError {
    cause: Box<dyn std::error::Error + Send + Sync>,
    connect: bool,
}

impl TransportError {
    pub(crate) fn new(
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
        connect: bool,
    ) -> Self {
        Self {
            cause: cause.into(),
            connect,
        }
    }

    /// Whether the connection never opened, so nothing was sent on it.
    pub fn is_connect(&self) -> bool {
        self.connect
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("connect", &self.connect)
            .field("cause", &self.cause)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.connect {
            "could not connect"
        } else {
            "the connection broke off"
        })
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::InvalidParams(p) => Some(p),
            _ => None,
        }
    }
}

/// Cuts a body to a short excerpt for error messages (never more than 512 bytes).
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 512;
    let cut = &body[..body.len().min(MAX)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > MAX {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_refusal_does_not_undo_an_earlier_maybe() {
        use Outcome::*;
        assert_eq!(Unknown.merge(NotProcessed), Unknown);
        assert_eq!(NotProcessed.merge(Unknown), Unknown);
        assert_eq!(Processed.merge(NotProcessed), Processed);
        assert_eq!(Unknown.merge(Processed), Processed);
        assert_eq!(NotSent.merge(NotProcessed), NotProcessed);
        let e = Error::new(ErrorKind::Timeout, NotProcessed, true)
            .with_context(2, "POST", "/x.json", true, Unknown);
        assert!(e.is_outcome_unknown() && !e.definitely_failed());
    }

    #[test]
    fn the_message_says_whether_a_resend_is_safe() {
        let unknown = |replay_safe| {
            Error::new(ErrorKind::Timeout, Outcome::Unknown, replay_safe)
                .with_context(1, "POST", "/x.json", replay_safe, Outcome::NotSent)
                .to_string()
        };
        assert!(unknown(true).contains("outcome is unknown"));
        assert!(unknown(true).contains("same idempotency key"));
        assert!(unknown(false).contains("outcome is unknown"));
        assert!(unknown(false).contains("no idempotency key"));
        let refused = Error::new(ErrorKind::Timeout, Outcome::NotSent, true)
            .with_context(3, "GET", "/x.json", true, Outcome::NotSent)
            .to_string();
        assert!(!refused.contains("unknown") && refused.contains("after 3 attempts"));
    }
}
