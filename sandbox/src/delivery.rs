//! Callback delivery: one queue and one worker per session, so a session's callbacks arrive in
//! the order they were sent; each is signed with the account's auth token and retried a few
//! times when the receiver fails. Every attempt is an event (and a log line).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Notify};

use crate::events::{redact_url, step_of, CallbackAttempt, CallbackOutcome, Hub, SandboxEvent};
use crate::session::Form;

/// One callback to send.
pub(crate) struct Delivery {
    pub(crate) url: String,
    pub(crate) form: Form,
}

/// How deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetrySettings {
    /// Attempts per callback, the first included.
    pub(crate) attempts: u32,
    /// Wait before the second attempt; doubled for each later one.
    pub(crate) first_delay: Duration,
    /// Per-attempt timeout.
    pub(crate) timeout: Duration,
}

/// Counters for every delivery the sandbox made, and a way to wait until none is pending.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) delivered: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) attempts: AtomicU64,
    pub(crate) pending: AtomicU64,
    pub(crate) idle: Notify,
}

/// The sending half of a session's queue.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: mpsc::UnboundedSender<Delivery>,
    stats: Arc<Stats>,
}

impl Outbox {
    /// Starts the session's worker.
    pub(crate) fn start(
        http: reqwest::Client,
        auth_token: Arc<str>,
        stats: Arc<Stats>,
        hub: Arc<Hub>,
        retry: RetrySettings,
    ) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(worker(http, auth_token, rx, stats.clone(), hub, retry));
        Self { tx, stats }
    }

    /// Queues one callback (in order after the ones queued before).
    pub(crate) fn send(&self, url: &str, form: Form) {
        self.stats.pending.fetch_add(1, Ordering::SeqCst);
        let delivery = Delivery {
            url: url.to_owned(),
            form,
        };
        if self.tx.send(delivery).is_err() {
            // The worker is gone only when the runtime shuts down; count the loss.
            self.stats.failed.fetch_add(1, Ordering::SeqCst);
            self.finish_one();
        }
    }

    fn finish_one(&self) {
        finish(&self.stats);
    }
}

fn finish(stats: &Stats) {
    if stats.pending.fetch_sub(1, Ordering::SeqCst) == 1 {
        stats.idle.notify_waiters();
    }
}

async fn worker(
    http: reqwest::Client,
    auth_token: Arc<str>,
    mut rx: mpsc::UnboundedReceiver<Delivery>,
    stats: Arc<Stats>,
    hub: Arc<Hub>,
    retry: RetrySettings,
) {
    while let Some(delivery) = rx.recv().await {
        let signature =
            runtime::webhook::compute_signature(&auth_token, &delivery.url, &delivery.form);
        let body = serde_html_form::to_string(&delivery.form).unwrap_or_default();
        // One token per callback, the same on every retry, so receivers can drop repeats.
        let token = idempotency_token();
        let field = |name: &str| {
            delivery
                .form
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let (payment_sid, call_sid) = (field("Sid"), field("CallSid"));
        let step = step_of(&delivery.form);
        let shown_url = redact_url(&delivery.url);
        let attempts = retry.attempts.max(1);
        let mut delay = retry.first_delay;
        let mut ok = false;
        for attempt in 1..=attempts {
            stats.attempts.fetch_add(1, Ordering::SeqCst);
            let started = Instant::now();
            let sent = http
                .post(&delivery.url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", &signature)
                .header("I-Twilio-Idempotency-Token", &token)
                .timeout(retry.timeout)
                .body(body.clone())
                .send()
                .await;
            let outcome = match sent {
                Ok(response) => CallbackOutcome::Answered(response.status().as_u16()),
                Err(error) => CallbackOutcome::Failed(describe(error, retry.timeout)),
            };
            ok = outcome.is_delivered();
            let next_retry = (!ok && attempt < attempts).then_some(delay);
            hub.emit(SandboxEvent::Callback(CallbackAttempt {
                url: shown_url.clone(),
                payment_sid: payment_sid.clone(),
                call_sid: call_sid.clone(),
                step: step.clone(),
                attempt,
                attempts,
                outcome,
                duration: started.elapsed(),
                next_retry,
                idempotency_token: token.clone(),
            }));
            match next_retry {
                Some(wait) => {
                    // Backing off between attempts is the point here, as Twilio does.
                    tokio::time::sleep(wait).await;
                    delay = delay.saturating_mul(2);
                }
                None => break,
            }
        }
        if ok {
            stats.delivered.fetch_add(1, Ordering::SeqCst);
        } else {
            stats.failed.fetch_add(1, Ordering::SeqCst);
        }
        finish(&stats);
    }
}

/// Why an attempt got no answer, in a few words and without the URL (it may hold a password).
fn describe(error: reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {} ms", timeout.as_millis());
    }
    let kind = if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let error = error.without_url();
    // The innermost cause says what happened ("Connection refused (os error 111)").
    let mut cause: &dyn std::error::Error = &error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("{kind}: {cause}")
}

fn idempotency_token() -> String {
    format!("{:032x}", fastrand::u128(..))
}
