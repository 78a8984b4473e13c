//! When a failed attempt is tried again, and how long to wait first.
//!
//! The rule that matters: a request is only resent when resending cannot do twice what it did
//! once. 429 and 503 mean "not processed", and a refused connection means nothing was sent, so
//! those are retried for any method. A timeout, a connection dropped after sending, or a
//! 500/502/504 leave the outcome unknown: those are retried only for GET and DELETE, or a POST
//! that carries an idempotency key (Twilio answers its repeats without acting again).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Why an attempt is being retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The connection could not be opened; nothing was sent.
    Connect,
    /// HTTP 429 Too Many Requests.
    TooManyRequests,
    /// HTTP 503 Service Unavailable.
    Unavailable,
    /// A 500, 502 or 504 (safe to replay only because the request is idempotent).
    ServerError(u16),
    /// No answer within the timeout (idempotent requests only).
    Timeout,
    /// The connection broke after the request was sent (idempotent requests only).
    ConnectionLost,
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::Connect => f.write_str("connection failed"),
            RetryReason::TooManyRequests => f.write_str("429 too many requests"),
            RetryReason::Unavailable => f.write_str("503 unavailable"),
            RetryReason::ServerError(s) => write!(f, "{s} server error"),
            RetryReason::Timeout => f.write_str("timeout"),
            RetryReason::ConnectionLost => f.write_str("connection lost after sending"),
        }
    }
}

/// One retry about to happen, as passed to a [`RetryPolicy::on_retry`] hook.
#[derive(Debug, Clone)]
pub struct RetryEvent {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// Why.
    pub reason: RetryReason,
    /// The wait before the next attempt.
    pub delay: Duration,
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The request path.
    pub path: String,
}

type Hook = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// How failed attempts are retried. Defaults: 3 attempts, backoff from 250 ms doubling to at
/// most 5 s with full jitter, `Retry-After` honoured up to 30 s, 60 s overall deadline.
///
/// Set one on the client with [`ClientBuilder::retry`](crate::ClientBuilder::retry), or for
/// one call with the request builder's `with_retry`; [`RetryPolicy::none`] switches retries off.
///
/// ```
/// use std::time::Duration;
/// use runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .deadline(Some(Duration::from_secs(120)))
///     .on_retry(|e| eprintln!("attempt {} failed ({}), next in {:?}", e.attempt, e.reason, e.delay));
/// # let _ = patient;
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) hook: Option<Hook>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Some(Duration::from_secs(60)),
            hook: None,
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("deadline", &self.deadline)
            .field("hook", &self.hook.as_ref().map(|_| "…"))
            .finish()
    }
}

impl RetryPolicy {
    /// No retries: one attempt, bounded only by the timeout (no separate deadline).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            deadline: None,
            ..Self::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The first backoff step; each later one doubles, up to [`max_delay`](Self::max_delay).
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// The largest backoff step.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// The longest `Retry-After` obeyed; a longer one is cut to this.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Gives up retrying once this much time has passed since the first attempt (`None`: no
    /// deadline beyond the attempt count).
    pub fn deadline(mut self, d: Option<Duration>) -> Self {
        self.deadline = d;
        self
    }

    /// Calls `hook` before every retry (after the `tracing` event).
    pub fn on_retry(mut self, hook: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The wait before attempt `attempt + 1`: full jitter over an exponential step, or the
    /// server's `Retry-After` (capped) when it sent one.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            return ra.min(self.max_retry_after);
        }
        let exp = self.base_delay.saturating_mul(
            1u32.checked_shl(attempt.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let cap = exp.min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Reads `Retry-After`: seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn delay_is_jittered_capped_and_obeys_retry_after() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(2));
        for attempt in 1..20 {
            assert!(p.delay(attempt, None) <= Duration::from_secs(5));
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(60))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn none_makes_one_attempt_bounded_only_by_the_timeout() {
        let p = RetryPolicy::none();
        assert_eq!(p.max_attempts, 1);
        assert_eq!(p.deadline, None);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.delay(1, None) <= Duration::from_millis(100));
            assert!(p.delay(2, None) <= Duration::from_millis(200));
            assert!(p.delay(3, None) <= Duration::from_millis(350));
            assert!(p.delay(40, None) <= Duration::from_millis(350));
        }
        // Full jitter: over many draws the waits spread across the range, not one value.
        let draws: std::collections::BTreeSet<_> = (0..50).map(|_| p.delay(3, None)).collect();
        assert!(draws.len() > 10);
    }
}
