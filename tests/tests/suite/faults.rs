//! Fault injection: every way the server of `support` can misbehave, against Payments create
//! (an idempotent POST), a POST without an idempotency key, and a GET. For each fault the
//! suite checks the typed outcome, the number of attempts, and that one create with one
//! IdempotencyKey started exactly one session.

use crate::support;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::payments::{create, Payment};
use base64::Engine as _;
use runtime::{
    AccountSid, Client, Error, ErrorKind, Outcome, RetryEvent, RetryPolicy, RetryReason,
};
use support::{call_sid, Fault, FaultServer, Plan, RetryAfter, ACCOUNT, TOKEN};

/// Per-attempt timeout of the test clients: short, so stalls cost little.
const TIMEOUT: Duration = Duration::from_millis(200);
/// Response body cap of the test clients (the server's huge bodies are 8 MiB).
const CAP: usize = 64 * 1024;
/// No test may take longer than this, whatever the client does.
const BOUND: Duration = Duration::from_secs(20);

// --- Two endpoints declared here, outside `api`: a POST with no idempotency key, and a GET. ---

/// A note as the test server returns it.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct Note {
    /// Its SID.
    pub sid: String,
}

/// Creates a note. No idempotency key: a resend could create a second note.
#[runtime::twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Notes.json", response = Note, status = 201)]
pub struct CreateNote {
    /// The account.
    pub account_sid: Option<AccountSid>,
    /// The note's text.
    pub text: String,
}

/// Reads a note.
#[runtime::twilio_endpoint(GET, "/2010-04-01/Accounts/<AccountSid>/Notes/<Sid>.json", response = Note)]
pub struct FetchNote {
    /// The account.
    pub account_sid: Option<AccountSid>,
    /// The note.
    pub sid: String,
}

// --- helpers ---

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The suite's policy: the real logic with tiny waits.
fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(ms(1))
        .max_delay(ms(5))
        .max_retry_after(ms(20))
}

fn client(server: &FaultServer, policy: RetryPolicy) -> Client {
    Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .timeout(TIMEOUT)
        .max_response_bytes(CAP)
        .retry(policy)
        .build()
        .expect("client")
}

fn basic_auth() -> String {
    let raw = format!("{ACCOUNT}:{TOKEN}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("the test ran past its time bound")
}

/// A policy that records every retry it announces.
fn recording(policy: RetryPolicy) -> (RetryPolicy, Arc<Mutex<Vec<RetryEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let policy = policy.on_retry(move |e| sink.lock().unwrap().push(e.clone()));
    (policy, events)
}

/// One payments create on its own call with its own key.
struct Created {
    call: String,
    key: String,
    result: Result<Payment, Error>,
    retries: Vec<RetryEvent>,
}

async fn create_payment(client: &Client, n: u64, policy: RetryPolicy) -> Created {
    let call = call_sid(n);
    let key = format!("order-{n}/start");
    let (policy, events) = recording(policy);
    let result = create(
        call.as_str(),
        key.as_str(),
        "https://example.com/pay/status",
    )
    .charge_amount(rust_decimal_macros::dec!(19.99))
    .description("fault injection")
    .with_retry(policy)
    .send(client)
    .await;
    let retries = events.lock().unwrap().clone();
    Created {
        call,
        key,
        result,
        retries,
    }
}

/// What a case must end in.
#[derive(Debug)]
enum Expect {
    Ok,
    Err {
        outcome: Outcome,
        retryable: bool,
        status: Option<u16>,
        kind: &'static str,
    },
}

fn kind_name(e: &Error) -> &'static str {
    match e.kind() {
        ErrorKind::Api(_) => "api",
        ErrorKind::Http { .. } => "http",
        ErrorKind::Transport(_) => "transport",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Decode { .. } => "decode",
        ErrorKind::BodyTooLarge { .. } => "too-large",
        ErrorKind::InvalidParams(_) => "invalid",
        ErrorKind::Config(_) => "config",
        _ => "other",
    }
}

struct Case {
    name: &'static str,
    plan: Plan,
    expect: Expect,
    attempts: usize,
    sessions: usize,
}

fn once(fault: Fault) -> Plan {
    Plan::Script([Some(fault)].into())
}

fn err(outcome: Outcome, retryable: bool, status: Option<u16>, kind: &'static str) -> Expect {
    Expect::Err {
        outcome,
        retryable,
        status,
        kind,
    }
}

