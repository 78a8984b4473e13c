//! Soak: 500 payment creations with distinct keys, 16 at a time, through a server that injects
//! a random fault into about 20% of attempts. The draw is seeded per key and attempt, so a run
//! is reproducible whatever order the concurrent requests arrive in (set `SOAK_SEED` to try
//! another seed). Every call must end in a success or a typed error, and no call may ever get
//! two sessions.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::payments::create;
use runtime::{Client, ErrorKind, Outcome, RetryPolicy};
use support::{call_sid, Fault, FaultServer, Plan, ACCOUNT, TOKEN};

const CALLS: u64 = 500;
const CONCURRENCY: usize = 16;
const FAULT_PERCENT: u64 = 20;
const DEFAULT_SEED: u64 = 0x5eed_2026;
const BOUND: Duration = Duration::from_secs(120);

#[derive(Debug, Default)]
struct Tally {
    successes: usize,
    errors: BTreeMap<String, usize>,
    retries: usize,
    problems: Vec<String>,
}

/// Per key: the faults its attempts drew, in order (the reproducibility fingerprint).
type Draws = BTreeMap<String, Vec<Option<&'static str>>>;

async fn run(seed: u64) -> (Tally, Draws, BTreeMap<&'static str, usize>, usize) {
    let server = FaultServer::start().await;
    server.set_plan(Plan::Random {
        seed,
        percent: FAULT_PERCENT,
    });
    let retries = Arc::new(Mutex::new(0usize));
    let counter = retries.clone();
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_millis(5))
        .on_retry(move |_| *counter.lock().unwrap() += 1);
    let client = Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .max_response_bytes(64 * 1024)
        .retry(policy)
        .build()
        .expect("client");

    let gate = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..CALLS {
        let client = client.clone();
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore");
            let call = call_sid(n);
            let key = format!("soak-{n}");
            let result = create(
                call.as_str(),
                key.as_str(),
                "https://example.com/pay/status",
            )
            .charge_amount(rust_decimal_macros::dec!(5.00))
            .send(&client)
            .await;
            (call, key, result)
        });
    }

    let mut tally = Tally::default();
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        // A panic inside a call would surface here as a JoinError.
        results.push(joined.expect("a call panicked"));
    }
    assert_eq!(results.len() as u64, CALLS);

    let received = server.received();
    let mut by_key: HashMap<&str, Vec<&support::Received>> = HashMap::new();
    for r in &received {
        if let Some(k) = &r.idempotency_key {
            by_key.entry(k.as_str()).or_default().push(r);
        }
    }
    let mut draws = Draws::new();
    for (call, key, result) in &results {
        let attempts = by_key.get(key.as_str()).cloned().unwrap_or_default();
        let sessions = server.sessions_on_call(call);
        let mut bad = |what: String| tally.problems.push(format!("{key}: {what}"));
        draws.insert(
            key.clone(),
            attempts.iter().map(|a| a.fault.map(Fault::name)).collect(),
        );
        if sessions.len() > 1 {
            bad(format!("{} sessions", sessions.len()));
        }
        if attempts.iter().any(|a| a.body != attempts[0].body) {
            bad("body changed between attempts".into());
        }
        match result {
            Ok(payment) => {
                tally.successes += 1;
                if sessions != [payment.sid.to_string()] {
                    bad(format!(
                        "returned {} but server has {sessions:?}",
                        payment.sid
                    ));
                }
            }
            Err(e) => {
                let kind = match e.kind() {
                    ErrorKind::Api(_) => "api",
                    ErrorKind::Http { .. } => "http",
                    ErrorKind::Transport(_) => "transport",
                    ErrorKind::Timeout => "timeout",
                    ErrorKind::Decode { .. } => "decode",
                    ErrorKind::BodyTooLarge { .. } => "too-large",
                    _ => "other",
                };
                *tally
                    .errors
                    .entry(format!("{kind}/{:?}", e.outcome()))
                    .or_insert(0) += 1;
                if e.attempts() as usize != attempts.len() {
                    bad(format!(
                        "error says {} attempts, server saw {}",
                        e.attempts(),
                        attempts.len()
                    ));
                }
                // The outcome must agree with what the server actually did.
                let consistent = match e.outcome() {
                    Outcome::NotSent | Outcome::NotProcessed => sessions.is_empty(),
                    Outcome::Processed => sessions.len() == 1,
                    Outcome::Unknown => sessions.len() <= 1,
                };
                if !consistent {
                    bad(format!(
                        "outcome {:?} but {} sessions: {e}",
                        e.outcome(),
                        sessions.len()
                    ));
                }
            }
        }
    }
    tally.retries = *retries.lock().unwrap();
    let duplicates = server.duplicates();
    (tally, draws, server.fault_counts(), duplicates)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn soak_500_creations_with_random_faults() {
    let seed = std::env::var("SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    let (tally, draws, faults, duplicates) = tokio::time::timeout(BOUND, run(seed))
        .await
        .expect("soak ran past its time bound");
    let took = started.elapsed();

    let attempts: usize = draws.values().map(Vec::len).sum();
    let faulted: usize = faults.values().sum();
    let errors: usize = tally.errors.values().sum();
    println!("soak: seed {seed:#x}, {CALLS} creations, concurrency {CONCURRENCY}, {took:?}");
    println!(
        "  attempts {attempts} (retries {}), faults injected {faulted} ({:.1}%)",
        tally.retries,
        100.0 * faulted as f64 / attempts as f64
    );
    for (kind, n) in &faults {
        println!("    fault {kind:<20} {n}");
    }
    println!(
        "  successes {}, errors {errors}, duplicates {duplicates}",
        tally.successes
    );
    for (kind, n) in &tally.errors {
        println!("    error {kind:<24} {n}");
    }

    assert!(tally.problems.is_empty(), "{:#?}", tally.problems);
    assert_eq!(duplicates, 0);
    assert_eq!(tally.successes + errors, CALLS as usize);
    assert_eq!(attempts, CALLS as usize + tally.retries);
    // About a fifth of the attempts misbehaved, and every kind of fault was drawn.
    let share = faulted as f64 / attempts as f64;
    assert!((0.12..=0.28).contains(&share), "fault share {share}");
    if seed == DEFAULT_SEED {
        assert_eq!(faults.len(), Fault::ALL.len(), "{faults:?}");
    }

    // Same seed, same faults for every key and attempt, however the requests interleave.
    let (_, again, _, _) = tokio::time::timeout(BOUND, run(seed))
        .await
        .expect("second soak ran past its time bound");
    assert_eq!(draws, again, "the fault draw is not reproducible");
}
