//! Sending one declared request: validate, encode, send with retries, read a capped body,
//! decode. Traces method, path, status, attempt and elapsed time; never headers or bodies.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};

use crate::client::Client;
use crate::endpoint::{CallOptions, Endpoint};
use crate::error::{excerpt, ApiError, Error, ErrorKind, Outcome, TransportError};
use crate::param::{InvalidParams, ParamError};
use crate::registry::{Auth, Body, Method};
use crate::retry::{parse_retry_after, RetryEvent, RetryReason};

// Static header values: no validation and no copy per request.
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A request ready to go: everything computed once, so every attempt sends the same bytes.
struct Prepared {
    method: Method,
    /// The request URL, parsed once: retries reuse it.
    url: reqwest::Url,
    /// The path and query as written, for traces and errors.
    path: String,
    /// The body and its content type: method, URL, headers and body are all data here, so
    /// another body format needs no change to sending.
    body: Option<(HeaderValue, bytes::Bytes)>,
    /// The declaration's header parameters, checked.
    headers: Vec<(HeaderName, HeaderValue)>,
    /// How the request authenticates.
    auth: Auth,
    replay_safe: bool,
    /// The declared success status; a 3xx one (a documented redirect) is an answer too.
    expected: u16,
}

/// The answer that ended a call (a success, or an error status the retry policy is done with),
/// with what the failed attempts before it may have done.
struct Answer {
    status: u16,
    /// The headers a proxy keeps ([`kept_header`]); only collected for [`Client::send_raw`].
    headers: Vec<(String, String)>,
    body: bytes::Bytes,
    attempts: u32,
    earlier: Outcome,
}

/// What one attempt produced.
enum Attempt {
    /// The call ends here: an answer to hand back, or no answer at all.
    Done(Result<Answer, Error>),
    /// Worth another try, for `reason`, after `retry_after` when the server said so; `last` is
    /// what the call returns if the policy allows no more attempts.
    Retry {
        reason: RetryReason,
        retry_after: Option<Duration>,
        last: Result<Answer, Error>,
    },
}

/// What an HTTP status says about a request: whether Twilio acted on it, and whether the same
/// request may go again. The retry loop and the error type both read it, so they never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// The declared status, or any 2xx.
    Success,
    /// An error status.
    Refused {
        /// What the status says Twilio did.
        outcome: Outcome,
        /// Why to try again, when trying again is safe.
        retry: Option<RetryReason>,
    },
}

/// Judges `status` for a request that expected `expected` and is `replay_safe` or not: 429 and
/// 503 say "not processed, try later" for any method; 500, 502 and 504 leave the outcome
/// unknown, so only a replay-safe request goes again; any other error status is final.
fn judge(status: u16, expected: u16, replay_safe: bool) -> Verdict {
    if (200..300).contains(&status) || status == expected {
        return Verdict::Success;
    }
    let (outcome, retry) = match status {
        429 => (Outcome::NotProcessed, Some(RetryReason::TooManyRequests)),
        503 => (Outcome::NotProcessed, Some(RetryReason::Unavailable)),
        500 | 502 | 504 => (
            Outcome::Unknown,
            replay_safe.then_some(RetryReason::ServerError(status)),
        ),
        _ => (Outcome::NotProcessed, None),
    };
    Verdict::Refused { outcome, retry }
}

/// An answer as it came back, for callers that pass it on (a gateway): [`Client::send_raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status, error statuses included.
    pub status: u16,
    /// The response headers a proxy must keep: `Content-Type`, `Retry-After`, and every
    /// `Twilio-*` and `X-Twilio-*` header (`Twilio-Request-Id` among them), names in lower
    /// case, in the order received. Hop-by-hop and connection headers are never among them.
    pub headers: Vec<(String, String)>,
    /// The body, whole.
    pub body: bytes::Bytes,
}

impl RawAnswer {
    /// The first value of header `name` (any case), if kept.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a response header is one [`RawAnswer`] keeps (`name` is lower case, as HTTP
/// libraries hand names over).
fn kept_header(name: &str) -> bool {
    matches!(name, "content-type" | "retry-after")
        || name.starts_with("twilio-")
        || name.starts_with("x-twilio-")
}

impl Client {
    /// Encodes a declared request exactly as it would be sent: `(path and query, body)`, the
    /// body form-encoded, or a JSON object for a `body = json` declaration. Validates first, so
    /// a bad value is reported here too. Header parameters are not part of it
    /// ([`Endpoint::headers`]).
    pub fn encode<E: Endpoint>(&self, params: &E) -> Result<(String, Option<String>), Error> {
        crate::request::encode(params, self.account_sid())
    }