/// Runs each case on its own call and key; returns every mismatch found.
async fn run_cases(server: &FaultServer, client: &Client, cases: Vec<Case>) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, case) in cases.into_iter().enumerate() {
        server.set_plan(case.plan.clone());
        let run = create_payment(client, 1000 + n as u64, fast(3)).await;
        let mut bad = |what: String| problems.push(format!("{}: {what}", case.name));
        let attempts = server.attempts_for_key(&run.key);
        let sessions = server.sessions_on_call(&run.call);
        if attempts.len() != case.attempts {
            bad(format!(
                "server saw {} attempts, want {}",
                attempts.len(),
                case.attempts
            ));
        }
        if run.retries.len() + 1 != case.attempts {
            bad(format!(
                "hook saw {} retries, want {}",
                run.retries.len(),
                case.attempts - 1
            ));
        }
        if sessions.len() != case.sessions {
            bad(format!(
                "{} sessions on the call, want {}",
                sessions.len(),
                case.sessions
            ));
        }
        // Every attempt of one logical call carries the very same body, key and credentials.
        if attempts.iter().any(|a| a.body != attempts[0].body) {
            bad("the body changed between attempts".into());
        }
        if attempts
            .iter()
            .any(|a| a.header("authorization") != Some(basic_auth().as_str()))
        {
            bad("an attempt lacked the Authorization header".into());
        }
        match (&case.expect, &run.result) {
            (Expect::Ok, Ok(payment)) => {
                if sessions.first() != Some(&payment.sid.to_string()) {
                    bad(format!(
                        "got {} but the server created {sessions:?}",
                        payment.sid
                    ));
                }
            }
            (
                Expect::Err {
                    outcome,
                    retryable,
                    status,
                    kind,
                },
                Err(e),
            ) => {
                if e.outcome() != *outcome {
                    bad(format!("outcome {:?}, want {outcome:?} ({e})", e.outcome()));
                }
                if e.is_retryable() != *retryable {
                    bad(format!(
                        "is_retryable {}, want {retryable}",
                        e.is_retryable()
                    ));
                }
                if e.status() != *status {
                    bad(format!("status {:?}, want {status:?}", e.status()));
                }
                if kind_name(e) != *kind {
                    bad(format!("kind {}, want {kind} ({e})", kind_name(e)));
                }
                if e.attempts() as usize != case.attempts {
                    bad(format!(
                        "error says {} attempts, want {}",
                        e.attempts(),
                        case.attempts
                    ));
                }
                let text = e.to_string();
                if (e.outcome() == Outcome::Unknown) != text.contains("outcome is unknown") {
                    bad(format!("message does not match the outcome: {text}"));
                }
            }
            (want, got) => bad(format!("want {want:?}, got {got:?}")),
        }
    }
    problems
}

// --- Payments create (idempotent POST) ---

#[tokio::test]
async fn one_fault_then_healthy_is_retried_and_creates_one_session() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        let cases = [
            Fault::ResetBeforeAnswer,
            Fault::ProcessThenReset,
            Fault::Stall,
            Fault::TooManyRequests(RetryAfter::Absent),
            Fault::Internal500,
            Fault::BadGatewayHtml502,
            Fault::Unavailable503,
            Fault::GatewayTimeout504,
            Fault::CutOffBody,
            Fault::HugeErrorBody,
        ]
        .map(|f| Case {
            name: f.name(),
            plan: once(f),
            expect: Expect::Ok,
            attempts: 2,
            sessions: 1,
        });
        let problems = run_cases(&server, &client, cases.into()).await;
        assert!(problems.is_empty(), "{problems:#?}");
    })
    .await;
}

