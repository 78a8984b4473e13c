//! The answers the gateway gives by itself, before or instead of Twilio: always in Twilio's
//! error shape (`{code, message, more_info, status}`), so a client's error handling reads them
//! like Twilio's own.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use runtime::InvalidParams;

/// Why the gateway refused, for metrics and the audit line (a fixed, small set of names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No usable caller credentials, or wrong ones.
    Unauthenticated,
    /// The key may not call this operation or act on this account.
    Forbidden,
    /// Over the key's rate limit.
    RateLimited,
    /// No declared operation has this method and path.
    NotFound,
    /// The path is declared, not with this method.
    MethodNotAllowed,
    /// The request is malformed (encoding, path tricks, body) or its parameters are refused.
    BadRequest,
    /// The body is over the cap.
    TooLarge,
    /// The path or query is over the cap.
    UriTooLong,
    /// The body's content type does not fit the operation.
    UnsupportedMedia,
    /// No answer from upstream (transport, timeout, oversized answer).
    Upstream,
    /// The gateway is shutting down or overloaded.
    Unavailable,
}

impl Reason {
    /// The name used in metrics and audit lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unauthenticated => "unauthenticated",
            Reason::Forbidden => "forbidden",
            Reason::RateLimited => "rate_limited",
            Reason::NotFound => "not_found",
            Reason::MethodNotAllowed => "method_not_allowed",
            Reason::BadRequest => "bad_request",
            Reason::TooLarge => "too_large",
            Reason::UriTooLong => "uri_too_long",
            Reason::UnsupportedMedia => "unsupported_media",
            Reason::Upstream => "upstream",
            Reason::Unavailable => "unavailable",
        }
    }
}

/// One refusal. Its message never holds a secret: callers' credentials and request values are
/// never copied into it (paths are, cut short, since they are the caller's own and name SIDs).
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The Twilio-style error code.
    pub code: u32,
    /// What went wrong, in plain words.
    pub message: String,
    /// Why, for metrics and audit.
    pub reason: Reason,
    /// Seconds to wait, for a 429 (sent as `Retry-After`).
    pub retry_after: Option<u64>,
    /// Per-parameter refusals, sent as `details.invalid_params`.
    pub invalid: Vec<(String, String)>,
    /// Whether to ask for Basic credentials (`WWW-Authenticate`); not for the console's
    /// requests, where a browser would pop up a login dialog.
    pub challenge: bool,
    /// For an upstream failure: whether Twilio may have acted (`X-Twilio-Gateway-Outcome`).
    pub outcome: Option<&'static str>,
}

/// Longest stretch of a path quoted back in a message.
const QUOTED: usize = 160;

fn quoted(path: &str) -> String {
    match path.char_indices().nth(QUOTED) {
        Some((cut, _)) => format!("{}…", &path[..cut]),
        None => path.to_owned(),
    }
}

