//! The one place the gateway meets runtime entry points that are still growing, so each
//! switch happens here and nowhere else:
//! - forwarding goes through the declaration's `Erased::forward_pairs` (runtime:
//!   `Client::send_raw`, with the client's credentials, retries, timeouts and body cap);
//! - the parameter check below is a stand-in driven by the registry's parameter table until
//!   `Erased::check` (the declaration's own `from_wire`, with the setters' messages) is on
//!   main;
//! - operation names and the product host are computed from the registry until
//!   `EndpointInfo::{operation(), host}` are.

use bytes::Bytes;
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
    for rule in info.rules {
        let set: Vec<bool> = rule
            .params
            .iter()
            .map(|name| wire.pairs.iter().any(|(n, _)| n == name))
            .collect();
        if let Some(refused) = rule.check(&set) {
            problems.push((refused.param.into_owned(), refused.reason.to_string()));
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

/// Sends a checked request upstream with the configured credentials, through
/// `runtime::Client` (its retries, timeouts and body cap), via the declaration's erased
/// entry point.
#[derive(Clone)]
pub struct Forwarder {
    client: runtime::Client,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder")
            .field("client", &self.client)
            .finish()
    }
}

impl Forwarder {
    /// A forwarder sending with `client`.
    pub fn new(client: runtime::Client) -> Self {
        Self { client }
    }

    /// The client.
    pub fn client(&self) -> &runtime::Client {
        &self.client
    }

    /// Rebuilds the request from the declaration and the checked values, and sends it.
    pub async fn forward(&self, op: &Operation, wire: &WireInput) -> Result<RawAnswer, Refusal> {
        let mut pairs = Vec::with_capacity(wire.path.len() + wire.pairs.len());
        pairs.extend(wire.path.iter().cloned());
        pairs.extend(wire.pairs.iter().cloned());
        let options = runtime::CallOptions::default();
        match (op.info.erased.forward_pairs)(&self.client, &pairs, &options).await {
            Ok(answer) => Ok(RawAnswer {
                status: answer.status,
                headers: answer.headers,
                body: answer.body,
            }),
            Err(runtime::ForwardError::Params(message)) => Err(Refusal::bad_request(format!(
                "Invalid parameters for {}: {message}",
                op.name
            ))),
            Err(runtime::ForwardError::Call(error)) => {
                Err(crate::refusal::no_answer(&op.name, &error))
            }
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