#[tokio::test]
async fn persistent_faults_end_in_typed_errors_without_duplicates() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        use Outcome::*;
        let case = |f: Fault, expect: Expect, sessions: usize| Case {
            name: f.name(),
            plan: Plan::Always(f),
            expect,
            attempts: 3,
            sessions,
        };
        let cases = vec![
            case(
                Fault::ResetBeforeAnswer,
                err(Unknown, true, None, "transport"),
                0,
            ),
            case(
                Fault::ProcessThenReset,
                err(Unknown, true, None, "transport"),
                1,
            ),
            case(Fault::Stall, err(Unknown, true, None, "timeout"), 1),
            case(
                Fault::TooManyRequests(RetryAfter::Seconds(1)),
                err(NotProcessed, true, Some(429), "api"),
                0,
            ),
            case(Fault::Internal500, err(Unknown, true, Some(500), "api"), 1),
            case(
                Fault::BadGatewayHtml502,
                err(Unknown, true, Some(502), "http"),
                1,
            ),
            case(
                Fault::Unavailable503,
                err(NotProcessed, true, Some(503), "api"),
                0,
            ),
            case(
                Fault::GatewayTimeout504,
                err(Unknown, true, Some(504), "http"),
                1,
            ),
            // Twilio acted every time; the answer was lost every time.
            case(
                Fault::CutOffBody,
                err(Processed, true, None, "transport"),
                1,
            ),
            case(
                Fault::HugeErrorBody,
                err(Unknown, true, Some(500), "http"),
                1,
            ),
        ];
        let problems = run_cases(&server, &client, cases).await;
        assert!(problems.is_empty(), "{problems:#?}");
        // Each stalled attempt ended because the client hung up, not because the server quit.
        server.wait_for_hangups(3).await;
        assert_eq!(server.hangups(), 3);
    })
    .await;
}

#[tokio::test]
async fn broken_success_bodies_are_not_retried_and_say_twilio_acted() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        use Outcome::Processed;
        let case = |f: Fault, expect: Expect| Case {
            name: f.name(),
            plan: once(f),
            expect,
            attempts: 1,
            sessions: 1,
        };
        let cases = vec![
            case(
                Fault::TruncatedJson,
                err(Processed, false, Some(201), "decode"),
            ),
            case(
                Fault::InvalidUtf8,
                err(Processed, false, Some(201), "decode"),
            ),
            case(
                Fault::HugeBody,
                err(Processed, false, Some(201), "too-large"),
            ),
            case(
                Fault::UnexpectedShape,
                err(Processed, false, Some(200), "decode"),
            ),
        ];
        let problems = run_cases(&server, &client, cases).await;
        assert!(problems.is_empty(), "{problems:#?}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_retry_does_not_hide_an_earlier_attempt_that_may_have_acted() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        let cases = vec![
            Case {
                name: "stall, 503, 503",
                plan: Plan::Script(
                    [
                        Some(Fault::Stall),
                        Some(Fault::Unavailable503),
                        Some(Fault::Unavailable503),
                    ]
                    .into(),
                ),
                // The last answer was a plain refusal, but the first attempt started a session.
                expect: err(Outcome::Unknown, true, Some(503), "api"),
                attempts: 3,
                sessions: 1,
            },
            Case {
                name: "reset after processing, 429, then healthy",
                plan: Plan::Script(
                    [
                        Some(Fault::ProcessThenReset),
                        Some(Fault::TooManyRequests(RetryAfter::Absent)),
                        None,
                    ]
                    .into(),
                ),
                expect: Expect::Ok,
                attempts: 3,
                sessions: 1,
            },
        ];
        let problems = run_cases(&server, &client, cases).await;
        assert!(problems.is_empty(), "{problems:#?}");
    })
    .await;
}

#[tokio::test]
async fn retry_reasons_are_reported_to_the_hook() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(6));
        server.script([
            Some(Fault::ResetBeforeAnswer),
            Some(Fault::Stall),
            Some(Fault::TooManyRequests(RetryAfter::Absent)),
            Some(Fault::Unavailable503),
            Some(Fault::BadGatewayHtml502),
        ]);
        let run = create_payment(&client, 1, fast(6)).await;
        assert!(run.result.is_ok(), "{:?}", run.result);
        let reasons: Vec<RetryReason> = run.retries.iter().map(|e| e.reason).collect();
        assert_eq!(
            reasons,
            [
                RetryReason::ConnectionLost,
                RetryReason::Timeout,
                RetryReason::TooManyRequests,
                RetryReason::Unavailable,
                RetryReason::ServerError(502),
            ]
        );
        let attempts: Vec<u32> = run.retries.iter().map(|e| e.attempt).collect();
        assert_eq!(attempts, [1, 2, 3, 4, 5]);
        assert!(run.retries.iter().all(|e| e.method == "POST"
            && e.path == support::payments_path(&run.call)
            && e.delay <= ms(5)));
        assert_eq!(server.sessions_on_call(&run.call).len(), 1);
    })
    .await;
}

