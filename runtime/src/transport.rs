//! Sending one declared request: validate, encode, send with retries, read a capped body,
//! decode. Traces method, path, status, attempt and elapsed time; never headers or bodies.

use std::time::{Duration, Instant, SystemTime};

use http::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, PROXY_AUTHORIZATION, RETRY_AFTER, USER_AGENT,
};
use http_body_util::BodyExt as _;
use hyper::body::{Body as _, Incoming};

use crate::client::Client;
use crate::endpoint::{CallOptions, Endpoint, Method};
use crate::error::{excerpt, ApiError, Error, ErrorKind, Outcome, TransportError};
use crate::param::InvalidParams;
use crate::retry::{parse_retry_after, RetryEvent, RetryReason};

// Static header values: no validation and no copy per request.
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A request ready to go: everything computed once, so every attempt sends the same bytes.
struct Prepared {
    method: Method,
    /// The request target, parsed once: retries reuse it.
    uri: http::Uri,
    /// The same as text, for the path in traces and errors.
    url: String,
    path_len: usize,
    body: Option<bytes::Bytes>,
    replay_safe: bool,
    /// The declared success status; a 3xx one (a documented redirect) is an answer too.
    expected: u16,
}

impl Prepared {
    fn path(&self) -> &str {
        let start = self.url.len() - self.path_len;
        &self.url[start..]
    }
}

/// A success status and its body, with what the failed attempts before it may have done.
struct Answer {
    status: u16,
    body: bytes::Bytes,
    attempts: u32,
    earlier: Outcome,
}

/// What one attempt produced.
enum Attempt {
    Done(u16, bytes::Bytes),
    Retry(RetryReason, Option<Duration>, Error),
    Fail(Error),
}

impl Client {
    /// Encodes a declared request exactly as it would be sent: `(path and query, form body)`.
    /// Validates first, so a bad value is reported here too.
    pub fn encode<E: Endpoint>(&self, params: &E) -> Result<(String, Option<String>), Error> {
        encode(params, self.account_sid(), "")
    }

    /// Sends a declared request and decodes the answer. The generated `send` methods call this.
    pub async fn execute<E: Endpoint>(
        &self,
        params: &E,
        options: &CallOptions,
    ) -> Result<E::Response, Error> {
        let prepared = self.prepare(params)?;
        let done = self.send_with_retries(&prepared, options).await?;
        decode_answer(&prepared, &done)
    }

    /// GETs a path (with query) relative to the base URL through the same retries, auth and
    /// body cap as [`execute`](Self::execute); pagination follows `next_page_uri` with it.
    pub(crate) async fn get_path<R: serde::de::DeserializeOwned>(
        &self,
        target: &str,
        options: &CallOptions,
    ) -> Result<R, Error> {
        let url = format!("{}{target}", self.inner.base_url);
        let uri =
            uri(&url).map_err(|e| e.with_context(0, "GET", target, true, Outcome::NotSent))?;
        let prepared = Prepared {
            method: Method::Get,
            uri,
            url,
            path_len: target.len(),
            body: None,
            replay_safe: true,
            expected: 200,
        };
        let done = self.send_with_retries(&prepared, options).await?;
        decode_answer(&prepared, &done)
    }

    fn prepare<E: Endpoint>(&self, params: &E) -> Result<Prepared, Error> {
        // The path is written straight after the base URL: one buffer, no copy.
        let base = &self.inner.base_url;
        let (url, body) = encode(params, self.account_sid(), base)?;
        Ok(Prepared {
            method: E::INFO.method,
            path_len: url.len() - base.len(),
            uri: uri(&url)?,
            url,
            body: body.map(bytes::Bytes::from),
            replay_safe: E::INFO.method != Method::Post || params.idempotency_key().is_some(),
            expected: E::INFO.status,
        })
    }

