//! What the sandbox does, as it happens: each request answered, each callback attempt, each call
//! started and each field the caller was cut off in. One place both writes the log (`tracing`
//! events under the `sandbox::…` targets) and feeds [`crate::Sandbox::events`], so the log a
//! person reads and what a program observes never disagree.
//!
//! No event carries a card digit, a token or the auth token: requests are described by method,
//! path and answer (never headers or bodies), callbacks by URL (its password masked), answer
//! and which step of the session they report.

use std::time::Duration;

use tokio::sync::broadcast;

/// One thing the sandbox did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SandboxEvent {
    /// A REST request was answered.
    Request(RequestRecord),
    /// A status callback was attempted.
    Callback(CallbackAttempt),
    /// A call started (over REST or [`crate::Sandbox::start_call`]).
    CallStarted(CallStarted),
    /// The caller stopped keying a field before its last digit.
    KeyingInterrupted(KeyingInterrupted),
}

/// A REST request and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The answer's HTTP status.
    pub status: u16,
    /// Twilio's error code, for an error answer.
    pub error_code: Option<u32>,
    /// The error message sent back, for an error answer.
    pub error_message: Option<String>,
    /// The `Twilio-Request-Id` sent back (`RQ…`).
    pub request_id: String,
    /// From the request's arrival to its answer.
    pub duration: Duration,
}

/// One HTTP attempt at delivering a status callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackAttempt {
    /// Where it went (a password in the URL is shown as `***`).
    pub url: String,
    /// The pay session (`PK…`) it reports on.
    pub payment_sid: String,
    /// The call (`CA…`).
    pub call_sid: String,
    /// Which step it reports: `payment-card-number typing`, `security-code done`,
    /// `postal-code error invalid-postal-code`, `Result=success`, …
    pub step: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Attempts allowed for this callback.
    pub attempts: u32,
    /// What happened.
    pub outcome: CallbackOutcome,
    /// How long the attempt took.
    pub duration: Duration,
    /// When the next attempt follows; `None` when delivered or given up.
    pub next_retry: Option<Duration>,
    /// The `I-Twilio-Idempotency-Token` (the same on every attempt of one callback).
    pub idempotency_token: String,
}

/// How a callback attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackOutcome {
    /// The receiver answered with this status.
    Answered(u16),
    /// No answer: connection refused, timeout, … (described without the URL).
    Failed(String),
}

impl CallbackOutcome {
    /// Whether the receiver accepted it (2xx).
    pub fn is_delivered(&self) -> bool {
        matches!(self, Self::Answered(s) if (200..300).contains(s))
    }
}

/// A call that started, and what its caller will do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallStarted {
    /// The call (`CA…`).
    pub call_sid: String,
    /// The card the caller keys in, as the log shows it (`visa …0002 (declined)`): brand and
    /// last four digits only.
    pub card: String,
    /// What chose the card: `To +15005550002`, `SandboxTestCard`, `the sandbox's default`, …
    pub card_chosen_by: String,
    /// The caller's pace: `instant`, `realistic` or `custom (…)`.
    pub pace: String,
    /// What chose the pace.
    pub pace_chosen_by: String,
}

/// A field the caller stopped keying before its last digit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyingInterrupted {
    /// The pay session (`PK…`).
    pub payment_sid: String,
    /// The field being keyed (`payment-card-number`, …).
    pub field: String,
    /// Digits keyed before the interruption.
    pub typed: usize,
    /// Digits the field has.
    pub digits: usize,
    /// What cut it off: `Capture=expiration-date`, `Status=cancel`, `the call ending`.
    pub by: String,
}

/// Events as they happen, from [`crate::Sandbox::events`]. Events before the subscription are
/// not replayed; a subscriber that falls more than 4,096 events behind skips the oldest (see
/// [`Events::missed`]).
#[derive(Debug)]
pub struct Events {
    rx: broadcast::Receiver<SandboxEvent>,
    missed: u64,
}

impl Events {
    /// The next event; `None` once the sandbox is gone.
    pub async fn next(&mut self) -> Option<SandboxEvent> {
        loop {
            match self.rx.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(n)) => self.missed += n,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// The next event if one is waiting, without waiting.
    pub fn try_next(&mut self) -> Option<SandboxEvent> {
        loop {
            match self.rx.try_recv() {
                Ok(event) => return Some(event),
                Err(broadcast::error::TryRecvError::Lagged(n)) => self.missed += n,
                Err(_) => return None,
            }
        }
    }

    /// Events skipped because this subscriber fell behind.
    pub fn missed(&self) -> u64 {
        self.missed
    }
}

/// Writes each event to the log and to the subscribers.
#[derive(Debug)]
pub(crate) struct Hub {
    tx: broadcast::Sender<SandboxEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(4096).0,
        }
    }
}

impl Hub {
    pub(crate) fn subscribe(&self) -> Events {
        Events {
            rx: self.tx.subscribe(),
            missed: 0,
        }
    }

    pub(crate) fn emit(&self, event: SandboxEvent) {
        log(&event);
        // No subscriber is fine: the log has it.
        let _ = self.tx.send(event);
    }
}