    /// Sends a declared request and decodes the answer. The generated `send` methods call this.
    pub async fn execute<E: Endpoint>(
        &self,
        params: &E,
        options: &CallOptions,
    ) -> Result<E::Response, Error> {
        let prepared = self.prepare(params)?;
        let answer = self.send_with_retries(&prepared, options, false).await?;
        decode_answer(&prepared, &answer)
    }

    /// Sends a declared request exactly as [`execute`](Self::execute) does (validation,
    /// encoding, auth, retries, timeouts, body cap) and hands the answer back as it came:
    /// status, the headers a proxy keeps, and the body bytes.
    ///
    /// An error status (4xx, 5xx) is an answer too, returned once the retry policy is done
    /// with it: a 503 is retried first, a 400 comes back at once. `Err` means no answer came:
    /// refused parameters, a transport failure, a timeout, or a body over the cap.
    ///
    /// ```no_run
    /// # async fn demo(client: &runtime::Client, params: &impl runtime::Endpoint) -> Result<(), runtime::Error> {
    /// let answer = client.send_raw(params, &runtime::CallOptions::default()).await?;
    /// println!("{} ({:?}): {} bytes", answer.status, answer.header("twilio-request-id"), answer.body.len());
    /// # Ok(()) }
    /// ```
    pub async fn send_raw<E: Endpoint>(
        &self,
        params: &E,
        options: &CallOptions,
    ) -> Result<RawAnswer, Error> {
        let prepared = self.prepare(params)?;
        let answer = self.send_with_retries(&prepared, options, true).await?;
        Ok(RawAnswer {
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
        })
    }

    /// GETs a path (with query) on the routed base of `host` through the same retries, auth
    /// and body cap as [`execute`](Self::execute); pagination follows page links with it.
    pub(crate) async fn get_path<R: crate::response::ResponseBody>(
        &self,
        host: &str,
        auth: Auth,
        target: &str,
        options: &CallOptions,
    ) -> Result<R, Error> {
        let url = self
            .inner
            .routes
            .url(host, target)
            .map_err(|e| e.with_context(0, "GET", target, true, Outcome::NotSent))?;
        let prepared = Prepared {
            method: Method::Get,
            url,
            path: target.to_owned(),
            body: None,
            headers: Vec::new(),
            auth,
            replay_safe: true,
            expected: 200,
        };
        let answer = self.send_with_retries(&prepared, options, false).await?;
        decode_answer(&prepared, &answer)
    }

    /// POSTs a form without credentials (the OAuth2 token request) through the same retries,
    /// timeouts and body cap; resending it is harmless, so it is replay-safe.
    pub(crate) async fn post_form_unauthenticated<R: crate::response::ResponseBody>(
        &self,
        host: &str,
        target: &str,
        form: String,
        options: &CallOptions,
    ) -> Result<R, Error> {
        let prepared = Prepared {
            method: Method::Post,
            url: self.inner.routes.url(host, target)?,
            path: target.to_owned(),
            body: Some((FORM, bytes::Bytes::from(form))),
            headers: Vec::new(),
            auth: Auth::None,
            replay_safe: true,
            expected: 200,
        };
        let answer = self.send_with_retries(&prepared, options, false).await?;
        decode_answer(&prepared, &answer)
    }