// --- Retry-After ---

#[tokio::test]
async fn retry_after_in_seconds_is_honoured_up_to_the_cap() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(2));
        // 1 s asked for, 30 ms allowed: the wait is exactly the cap, not a jittered backoff
        // (which this policy keeps under 5 ms).
        server.script([Some(Fault::TooManyRequests(RetryAfter::Seconds(1)))]);
        let run = create_payment(&client, 1, fast(2).max_retry_after(ms(30))).await;
        assert!(run.result.is_ok(), "{:?}", run.result);
        assert_eq!(run.retries.len(), 1);
        assert_eq!(run.retries[0].delay, ms(30));
    })
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured_up_to_the_cap() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(2));
        server.script([Some(Fault::TooManyRequests(RetryAfter::DateIn(5)))]);
        let run = create_payment(&client, 1, fast(2).max_retry_after(ms(40))).await;
        assert!(run.result.is_ok(), "{:?}", run.result);
        assert_eq!(run.retries[0].delay, ms(40));
        // Without the header the same policy waits a jittered backoff of at most 5 ms.
        server.script([Some(Fault::TooManyRequests(RetryAfter::Absent))]);
        let run = create_payment(&client, 2, fast(2).max_retry_after(ms(40))).await;
        assert!(run.result.is_ok(), "{:?}", run.result);
        assert!(run.retries[0].delay <= ms(5), "{:?}", run.retries[0].delay);
    })
    .await;
}

// --- A POST without an idempotency key, and a GET ---

#[tokio::test]
async fn post_without_idempotency_key_is_never_resent_after_it_may_have_acted() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        for (fault, kind) in [
            (Fault::Internal500, "api"),
            (Fault::Stall, "timeout"),
            (Fault::ProcessThenReset, "transport"),
            (Fault::BadGatewayHtml502, "http"),
        ] {
            let before = server.notes_processed();
            let sent_before = server.received().len();
            server.set_plan(Plan::Always(fault));
            let e = create_note("hello")
                .send(&client)
                .await
                .expect_err(fault.name());
            assert_eq!(
                server.received().len() - sent_before,
                1,
                "{}: resent",
                fault.name()
            );
            assert_eq!(server.notes_processed() - before, 1, "{}", fault.name());
            assert_eq!(e.attempts(), 1, "{e}");
            assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
            assert!(e.is_outcome_unknown() && !e.definitely_failed(), "{e}");
            assert!(!e.is_retryable(), "{e}");
            assert_eq!(kind_name(&e), kind, "{e}");
            let text = e.to_string();
            assert!(
                text.contains("outcome is unknown") && text.contains("no idempotency key"),
                "{text}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn post_without_idempotency_key_is_resent_when_twilio_did_not_act() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        for fault in [
            Fault::TooManyRequests(RetryAfter::Absent),
            Fault::Unavailable503,
        ] {
            let before = server.notes_processed();
            server.script([Some(fault)]);
            let note = create_note("hello").send(&client).await;
            assert!(note.is_ok(), "{}: {note:?}", fault.name());
            assert_eq!(server.notes_processed() - before, 1, "{}", fault.name());
        }
        // 503 to the end: a plain failure, safe to try later.
        server.set_plan(Plan::Always(Fault::Unavailable503));
        let e = create_note("hello").send(&client).await.expect_err("503");
        assert_eq!(e.attempts(), 3);
        assert!(e.definitely_failed() && e.is_retryable(), "{e}");
        assert!(!e.to_string().contains("outcome is unknown"), "{e}");
    })
    .await;
}

#[tokio::test]
async fn a_connection_that_never_opens_is_retried_for_any_method() {
    bounded(async {
        // A loopback port nobody listens on any more: connecting is refused at once.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let client = Client::builder(ACCOUNT, TOKEN)
            .base_url(format!("http://{addr}"))
            .timeout(TIMEOUT)
            .retry(fast(3))
            .build()
            .expect("client");
        let (policy, events) = recording(fast(3));
        let e = create_note("hello")
            .with_retry(policy)
            .send(&client)
            .await
            .expect_err("refused");
        assert_eq!(e.attempts(), 3, "{e}");
        assert_eq!(e.outcome(), Outcome::NotSent, "{e}");
        assert!(e.definitely_failed() && e.is_retryable(), "{e}");
        assert!(events
            .lock()
            .unwrap()
            .iter()
            .all(|e| e.reason == RetryReason::Connect));
    })
    .await;
}

