//! The one place the gateway depends on runtime entry points that are still being built
//! (`EndpointInfo::{host, operation()}`, `Erased::check`, `Erased::forward`): operation names,
//! the product host, the parameter check and forwarding. Until those land this module has
//! small stand-ins of its own; every other module goes through it, so the switch happens here.

use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http_body_util::BodyExt as _;
use runtime::param::{Location, Scalar};
use runtime::EndpointInfo;

use crate::operation::Operation;
use crate::refusal::Refusal;

/// The operation name allow-lists and metrics use: the declaration's module path below its
/// crate, then its function (`api::payments::create::Create` → `payments.create`).
pub fn operation(info: &EndpointInfo) -> String {
    let mut modules: Vec<&str> = info.name.split("::").skip(1).collect();
    modules.pop(); // the struct
    if modules.last() == Some(&info.function) {
        modules.pop();
    }
    modules.push(info.function);
    modules.join(".")
}

/// The product host's first label when it is not Twilio's `api` (whose paths are served as
/// they are): the gateway serves that product under `/{host}`.
pub fn host_prefix(_info: &EndpointInfo) -> Option<&'static str> {
    None
}

/// The operation's path on the gateway.
pub fn surface_path(info: &EndpointInfo) -> String {
    match host_prefix(info) {
        Some(host) => format!("/{host}{}", info.path),
        None => info.path.to_owned(),
    }
}

/// A request as read from the wire, ready to be checked by its declaration.
#[derive(Debug, Default, Clone)]
pub struct WireInput {
    /// Path values by wire name, decoded.
    pub path: Vec<(String, String)>,
    /// Query or form pairs, decoded; a list repeats its name.
    pub pairs: Vec<(String, String)>,
    /// The JSON body, for declarations that take one.
    pub json: Option<serde_json::Value>,
    /// Declared header parameters, by wire name.
    pub headers: Vec<(String, String)>,
}

/// An upstream answer, kept as it came.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// The status.
    pub status: u16,
    /// The headers a proxy keeps: Content-Type, Twilio-Request-Id, Retry-After, `Twilio-*`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