impl Refusal {
    fn new(status: StatusCode, code: u32, reason: Reason, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            reason,
            retry_after: None,
            invalid: Vec::new(),
            challenge: false,
            outcome: None,
        }
    }

    /// 401 20003: no gateway key, a wrong one, or a revoked one (all answered alike).
    pub fn unauthenticated() -> Self {
        let mut r = Self::new(
            StatusCode::UNAUTHORIZED,
            20003,
            Reason::Unauthenticated,
            "Authenticate with a gateway key: HTTP Basic with the key id and its secret, or `Authorization: Bearer <key id>.<secret>`",
        );
        r.challenge = true;
        r
    }

    /// 403 20403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, 20403, Reason::Forbidden, message)
    }

    /// 429 20429 with `Retry-After`.
    pub fn rate_limited(key_name: &str, retry_after: u64) -> Self {
        let mut r = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            20429,
            Reason::RateLimited,
            format!("Too many requests for gateway key {key_name:?}: retry after {retry_after} s"),
        );
        r.retry_after = Some(retry_after);
        r
    }

    /// 404 20404: no declared operation at this path. The path is not quoted back: it is
    /// whatever the caller sent, and the caller knows it.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            20404,
            Reason::NotFound,
            "The requested resource was not found: no declared operation has this path",
        )
    }

    /// 405 20004: the path is declared with other methods.
    pub fn method_not_allowed(method: &str, allowed: &[&str]) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            20004,
            Reason::MethodNotAllowed,
            format!(
                "Method {} not allowed on this path: declared with {}",
                quoted(method),
                allowed.join(", ")
            ),
        )
    }

    /// 400 20001: a malformed request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 20001, Reason::BadRequest, message)
    }

    /// 400 20001 listing every refused parameter, with the declaration's own messages.
    pub fn invalid_params(operation: &str, params: &InvalidParams) -> Self {
        let mut r = Self::bad_request(format!("Invalid parameters for {operation}: {params}"));
        r.invalid = params
            .iter()
            .map(|p| (p.param.to_string(), p.reason.reason().to_owned()))
            .collect();
        r
    }

    /// 413: the body is over the cap.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            20413,
            Reason::TooLarge,
            format!("The request body is over the gateway's limit of {limit} bytes"),
        )
    }

    /// 414: the path or query is over the cap.
    pub fn uri_too_long(limit: usize) -> Self {
        Self::new(
            StatusCode::URI_TOO_LONG,
            20414,
            Reason::UriTooLong,
            format!("The request path and query are over the gateway's limit of {limit} bytes"),
        )
    }

    /// 415: the body is not what the operation takes.
    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            20415,
            Reason::UnsupportedMedia,
            message,
        )
    }

    /// 502, 503 or 504 when upstream gave no usable answer.
    pub fn upstream(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            503 => 20503,
            504 => 20504,
            _ => 20502,
        };
        Self::new(status, code, Reason::Upstream, message)
    }

    /// 503: shutting down or over the concurrency limit; nothing was sent.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            20503,
            Reason::Unavailable,
            message,
        )
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status.as_u16(),
        });
        if !self.invalid.is_empty() {
            let list: Vec<_> = self
                .invalid
                .iter()
                .map(|(param, reason)| serde_json::json!({"param": param, "reason": reason}))
                .collect();
            body["details"] = serde_json::json!({ "invalid_params": list });
        }
        body
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body().to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(outcome) = self.outcome {
            headers.insert(
                "x-twilio-gateway-outcome",
                HeaderValue::from_static(outcome),
            );
        }
        if self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Twilio gateway\""),
            );
        }
        response.extensions_mut().insert(self.reason);
        response
    }
}

/// The gateway's answer when upstream gave none: 503 when nothing reached Twilio (any client
/// may resend), 504 for a timeout and 502 otherwise when Twilio may have acted (resend only
/// with the same idempotency key), 502 when Twilio acted and the answer was lost. The
/// `X-Twilio-Gateway-Outcome` header says which (`not-sent`, `unknown`, `processed`).
pub fn no_answer(operation: &str, error: &runtime::Error) -> Refusal {
    use runtime::{ErrorKind, Outcome};
    if let Some(params) = error.invalid_params() {
        return Refusal::invalid_params(operation, params);
    }
    let (status, outcome) = match (error.outcome(), error.kind()) {
        (Outcome::NotSent | Outcome::NotProcessed, _) => {
            (StatusCode::SERVICE_UNAVAILABLE, "not-sent")
        }
        (Outcome::Unknown, ErrorKind::Timeout) => (StatusCode::GATEWAY_TIMEOUT, "unknown"),
        (Outcome::Unknown, _) => (StatusCode::BAD_GATEWAY, "unknown"),
        (Outcome::Processed, _) => (StatusCode::BAD_GATEWAY, "processed"),
    };
    let mut refusal = Refusal::upstream(
        status,
        format!("No answer from upstream for {operation}: {error}"),
    );
    refusal.outcome = Some(outcome);
    refusal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_methods_are_cut_in_messages() {
        let long = "X".repeat(500);
        let r = Refusal::method_not_allowed(&long, &["GET"]);
        assert!(r.message.len() < 300, "{}", r.message);
        assert!(r.message.contains('…'));
    }

    #[test]
    fn the_body_has_twilios_shape() {
        let body = Refusal::forbidden("no").body();
        assert_eq!(body["code"], 20403);
        assert_eq!(body["status"], 403);
        assert_eq!(body["message"], "no");
        assert_eq!(
            body["more_info"],
            "https://www.twilio.com/docs/errors/20403"
        );
    }
}