#[tokio::test]
async fn get_is_replayed_after_server_errors_and_timeouts() {
    bounded(async {
        let server = FaultServer::start().await;
        let client = client(&server, fast(3));
        server.script([Some(Fault::Internal500), Some(Fault::Stall)]);
        let note = fetch_note("NO1")
            .send(&client)
            .await
            .expect("third attempt");
        assert_eq!(note.sid, "NO1");
        assert_eq!(server.received().len(), 3);
    })
    .await;
}

// --- Per-call overrides, switch-off, deadline ---

#[tokio::test]
async fn retries_can_be_switched_off_per_client_and_per_call() {
    bounded(async {
        let server = FaultServer::start().await;
        server.set_plan(Plan::Always(Fault::Unavailable503));
        let retrying = client(&server, fast(3));
        let e = create_note("a")
            .with_retry(RetryPolicy::none())
            .send(&retrying)
            .await
            .expect_err("503");
        assert_eq!(e.attempts(), 1, "per-call none() on a retrying client");
        let e = create_note("a").send(&retrying).await.expect_err("503");
        assert_eq!(e.attempts(), 3, "the client's own policy");
        let off = client(&server, RetryPolicy::none());
        let e = create_note("a").send(&off).await.expect_err("503");
        assert_eq!(e.attempts(), 1, "client-wide none()");
        let e = create_note("a")
            .with_retry(fast(2))
            .send(&off)
            .await
            .expect_err("503");
        assert_eq!(
            e.attempts(),
            2,
            "per-call policy on a client without retries"
        );
        assert_eq!(server.received().len(), 1 + 3 + 1 + 2);
    })
    .await;
}

#[tokio::test]
async fn the_timeout_can_be_set_per_call() {
    bounded(async {
        let server = FaultServer::start().await;
        server.set_plan(Plan::Always(Fault::Stall));
        let patient = Client::builder(ACCOUNT, TOKEN)
            .base_url(server.url())
            .timeout(Duration::from_secs(30))
            .retry(RetryPolicy::none())
            .build()
            .expect("client");
        let started = Instant::now();
        let e = create_note("a")
            .with_timeout(ms(150))
            .send(&patient)
            .await
            .expect_err("stall");
        let took = started.elapsed();
        assert!(matches!(e.kind(), ErrorKind::Timeout), "{e}");
        assert!(took >= ms(150) && took < Duration::from_secs(5), "{took:?}");
    })
    .await;
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    bounded(async {
        let server = FaultServer::start().await;
        server.set_plan(Plan::Always(Fault::Stall));
        let client = client(&server, fast(50).deadline(Some(ms(500))));
        let started = Instant::now();
        let run = create_payment(&client, 1, fast(50).deadline(Some(ms(500)))).await;
        let took = started.elapsed();
        let e = run.result.expect_err("stall");
        assert!(matches!(e.kind(), ErrorKind::Timeout), "{e}");
        // 200 ms attempts inside a 500 ms deadline: two full ones and a shortened third.
        assert!((2..=4).contains(&e.attempts()), "{} attempts", e.attempts());
        // Without the deadline, 50 attempts of 200 ms would take 10 s.
        assert!(took >= ms(400) && took < ms(3000), "{took:?}");
        assert_eq!(server.sessions_on_call(&run.call).len(), 1);
    })
    .await;
}

// --- The detector itself ---

#[tokio::test]
async fn the_duplicate_detector_catches_a_resend_with_a_new_key() {
    bounded(async {
        // What a naive client does after a timeout: send the same create with a fresh key.
        // The server must count that as a second session on the call, or the checks above
        // would prove nothing.
        let server = FaultServer::start().await;
        let client = client(&server, RetryPolicy::none());
        let call = call_sid(7);
        for key in ["first-try", "naive-resend"] {
            create(call.as_str(), key, "https://example.com/pay/status")
                .send(&client)
                .await
                .expect("healthy");
        }
        // The same key again is the safe resend: no new session.
        create(call.as_str(), "first-try", "https://example.com/pay/status")
            .send(&client)
            .await
            .expect("healthy");
        assert_eq!(server.sessions_on_call(&call).len(), 2);
        assert_eq!(server.duplicates(), 1);
    })
    .await;
}