/// Checks a request with its declaration; a refusal lists every problem.
pub fn check(op: &Operation, wire: &WireInput) -> Result<(), Refusal> {
    let info = op.info;
    let mut problems: Vec<(String, String)> = Vec::new();
    for (name, value) in &wire.pairs {
        match info.param(name) {
            None => problems.push((name.clone(), format!("is not a parameter of {}", op.name))),
            Some(p) if p.location == Location::Path => problems.push((
                name.clone(),
                "is a path value, not a query or form parameter".to_owned(),
            )),
            Some(p) => {
                if let Err(reason) = check_value(p.kind.scalar, p.range, value) {
                    problems.push((name.clone(), reason));
                }
            }
        }
    }
    for (name, value) in &wire.path {
        if let Some(p) = info.param(name) {
            if let Err(reason) = check_value(p.kind.scalar, p.range, value) {
                problems.push((name.clone(), reason));
            }
        }
    }
    for p in info.params.iter().filter(|p| p.required) {
        let given = wire.pairs.iter().any(|(n, _)| n == p.wire_name)
            || wire.path.iter().any(|(n, _)| n == p.wire_name);
        if !given {
            problems.push((p.wire_name.to_owned(), "is required".to_owned()));
        }
    }
    for group in info.one_of {
        if !group
            .iter()
            .any(|name| wire.pairs.iter().any(|(n, _)| n == name))
        {
            problems.push((
                group.join(", "),
                format!("set at least one of {}", group.join(", ")),
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut r = Refusal::bad_request(format!(
        "Invalid parameters for {}: {}",
        op.name,
        problems
            .iter()
            .map(|(p, r)| format!("{p} {r}"))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    r.invalid = problems;
    Err(r)
}

fn check_value(
    scalar: Scalar,
    range: Option<runtime::param::Range>,
    value: &str,
) -> Result<(), String> {
    match scalar {
        Scalar::Boolean if !matches!(value, "true" | "false") => {
            Err(format!("must be true or false, got {value:?}"))
        }
        Scalar::Integer => {
            let n: i128 = value
                .parse()
                .map_err(|_| format!("is not an integer: {value:?}"))?;
            match range {
                Some(r)
                    if r.min.is_some_and(|lo| n < lo)
                        || r.max.is_some_and(
                            |hi| {
                                if r.max_inclusive {
                                    n > hi
                                } else {
                                    n >= hi
                                }
                            },
                        ) =>
                {
                    Err(format!("must be {r}, got {n}"))
                }
                _ => Ok(()),
            }
        }
        Scalar::Number
            if !{
                let digits = value.strip_prefix('-').unwrap_or(value);
                let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
                !whole.is_empty()
                    && whole.bytes().all(|b| b.is_ascii_digit())
                    && !frac.is_empty()
                    && frac.bytes().all(|b| b.is_ascii_digit())
            } =>
        {
            Err(format!("is not a decimal number: {value:?}"))
        }
        Scalar::Sid(prefix)
            if !(value.len() == 34
                && value.starts_with(prefix)
                && value[2..].bytes().all(|b| b.is_ascii_hexdigit())) =>
        {
            Err(format!("is not a {prefix} SID"))
        }
        _ => Ok(()),
    }
}

/// Sends a checked request upstream with the configured credentials.
#[derive(Clone)]
pub struct Forwarder {
    http: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Full<Bytes>,
    >,
    base_url: String,
    authorization: HeaderValue,
    timeout: Duration,
    max_answer_bytes: usize,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'+');

impl Forwarder {
    /// A forwarder to `base_url` (`http://…` only in this stand-in) authenticating as
    /// `user`:`secret`.
    pub fn new(
        _client: runtime::Client,
        base_url: &str,
        user: &str,
        secret: &str,
        timeout: Duration,
        max_answer_bytes: usize,
    ) -> Result<Self, String> {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
        let mut authorization = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| "the credentials cannot go in an HTTP header".to_owned())?;
        authorization.set_sensitive(true);
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            authorization,
            timeout,
            max_answer_bytes,
        })
    }

    /// Rebuilds the request from the declaration and the checked values, and sends it.
    pub async fn forward(&self, op: &Operation, wire: &WireInput) -> Result<RawAnswer, Refusal> {
        let info = op.info;
        let mut url = self.base_url.clone();
        for seg in info.path.trim_start_matches('/').split('/') {
            url.push('/');
            match (seg.find('<'), seg.find('>')) {
                (Some(open), Some(close)) if open < close => {
                    let name = &seg[open + 1..close];
                    let value = wire
                        .path
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or_default();
                    url.push_str(&seg[..open]);
                    url.extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
                    url.push_str(&seg[close + 1..]);
                }
                _ => url.push_str(seg),
            }
        }
        let form = serde_html_form::to_string(&wire.pairs).unwrap_or_default();
        let post = info.method == runtime::Method::Post;
        if !post && !form.is_empty() {
            url.push('?');
            url.push_str(&form);
        }
        let body = if post {
            Bytes::from(form)
        } else {
            Bytes::new()
        };
        let mut request = http::Request::new(http_body_util::Full::new(body));
        *request.method_mut() =
            http::Method::from_bytes(info.method.as_str().as_bytes()).unwrap_or(http::Method::GET);
        *request.uri_mut() = url
            .parse()
            .map_err(|_| Refusal::bad_request("the request cannot be rebuilt"))?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, HeaderValue::from_static("twilio-rs-gateway"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if post {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        for (name, value) in &wire.headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
        let sent = tokio::time::timeout(self.timeout, async {
            let response = self.http.request(request).await.map_err(|_| {
                Refusal::upstream(http::StatusCode::BAD_GATEWAY, "upstream connection failed")
            })?;
            let status = response.status().as_u16();
            let kept: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter(|(n, _)| keep_header(n.as_str()))
                .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect();
            let limited = http_body_util::Limited::new(response.into_body(), self.max_answer_bytes);
            let body = limited
                .collect()
                .await
                .map_err(|_| {
                    Refusal::upstream(http::StatusCode::BAD_GATEWAY, "upstream answer unreadable")
                })?
                .to_bytes();
            Ok(RawAnswer {
                status,
                headers: kept,
                body,
            })
        })
        .await;
        match sent {
            Ok(answer) => answer,
            Err(_) => Err(Refusal::upstream(
                http::StatusCode::GATEWAY_TIMEOUT,
                "no upstream answer within the timeout",
            )),
        }
    }
}

/// The answer headers a proxy passes on.
pub fn keep_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "content-type"
        || lower == "retry-after"
        || lower.starts_with("twilio-")
        || lower.starts_with("x-twilio-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_follow_the_module_path() {
        use api as _;
        let all = runtime::endpoints();
        let names: Vec<String> = all.iter().map(|i| operation(i)).collect();
        assert!(names.iter().any(|n| n == "payments.create"), "{names:?}");
        assert!(names.iter().any(|n| n == "calls.fetch"));
        assert!(names.iter().any(|n| n == "calls.recordings.list"));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "operation names are unique");
    }
}