    fn prepare<E: Endpoint>(&self, params: &E) -> Result<Prepared, Error> {
        let (path, body) = crate::request::encode(params, self.account_sid())?;
        // SCIM's operations name their own JSON type (`application/scim+json`), for the body
        // and `Accept` both, as twilio-python sends them; everything else is plain JSON.
        let media = match E::INFO.media {
            "application/json" => JSON,
            other => HeaderValue::from_str(other).map_err(|_| {
                Error::config(format!(
                    "{}: {other:?} cannot be a media type header",
                    E::INFO.operation()
                ))
            })?,
        };
        let mut headers = header_params(params.headers())?;
        if media != JSON {
            headers.push((ACCEPT, media.clone()));
        }
        let content_type = match E::INFO.body {
            Body::Json => media,
            Body::Form | Body::None => FORM,
        };
        if E::INFO.auth == Auth::OAuth2 && self.inner.oauth2.is_none() {
            return Err(Error::config(format!(
                "{} authenticates with OAuth2: set ClientBuilder::oauth2(client_id, client_secret)",
                E::INFO.operation()
            )));
        }
        Ok(Prepared {
            method: E::INFO.method,
            url: self.inner.routes.url(E::INFO.host, &path)?,
            path,
            body: body.map(|text| (content_type, bytes::Bytes::from(text))),
            headers,
            auth: E::INFO.auth,
            replay_safe: E::INFO.method.is_idempotent() || params.idempotency_key().is_some(),
            expected: E::INFO.status,
        })
    }