/// Milliseconds with a tenth, for the log.
fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The log line of an event: a sentence for people, the same facts as fields for machines
/// (`--log-format json`).
fn log(event: &SandboxEvent) {
    match event {
        SandboxEvent::Request(r) => {
            let error = match (&r.error_code, &r.error_message) {
                (Some(code), Some(message)) => format!(" error {code}: {message}"),
                (Some(code), None) => format!(" error {code}"),
                _ => String::new(),
            };
            let line = format!(
                "{} {} → {} {} in {} ms{error}",
                r.method,
                r.path,
                r.status,
                reason(r.status),
                ms(r.duration),
            );
            macro_rules! emit {
                ($level:ident) => {
                    tracing::$level!(
                        target: "sandbox::request",
                        method = %r.method,
                        path = %r.path,
                        status = r.status,
                        error_code = r.error_code,
                        request_id = %r.request_id,
                        duration_ms = ms(r.duration),
                        "{line}"
                    )
                };
            }
            if r.status < 400 {
                emit!(info)
            } else {
                emit!(warn)
            }
        }
        SandboxEvent::Callback(c) => {
            let answer = match &c.outcome {
                CallbackOutcome::Answered(status) => {
                    format!("{status} {} in {} ms", reason(*status), ms(c.duration))
                }
                CallbackOutcome::Failed(why) => why.clone(),
            };
            let then = match (c.outcome.is_delivered(), c.next_retry) {
                (true, _) => String::new(),
                (false, Some(delay)) => format!(", next attempt in {} ms", delay.as_millis()),
                (false, None) => ", giving up".to_owned(),
            };
            let line = format!(
                "callback POST {} ({} {}) → {answer}, attempt {}/{}{then}",
                c.url, c.payment_sid, c.step, c.attempt, c.attempts
            );
            let (status, error) = match &c.outcome {
                CallbackOutcome::Answered(s) => (Some(*s), None),
                CallbackOutcome::Failed(why) => (None, Some(why.as_str())),
            };
            let next_retry_ms = c.next_retry.map(|d| d.as_millis() as u64);
            macro_rules! emit {
                ($level:ident) => {
                    tracing::$level!(
                        target: "sandbox::callback",
                        url = %c.url,
                        payment_sid = %c.payment_sid,
                        call_sid = %c.call_sid,
                        step = %c.step,
                        status,
                        error,
                        attempt = c.attempt,
                        attempts = c.attempts,
                        next_retry_ms,
                        duration_ms = ms(c.duration),
                        "{line}"
                    )
                };
            }
            match (c.outcome.is_delivered(), c.next_retry) {
                (true, _) => emit!(info),
                (false, Some(_)) => emit!(warn),
                (false, None) => emit!(error),
            }
        }
        SandboxEvent::CallStarted(c) => tracing::info!(
            target: "sandbox::call",
            call_sid = %c.call_sid,
            card = %c.card,
            card_chosen_by = %c.card_chosen_by,
            pace = %c.pace,
            pace_chosen_by = %c.pace_chosen_by,
            "call {} in progress: the caller keys in {} (chosen by {}), pace {} (chosen by {})",
            c.call_sid,
            c.card,
            c.card_chosen_by,
            c.pace,
            c.pace_chosen_by
        ),
        SandboxEvent::KeyingInterrupted(k) => tracing::info!(
            target: "sandbox::caller",
            payment_sid = %k.payment_sid,
            field = %k.field,
            typed = k.typed,
            digits = k.digits,
            by = %k.by,
            "{} {}: the caller was cut off by {} after {} of {} digits; the field is still required",
            k.payment_sid,
            k.field,
            k.by,
            k.typed,
            k.digits
        ),
    }
}

/// `url` with any password replaced by `***`.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Only absolute URLs get here; keep nothing of one that does not parse.
        Err(_) => "(unparsable URL)".to_owned(),
    }
}

/// Which step a callback's form reports, from its non-secret fields only.
pub(crate) fn step_of(form: &[(String, String)]) -> String {
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if let Some(result) = get("Result") {
        return format!("Result={result}");
    }
    let field = get("Capture").unwrap_or("-");
    match (get("ErrorType"), get("PartialResult")) {
        (Some(error), _) => format!("{field} error {error}"),
        (None, Some("true")) => format!("{field} typing"),
        _ => format!("{field} done"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password_only() {
        assert_eq!(
            redact_url("https://user:hunter2@example.com/cb?x=1"),
            "https://user:***@example.com/cb?x=1"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:9/pay"),
            "http://127.0.0.1:9/pay"
        );
    }

    #[test]
    fn steps_are_named_from_safe_fields() {
        let form = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            step_of(&form(&[
                ("Capture", "payment-card-number"),
                ("PartialResult", "true"),
                ("PaymentCardNumber", "xxxx")
            ])),
            "payment-card-number typing"
        );
        assert_eq!(
            step_of(&form(&[
                ("Capture", "security-code"),
                ("PartialResult", "false"),
                ("ErrorType", "invalid-security-code")
            ])),
            "security-code error invalid-security-code"
        );
        assert_eq!(
            step_of(&form(&[("Required", ""), ("Result", "success")])),
            "Result=success"
        );
    }
}