    async fn send_with_retries(
        &self,
        req: &Prepared,
        options: &CallOptions,
    ) -> Result<Answer, Error> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let method = req.method.as_str();
        let started = Instant::now();
        // What the failed attempts so far may have done: a retry that is refused must not
        // hide an earlier attempt that Twilio may have acted on.
        let mut earlier = Outcome::NotSent;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // The deadline bounds the whole call, so the last attempt only gets what is left.
            let attempt_timeout = match policy.deadline {
                Some(deadline) => timeout.min(deadline.saturating_sub(started.elapsed())),
                None => timeout,
            };
            let t0 = Instant::now();
            let result = self.attempt(req, attempt_timeout).await;
            let elapsed_ms = millis(t0.elapsed());
            let (reason, retry_after, err) = match result {
                Attempt::Done(status, body) => {
                    tracing::debug!(target: "twilio", method, path = req.path(), status, attempt, elapsed_ms, "response");
                    return Ok(Answer {
                        status,
                        body,
                        attempts: attempt,
                        earlier,
                    });
                }
                Attempt::Fail(err) => {
                    tracing::debug!(target: "twilio", method, path = req.path(), status = err.status(), attempt, elapsed_ms, error = %err, "request failed");
                    return Err(err.with_context(
                        attempt,
                        method,
                        req.path(),
                        req.replay_safe,
                        earlier,
                    ));
                }
                Attempt::Retry(reason, retry_after, err) => (reason, retry_after, err),
            };
            let delay = policy.delay(attempt, retry_after);
            let past_deadline = policy
                .deadline
                .is_some_and(|d| started.elapsed() + delay >= d);
            if attempt >= policy.max_attempts || past_deadline {
                tracing::debug!(target: "twilio", method, path = req.path(), status = err.status(), attempt, elapsed_ms, %reason, past_deadline, "giving up");
                return Err(err.with_context(
                    attempt,
                    method,
                    req.path(),
                    req.replay_safe,
                    earlier,
                ));
            }
            earlier = earlier.merge(err.outcome());
            tracing::info!(target: "twilio", method, path = req.path(), status = err.status(), attempt, elapsed_ms, %reason, delay_ms = millis(delay), "retrying");
            if let Some(hook) = &policy.hook {
                hook(&RetryEvent {
                    attempt,
                    reason,
                    delay,
                    method,
                    path: req.path().to_owned(),
                });
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// The HTTP request for one attempt; `Bytes` clones share one buffer, so every attempt
    /// sends the very same body.
    fn request(&self, req: &Prepared) -> http::Request<Full> {
        let inner = &self.inner;
        let mut request = http::Request::new(Full::new(req.body.clone().unwrap_or_default()));
        *request.method_mut() = req.method.to_http();
        *request.uri_mut() = req.uri.clone();
        let headers = request.headers_mut();
        headers.reserve(6);
        headers.insert(AUTHORIZATION, inner.authorization.clone());
        headers.insert(USER_AGENT, inner.user_agent_header.clone());
        if req.method != Method::Delete {
            headers.insert(ACCEPT, JSON);
        }
        if req.body.is_some() {
            headers.insert(CONTENT_TYPE, FORM);
        }
        if let Some(auth) = &inner.proxy_authorization {
            headers.insert(PROXY_AUTHORIZATION, auth.clone());
        }
        request
    }

    async fn attempt(&self, req: &Prepared, timeout: Duration) -> Attempt {
        let inner = &self.inner;
        let request = self.request(req);
        // One timer bounds the attempt: waiting for the answer and reading its body.
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let response = tokio::select! {
            biased;
            response = inner.http.request(request) => match response {
                Ok(response) => response,
                Err(e) => return classify_send_error(req, e),
            },
            () = &mut deadline => {
                // Sent, or perhaps still connecting: nobody can tell which.
                let err = Error::new(ErrorKind::Timeout, Outcome::Unknown, req.replay_safe);
                return retry_if_safe(req, RetryReason::Timeout, err);
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let success = (200..300).contains(&status) || status == req.expected;
        let read = tokio::select! {
            biased;
            read = read_capped(response.into_body(), inner.max_response_bytes) => read,
            () = &mut deadline => Err(BodyError::TimedOut),
        };
        let body = match read {
            Ok(body) => body,
            // An error status decides by itself what happened and whether to retry; its body
            // only adds detail, so a huge or broken one is reduced to what was read.
            Err(BodyError::TooLarge(prefix)) | Err(BodyError::Read(prefix, _)) if !success => {
                prefix
            }
            Err(BodyError::TimedOut) if !success => bytes::Bytes::new(),
            Err(BodyError::TooLarge(_)) => {
                // Twilio acted; asking again would only bring the same oversized answer.
                return Attempt::Fail(Error::new(
                    ErrorKind::BodyTooLarge {
                        status,
                        limit: inner.max_response_bytes,
                    },
                    Outcome::Processed,
                    false,
                ));
            }
            // A success status whose body broke off: Twilio acted, the answer was lost. A
            // replay-safe request may ask again (an idempotent POST gets the original back).
            Err(BodyError::Read(_, e)) => {
                let err = Error::new(ErrorKind::Transport(e), Outcome::Processed, req.replay_safe);
                return retry_if_safe(req, RetryReason::ConnectionLost, err);
            }
            Err(BodyError::TimedOut) => {
                let err = Error::new(ErrorKind::Timeout, Outcome::Processed, req.replay_safe);
                return retry_if_safe(req, RetryReason::Timeout, err);
            }
        };
        if success {
            return Attempt::Done(status, body);
        }
        let err = status_error(status, &body, req.replay_safe);
        match status {
            429 => Attempt::Retry(RetryReason::TooManyRequests, retry_after, err),
            503 => Attempt::Retry(RetryReason::Unavailable, retry_after, err),
            500 | 502 | 504 if req.replay_safe => {
                Attempt::Retry(RetryReason::ServerError(status), retry_after, err)
            }
            _ => Attempt::Fail(err),
        }
    }
}

/// A request body: the whole form, in one piece.
type Full = http_body_util::Full<bytes::Bytes>;

/// The request target. Paths and queries this crate writes are always valid; a
/// `next_page_uri` from a server might not be, and is then normalised the way browsers (and
/// reqwest) do, by the URL parser's percent-encoding.
fn uri(url: &str) -> Result<http::Uri, Error> {
    if let Ok(uri) = http::Uri::try_from(url) {
        return Ok(uri);
    }
    let unusable = |e: &dyn std::fmt::Display| {
        Error::new(
            ErrorKind::Transport(TransportError::new(format!("unusable URL: {e}"), true)),
            Outcome::NotSent,
            false,
        )
    };
    let parsed = url::Url::parse(url).map_err(|e| unusable(&e))?;
    http::Uri::try_from(parsed.as_str()).map_err(|e| unusable(&e))
}

/// Sorts a failure to get any answer: was anything sent, and may it go again?
fn classify_send_error(req: &Prepared, e: hyper_util::client::legacy::Error) -> Attempt {
    if e.is_connect() {
        // The connection never opened (refused, DNS, proxy, TLS, connect timeout): nothing
        // was sent, so any method may go again.
        let kind = if crate::connect::is_connect_timeout(&e) {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport(TransportError::new(e, true))
        };
        return Attempt::Retry(
            RetryReason::Connect,
            None,
            Error::new(kind, Outcome::NotSent, true),
        );
    }
    let err = Error::new(
        ErrorKind::Transport(TransportError::new(e, false)),
        Outcome::Unknown,
        req.replay_safe,
    );
    retry_if_safe(req, RetryReason::ConnectionLost, err)
}

/// An attempt that may have reached Twilio goes again only when the request is replay-safe.
fn retry_if_safe(req: &Prepared, reason: RetryReason, err: Error) -> Attempt {
    if req.replay_safe {
        Attempt::Retry(reason, None, err)
    } else {
        Attempt::Fail(err)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes a success answer into `R`; a body that does not parse is reported with what the
/// retry loop knows (attempts, earlier outcomes).
fn decode_answer<R: serde::de::DeserializeOwned>(
    req: &Prepared,
    done: &Answer,
) -> Result<R, Error> {
    decode::<R>(done.status, &done.body).map_err(|e| {
        e.with_context(
            done.attempts,
            req.method.as_str(),
            req.path(),
            req.replay_safe,
            done.earlier,
        )
    })
}

/// The error for a non-2xx answer.
fn status_error(status: u16, body: &[u8], replay_safe: bool) -> Error {
    let (outcome, retryable) = match status {
        429 | 503 => (Outcome::NotProcessed, true),
        500 | 502 | 504 => (Outcome::Unknown, replay_safe),
        _ => (Outcome::NotProcessed, false),
    };
    let kind = match ApiError::parse(status, body) {
        Some(api) => ErrorKind::Api(Box::new(api)),
        None => ErrorKind::Http {
            status,
            body_excerpt: excerpt(body),
        },
    };
    Error::new(kind, outcome, retryable)
}

/// Validates and encodes: `(prefix + path + query, form body)`.
fn encode<E: Endpoint>(
    params: &E,
    account: &crate::sid::AccountSid,
    prefix: &str,
) -> Result<(String, Option<String>), Error> {
    let mut problems = InvalidParams::default();
    if let Err(p) = params.validate() {
        problems.0.extend(p.0);
    }
    let mut target = String::with_capacity(prefix.len() + E::INFO.path.len() + 64);
    target.push_str(prefix);
    if let Err(p) = params.write_path(account, &mut target) {
        problems.0.extend(p.0);
    }
    problems.into_result().map_err(Error::invalid)?;
    let form_error = |e: crate::form::FormError| {
        Error::invalid(InvalidParams(vec![crate::param::InvalidParam {
            param: "(form)",
            reason: crate::param::ParamError::new(format!("cannot be form-encoded: {e}")),
        }]))
    };
    match E::INFO.method {
        Method::Post => {
            let mut body = String::with_capacity(const { form_capacity(E::INFO.params) });
            crate::form::push_form(&mut body, params).map_err(form_error)?;
            Ok((target, Some(body)))
        }
        Method::Get | Method::Delete => {
            let mark = target.len();
            target.push('?');
            crate::form::push_form(&mut target, params).map_err(form_error)?;
            if target.len() == mark + 1 {
                target.truncate(mark);
            }
            Ok((target, None))
        }
    }
}

/// A first guess at a form body's size, computed at compile time per endpoint: each non-path
/// parameter's name, `=` and `&`, and room for a short encoded value. A good guess saves the
/// buffer's doublings (each a reallocation and copy); a body larger than it costs one doubling.
const fn form_capacity(params: &[crate::param::ParamInfo]) -> usize {
    const VALUE_GUESS: usize = 24;
    let mut total = 0;
    let mut i = 0;
    while i < params.len() {
        if !matches!(params[i].location, crate::param::Location::Path) {
            total += params[i].wire_name.len() + 2 + VALUE_GUESS;
        }
        i += 1;
    }
    if total < 64 {
        64
    } else {
        total
    }
}

enum BodyError {
    /// Over the limit; carries the first bytes, for an error excerpt.
    TooLarge(bytes::Bytes),
    /// The body broke off; carries what was read.
    Read(bytes::Bytes, TransportError),
    /// The attempt's timeout passed while reading.
    TimedOut,
}

/// How much of an oversized body is kept for an error message.
const KEPT_PREFIX: usize = 1024;

/// Reads at most `limit` bytes; a larger body is an error, never an allocation of its size.
async fn read_capped(mut body: Incoming, limit: usize) -> Result<bytes::Bytes, BodyError> {
    let broken =
        |read: bytes::Bytes, e: hyper::Error| BodyError::Read(read, TransportError::new(e, false));
    let announced = body.size_hint().exact();
    if announced.is_some_and(|n| n <= limit as u64) {
        // The length is announced and within the cap, and the connection cannot deliver more
        // than it announced: read it whole, which for a one-piece body is that piece itself,
        // with no buffer to grow and no copy.
        return match body.collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) => Err(broken(bytes::Bytes::new(), e)),
        };
    }
    let announced_too_large = announced.is_some();
    let mut buf = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        let chunk = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(chunk) => chunk,
                Err(_trailers) => continue,
            },
            Err(e) => return Err(broken(buf.freeze(), e)),
        };
        if announced_too_large || buf.len() + chunk.len() > limit {
            let room = KEPT_PREFIX.saturating_sub(buf.len()).min(chunk.len());
            buf.extend_from_slice(&chunk[..room]);
            buf.truncate(KEPT_PREFIX);
            return Err(BodyError::TooLarge(buf.freeze()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Parses a success body into the declared response type. An empty body (a DELETE's 204) reads
/// as JSON `null`, which `()` accepts.
fn decode<R: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<R, Error> {
    let input: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(input).map_err(|e| {
        Error::new(
            ErrorKind::Decode {
                status,
                message: e.to_string(),
                body_excerpt: excerpt(body),
            },
            Outcome::Processed,
            false,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_given_target_that_http_refuses_is_percent_encoded() {
        let plain = uri("http://127.0.0.1:1/2010-04-01/x.json?Page=1&PageToken=PA1").expect("uri");
        assert_eq!(
            plain.path_and_query().map(|p| p.as_str()),
            Some("/2010-04-01/x.json?Page=1&PageToken=PA1")
        );
        let odd = uri("http://127.0.0.1:1/x.json?To=a b\"c").expect("normalised");
        assert_eq!(odd.query(), Some("To=a%20b%22c"));
    }
}