    /// Sends `req` until an attempt ends the call or the policy allows no more. `raw`: keep the
    /// answer's headers, and refuse an error status whose body did not arrive whole.
    async fn send_with_retries(
        &self,
        req: &Prepared,
        options: &CallOptions,
        raw: bool,
    ) -> Result<Answer, Error> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let method = req.method.as_str();
        let started = Instant::now();
        // What the failed attempts so far may have done: a retry that is refused must not
        // hide an earlier attempt that Twilio may have acted on.
        let mut earlier = Outcome::NotSent;
        let mut attempt = 0u32;
        let bearer_failed =
            |e: Error| e.with_context(0, method, &req.path, req.replay_safe, Outcome::NotSent);
        let mut bearer = match req.auth {
            Auth::OAuth2 => Some(self.bearer(None, options).await.map_err(bearer_failed)?),
            Auth::Basic | Auth::None => None,
        };
        // A 401 to an OAuth2 request drops its token and asks once more with a new one.
        let mut refreshed = false;
        loop {
            attempt += 1;
            // The deadline bounds the whole call, so the last attempt only gets what is left.
            let attempt_timeout = match policy.deadline {
                Some(deadline) => timeout.min(deadline.saturating_sub(started.elapsed())),
                None => timeout,
            };
            let t0 = Instant::now();
            let result = self
                .attempt(req, attempt_timeout, raw, bearer.as_ref())
                .await;
            let elapsed_ms = millis(t0.elapsed());
            if let (Attempt::Done(Ok(answer)), Some(used), false) = (&result, &bearer, refreshed) {
                if answer.status == 401 {
                    tracing::debug!(target: "twilio", method, path = &req.path, attempt, "401: fetching a new OAuth2 token");
                    refreshed = true;
                    let fresh = self.bearer(Some(used), options).await;
                    bearer = Some(fresh.map_err(bearer_failed)?);
                    continue;
                }
            }
            // What this attempt may have done, and the call's result if it ends here.
            let finish = |last: Result<Answer, Error>| match last {
                Ok(mut answer) => {
                    tracing::debug!(target: "twilio", method, path = &req.path, status = answer.status, attempt, elapsed_ms, "response");
                    answer.attempts = attempt;
                    answer.earlier = earlier;
                    Ok(answer)
                }
                Err(err) => {
                    tracing::debug!(target: "twilio", method, path = &req.path, status = err.status(), attempt, elapsed_ms, error = %err, "request failed");
                    Err(err.with_context(attempt, method, &req.path, req.replay_safe, earlier))
                }
            };
            let (reason, retry_after, last) = match result {
                Attempt::Done(last) => return finish(last),
                Attempt::Retry {
                    reason,
                    retry_after,
                    last,
                } => (reason, retry_after, last),
            };
            let delay = policy.delay(attempt, retry_after);
            let past_deadline = policy
                .deadline
                .is_some_and(|d| started.elapsed() + delay >= d);
            if attempt >= policy.max_attempts || past_deadline {
                tracing::debug!(target: "twilio", method, path = &req.path, attempt, %reason, past_deadline, "giving up");
                return finish(last);
            }
            let (status, outcome) = match &last {
                Ok(answer) => (Some(answer.status), outcome_of(req, answer.status)),
                Err(err) => (err.status(), err.outcome()),
            };
            earlier = earlier.merge(outcome);
            tracing::info!(target: "twilio", method, path = &req.path, status, attempt, elapsed_ms, %reason, delay_ms = millis(delay), "retrying");
            if let Some(hook) = &policy.hook {
                hook(&RetryEvent {
                    attempt,
                    reason,
                    delay,
                    method,
                    path: req.path.clone(),
                });
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// The HTTP request for one attempt; `Bytes` clones share one buffer, so every attempt
    /// sends the very same body.
    fn request(&self, req: &Prepared, bearer: Option<&HeaderValue>) -> reqwest::Request {
        let inner = &self.inner;
        let method = reqwest::Method::from_bytes(req.method.as_str().as_bytes())
            .unwrap_or(reqwest::Method::GET);
        let mut request = reqwest::Request::new(method, req.url.clone());
        let headers = request.headers_mut();
        headers.reserve(4 + req.headers.len());
        match (req.auth, bearer) {
            (Auth::Basic, _) => {
                headers.insert(AUTHORIZATION, inner.authorization.clone());
            }
            (Auth::OAuth2, Some(bearer)) => {
                headers.insert(AUTHORIZATION, bearer.clone());
            }
            (Auth::OAuth2, None) | (Auth::None, _) => {}
        }
        for (name, value) in &req.headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(USER_AGENT, inner.user_agent_header.clone());
        if req.method != Method::Delete {
            // A declaration's own media type, pushed with the header parameters, wins.
            headers.entry(ACCEPT).or_insert(JSON);
        }
        if let Some((content_type, body)) = &req.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        request
    }

    async fn attempt(
        &self,
        req: &Prepared,
        timeout: Duration,
        raw: bool,
        bearer: Option<&HeaderValue>,
    ) -> Attempt {
        let inner = &self.inner;
        let request = self.request(req, bearer);
        // One timer bounds the attempt: waiting for the answer and reading its body.
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let response = tokio::select! {
            biased;
            response = inner.http.execute(request) => match response {
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
        let headers = if raw {
            response
                .headers()
                .iter()
                .filter(|(name, _)| kept_header(name.as_str()))
                .filter_map(|(name, value)| {
                    Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                })
                .collect()
        } else {
            Vec::new()
        };
        let verdict = judge(status, req.expected, req.replay_safe);
        let success = verdict == Verdict::Success;
        let read = tokio::select! {
            biased;
            read = read_capped(response, inner.max_response_bytes) => read,
            () = &mut deadline => Err(BodyError::TimedOut),
        };
        let body = match read {
            Ok(body) => body,
            // An error status decides by itself what happened and whether to retry; its body
            // only adds detail, so a huge or broken one is reduced to what was read. Passed on
            // raw, though, a cut body would pose as the whole answer: then it is an error.
            Err(BodyError::TooLarge(prefix)) | Err(BodyError::Read(prefix, _))
                if !success && !raw =>
            {
                prefix
            }
            Err(BodyError::TimedOut) if !success && !raw => bytes::Bytes::new(),
            Err(BodyError::TooLarge(_)) => {
                // The answer came; asking again would only bring the same oversized one.
                let outcome = outcome_of(req, status);
                return Attempt::Done(Err(Error::new(
                    ErrorKind::BodyTooLarge {
                        status,
                        limit: inner.max_response_bytes,
                    },
                    outcome,
                    false,
                )));
            }
            // A body that broke off: the status was read, the answer lost. A replay-safe
            // request may ask again (an idempotent POST gets the original back).
            Err(BodyError::Read(_, e)) => {
                let err = Error::new(
                    ErrorKind::Transport(e),
                    outcome_of(req, status),
                    req.replay_safe,
                );
                return retry_if_safe(req, RetryReason::ConnectionLost, err);
            }
            Err(BodyError::TimedOut) => {
                let err = Error::new(ErrorKind::Timeout, outcome_of(req, status), req.replay_safe);
                return retry_if_safe(req, RetryReason::Timeout, err);
            }
        };
        let answer = Answer {
            status,
            headers,
            body,
            attempts: 0,
            earlier: Outcome::NotSent,
        };
        match verdict {
            Verdict::Refused {
                retry: Some(reason),
                ..
            } => Attempt::Retry {
                reason,
                retry_after,
                last: Ok(answer),
            },
            _ => Attempt::Done(Ok(answer)),
        }
    }
}

/// What an answer with `status` says Twilio did with `req`.
fn outcome_of(req: &Prepared, status: u16) -> Outcome {
    match judge(status, req.expected, req.replay_safe) {
        Verdict::Success => Outcome::Processed,
        Verdict::Refused { outcome, .. } => outcome,
    }
}

/// The header parameters of a request, each checked to be sendable: a value with a line break
/// or another control character is refused before anything is sent, naming the header.
fn header_params(
    given: Vec<(&'static str, String)>,
) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
    let mut refused = InvalidParams::default();
    let mut out = Vec::with_capacity(given.len());
    for (name, value) in given {
        let header = HeaderName::from_bytes(name.as_bytes());
        match (header, HeaderValue::from_str(&value)) {
            (Ok(header), Ok(value)) => out.push((header, value)),
            (Err(_), _) => refused.push(name, ParamError::new("is not a valid header name")),
            (_, Err(_)) => refused.push(
                name,
                ParamError::new(
                    "cannot be sent as a header: it holds a line break or another control character",
                ),
            ),
        }
    }
    refused.into_result().map_err(Error::invalid)?;
    Ok(out)
}

/// Sorts a failure to get any answer: was anything sent, and may it go again?
fn classify_send_error(req: &Prepared, e: reqwest::Error) -> Attempt {
    // The error's text would repeat the URL: the request is named once, by the error's context.
    let e = e.without_url();
    if e.is_connect() || e.is_builder() {
        // The connection never opened (refused, DNS, proxy, TLS, connect timeout), or the
        // request could not even be built: nothing was sent, so any method may go again.
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport(TransportError::new(e, true))
        };
        return Attempt::Retry {
            reason: RetryReason::Connect,
            retry_after: None,
            last: Err(Error::new(kind, Outcome::NotSent, true)),
        };
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
        Attempt::Retry {
            reason,
            retry_after: None,
            last: Err(err),
        }
    } else {
        Attempt::Done(Err(err))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes the answer into `R`, or turns an error status into its error; either failure is
/// reported with what the retry loop knows (attempts, earlier outcomes).
fn decode_answer<R: crate::response::ResponseBody>(
    req: &Prepared,
    answer: &Answer,
) -> Result<R, Error> {
    let result = match judge(answer.status, req.expected, req.replay_safe) {
        Verdict::Success => decode::<R>(answer.status, &answer.body),
        Verdict::Refused { outcome, retry } => Err(status_error(
            answer.status,
            &answer.body,
            outcome,
            retry.is_some(),
        )),
    };
    result.map_err(|e| {
        e.with_context(
            answer.attempts,
            req.method.as_str(),
            &req.path,
            req.replay_safe,
            answer.earlier,
        )
    })
}

/// The error for an error status, with its verdict.
fn status_error(status: u16, body: &[u8], outcome: Outcome, retryable: bool) -> Error {
    let kind = match ApiError::parse(status, body) {
        Some(api) => ErrorKind::Api(Box::new(api)),
        None => ErrorKind::Http {
            status,
            body_excerpt: excerpt(body),
        },
    };
    Error::new(kind, outcome, retryable)
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
async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<bytes::Bytes, BodyError> {
    let broken = |read: bytes::Bytes, e: reqwest::Error| {
        BodyError::Read(read, TransportError::new(e.without_url(), false))
    };
    let announced = response.content_length();
    if announced.is_some_and(|n| n <= limit as u64) {
        // The length is announced and within the cap, and the connection cannot deliver more
        // than it announced: read it whole, which for a one-piece body is that piece itself,
        // with no buffer to grow and no copy.
        return response
            .bytes()
            .await
            .map_err(|e| broken(bytes::Bytes::new(), e));
    }
    let announced_too_large = announced.is_some();
    let mut buf = bytes::BytesMut::new();
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(buf.freeze()),
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
}

/// Parses a success body into the declared response type. An empty body (a DELETE's 204) reads
/// as JSON `null`, which `()` accepts.
fn decode<R: crate::response::ResponseBody>(status: u16, body: &[u8]) -> Result<R, Error> {
    let input: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    R::from_json(input).map_err(|e| {
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
