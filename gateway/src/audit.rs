//! One structured audit line per request (tracing target `gateway::audit`): who (key name and
//! id), what (operation, method, path, account), the outcome (status, why the gateway refused,
//! latency, upstream latency, Twilio's request id) and the parameters, with every value that
//! could hold card data or a secret redacted.
//!
//! A value is shown only when its declared kind cannot carry free text (SIDs, enums, booleans,
//! numbers, dates) and its name does not suggest card data or a secret; everything else
//! (strings, URLs, JSON, phone numbers, unknown parameters) is written `[redacted]`.

use std::fmt::Write as _;
use std::time::Duration;

use runtime::param::Scalar;

use crate::operation::Operation;
use runtime::WireInput;

/// Parts of a parameter name that mark it sensitive whatever its kind.
const SENSITIVE: [&str; 14] = [
    "card",
    "security",
    "cvv",
    "cvc",
    "pin",
    "token",
    "password",
    "secret",
    "credential",
    "routing",
    "bankaccount",
    "expiration",
    "postal",
    "signature",
];

/// Longest value written (an idempotency key, say).
const SHOWN: usize = 64;

fn shown_kind(scalar: Scalar) -> bool {
    matches!(
        scalar,
        Scalar::Sid(_)
            | Scalar::Enum(_)
            | Scalar::Boolean
            | Scalar::Integer
            | Scalar::Number
            | Scalar::Date
            | Scalar::DateTime
    )
}

/// Whether a parameter's value may appear in the audit line.
pub fn shown(op: &Operation, name: &str) -> bool {
    if name == "IdempotencyKey" {
        // What ties a retry to its original: worth seeing, and never card data by design.
        return true;
    }
    let lower = name.to_ascii_lowercase();
    if SENSITIVE.iter().any(|s| lower.contains(s)) {
        return false;
    }
    op.info
        .param(name)
        .is_some_and(|p| shown_kind(p.kind.scalar))
}

/// The parameters as `Name=value Name=[redacted] …`: query or form pairs, then the members of
/// a JSON body (a value that is not a string, number or boolean is always redacted), then the
/// declared header parameters.
pub fn params(op: &Operation, wire: &WireInput) -> String {
    let mut out = String::new();
    let mut add = |name: &str, value: Option<&str>| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
        out.push('=');
        match value {
            Some(value) if shown(op, name) => {
                let cut: String = value.chars().take(SHOWN).collect();
                let _ = write!(out, "{cut:?}");
            }
            _ => out.push_str("[redacted]"),
        }
    };
    for (name, value) in &wire.pairs {
        add(name, Some(value));
    }
    if let Some(serde_json::Value::Object(members)) = &wire.json {
        for (name, value) in members {
            let text = match value {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            add(name, text.as_deref());
        }
    }
    for (name, value) in &wire.headers {
        add(name, Some(value));
    }
    out
}

/// What one audit line says.
#[derive(Debug, Default)]
pub struct Record {
    /// The key's name.
    pub key: Option<String>,
    /// The key's id.
    pub key_id: Option<String>,
    /// How it authenticated.
    pub via: Option<&'static str>,
    /// The operation.
    pub operation: Option<String>,
    /// The operation's path template.
    pub template: Option<String>,
    /// The account acted on.
    pub account: Option<String>,
    /// The parameters, redacted.
    pub params: String,
    /// Why the gateway answered by itself.
    pub refused: Option<&'static str>,
    /// Upstream's time.
    pub upstream: Option<Duration>,
    /// Twilio's request id.
    pub upstream_request_id: Option<String>,
    /// Attempts upstream.
    pub forwarded: bool,
}

/// Writes the line.
pub fn emit(record: &Record, method: &str, path: &str, status: u16, latency: Duration) {
    let dash = "-";
    let path: String = path.chars().take(160).collect();
    tracing::info!(
        target: "gateway::audit",
        key = record.key.as_deref().unwrap_or(dash),
        key_id = record.key_id.as_deref().unwrap_or(dash),
        via = record.via.unwrap_or(dash),
        operation = record.operation.as_deref().unwrap_or(dash),
        method,
        path = %path,
        account = record.account.as_deref().unwrap_or(dash),
        status,
        refused = record.refused.unwrap_or(dash),
        forwarded = record.forwarded,
        latency_ms = latency.as_secs_f64() * 1000.0,
        upstream_ms = record.upstream.map_or(-1.0, |d| d.as_secs_f64() * 1000.0),
        upstream_request_id = record.upstream_request_id.as_deref().unwrap_or(dash),
        params = %record.params,
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_data_and_free_text_are_redacted() {
        use api as _;
        let all = runtime::endpoints();
        let info = all
            .iter()
            .find(|i| i.name.ends_with("payments::update::Update"))
            .expect("payments update");
        let op = Operation::new(info);
        let wire = WireInput {
            pairs: vec![
                ("Capture".into(), "payment-card-number".into()),
                ("IdempotencyKey".into(), "k-1".into()),
                (
                    "StatusCallback".into(),
                    "https://user:pw@example.com/cb".into(),
                ),
                ("Bogus".into(), "4242424242424242".into()),
            ],
            ..WireInput::default()
        };
        let text = params(&op, &wire);
        assert!(text.contains("Capture=\"payment-card-number\""), "{text}");
        assert!(text.contains("IdempotencyKey=\"k-1\""), "{text}");
        assert!(text.contains("StatusCallback=[redacted]"), "{text}");
        assert!(text.contains("Bogus=[redacted]"), "{text}");
        assert!(!text.contains("4242") && !text.contains("pw@"), "{text}");
    }
}
