//! The gateway's load test and benchmark, on loopback, side by side in one run.
//!
//! ```text
//! cargo run --release -p gateway --example load            # full: 20,000-request load test, 5 rounds, 2,000 latency samples
//! cargo run --release -p gateway --example load -- --quick # smoke run: the same steps, fewer requests
//! cargo run -p gateway --example load -- --load-only       # CI: the 20,000-request load test alone (no timings)
//! ```
//!
//! A local upstream answers Payments create; the same `runtime::Client` code sends to it
//! straight and through the gateway (a child process running this binary in gateway mode, so
//! its memory is its own):
//! 1. load test: N requests at concurrency 32 through the gateway, each with its own
//!    IdempotencyKey; every one must answer 201 and the upstream must have seen each key
//!    exactly once (0 errors, 0 lost, 0 duplicated), or the program exits non-zero;
//! 2. throughput at concurrency 32, rounds interleaved (straight, gateway, straight, …):
//!    the median ratio gateway / straight;
//! 3. latency at concurrency 1, the two paths alternating request by request: p50 and p99
//!    straight and through the gateway, and the difference (what the gateway adds);
//! 4. the gateway process's peak RSS (VmHWM) after all of it.
//!
//! No timing is asserted: the numbers go in BENCHMARKS.md.

use std::collections::HashMap;
use std::io::{BufRead as _, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "load-test-upstream-token";
const CALL: &str = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

struct Settings {
    load: usize,
    round: usize,
    rounds: usize,
    samples: usize,
    concurrency: usize,
}

type Seen = Arc<Mutex<HashMap<String, u32>>>;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child-gateway") {
        return child(args.get(1).cloned().unwrap_or_default());
    }
    let quick = args.iter().any(|a| a == "--quick");
    let load_only = args.iter().any(|a| a == "--load-only");
    let settings = if quick {
        Settings {
            load: 2_000,
            round: 1_000,
            rounds: 1,
            samples: 200,
            concurrency: 32,
        }
    } else {
        Settings {
            load: 20_000,
            round: 10_000,
            rounds: 5,
            samples: 2_000,
            concurrency: 32,
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("load: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(settings, quick, load_only)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Gateway mode: serve with the config file, print the URL, run until stdin closes. Audit
/// lines are formatted as the binary formats them (JSON), into a sink, so their cost counts.
fn child(config: String) -> std::process::ExitCode {
    {
        use tracing_subscriber::layer::SubscriberExt as _;
        use tracing_subscriber::util::SubscriberInitExt as _;
        use tracing_subscriber::Layer as _;
        let audit = tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::sink)
            .with_filter(tracing_subscriber::filter::filter_fn(|m| {
                m.target() == "gateway::audit"
            }));
        tracing_subscriber::registry().with(audit).init();
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return std::process::ExitCode::FAILURE,
    };
    rt.block_on(async move {
        let gateway = match gateway::Gateway::builder().config_file(&config) {
            Ok(b) => b.start().await,
            Err(e) => {
                eprintln!("child: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let Ok(gateway) = gateway else {
            return std::process::ExitCode::FAILURE;
        };
        println!("{}", gateway.url());
        let _ = std::io::stdout().flush();
        // Parent hangs up: stop.
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
        })
        .await;
        gateway.shutdown().await;
        std::process::ExitCode::SUCCESS
    })
}

const PAYMENT: &str = r#"{"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","date_created":"Wed, 18 Dec 2019 20:02:01 +0000","date_updated":"Wed, 18 Dec 2019 20:02:01 +0000","sid":"PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments/PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"}"#;

async fn answer(
    State(seen): State<Seen>,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 2], &'static str) {
    // Count each IdempotencyKey: the loss and duplicate detector.
    if let Some(key) = body
        .split(|b| *b == b'&')
        .find_map(|pair| pair.strip_prefix(b"IdempotencyKey="))
    {
        let key = String::from_utf8_lossy(key).into_owned();
        if let Ok(mut seen) = seen.lock() {
            *seen.entry(key).or_insert(0) += 1;
        }
    }
    (
        StatusCode::CREATED,
        [
            ("content-type", "application/json"),
            ("twilio-request-id", "RQ00000000000000000000000000000000"),
        ],
        PAYMENT,
    )
}

async fn upstream(seen: Seen) -> Result<String, String> {
    let app = axum::Router::new().fallback(answer).with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// Runs `total` creates over `concurrency` tasks; keys are `{tag}-{n}`. Returns the wall time
/// and the number of failures (with the first one's message).
async fn closed_loop(
    client: &runtime::Client,
    tag: &str,
    total: usize,
    concurrency: usize,
) -> (Duration, usize, Option<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(Mutex::new(None));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, next, failures, first, tag) = (
            client.clone(),
            next.clone(),
            failures.clone(),
            first.clone(),
            tag.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let sent =
                    api::payments::create(CALL, format!("{tag}-{n}"), "https://example.com/status")
                        .send(&client)
                        .await;
                if let Err(e) = sent {
                    failures.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut f) = first.lock() {
                        f.get_or_insert(e.to_string());
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let first = first.lock().ok().and_then(|f| f.clone());
    (started.elapsed(), failures.load(Ordering::Relaxed), first)
}

/// Latency at concurrency 1, the two paths alternating request by request so that both see
/// the same moments of the machine's load.
async fn latencies(
    straight: &runtime::Client,
    through: &runtime::Client,
    samples: usize,
) -> Result<(Vec<Duration>, Vec<Duration>), String> {
    let (mut a, mut b) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for n in 0..samples {
        for (client, out, tag) in [(straight, &mut a, "lat-s"), (through, &mut b, "lat-g")] {
            let t0 = Instant::now();
            api::payments::create(CALL, format!("{tag}-{n}"), "https://example.com/status")
                .send(client)
                .await
                .map_err(|e| e.to_string())?;
            out.push(t0.elapsed());
        }
    }
    a.sort();
    b.sort();
    Ok((a, b))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn run(s: Settings, quick: bool, load_only: bool) -> Result<(), String> {
    let seen: Seen = Arc::default();
    let upstream_url = upstream(seen.clone()).await?;
    let key = gateway::NewKey::generate().map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("gateway-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let config = dir.join("gateway.toml");
    std::fs::write(
        &config,
        format!(
            "bind = \"127.0.0.1:0\"\n[limits]\nmax_concurrent = 4096\n[twilio]\naccount_sid = \"{ACCOUNT}\"\nauth_token = \"{TOKEN}\"\nbase_url = \"{upstream_url}\"\n\
             [[keys]]\nid = \"{}\"\nname = \"load\"\nsecret_sha256 = \"{}\"\nallow = [\"payments\"]\nrate = \"1000000/s\"\n",
            key.id,
            key.digest.to_hex()
        ),
    )
    .map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .arg("--child-gateway")
        .arg(&config)
        .env("RUST_LOG", "off")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let gateway_url = line.trim().to_owned();
    if !gateway_url.starts_with("http://") {
        return Err(format!("the gateway did not start: {line:?}"));
    }
    use secrecy::ExposeSecret;
    let straight = runtime::Client::builder(ACCOUNT, TOKEN)
        .base_url(&upstream_url)
        .build()
        .map_err(|e| e.to_string())?;
    let through =
        runtime::Client::builder_with_api_key(ACCOUNT, &key.id, key.secret.expose_secret())
            .base_url(&gateway_url)
            .build()
            .map_err(|e| e.to_string())?;

    // Warm both paths (connections, allocator).
    closed_loop(&straight, "warm-straight", 500, s.concurrency).await;
    closed_loop(&through, "warm-gateway", 500, s.concurrency).await;

    // 1. The load test.
    let (took, failures, first) = closed_loop(&through, "load", s.load, s.concurrency).await;
    let (lost, duplicated) = {
        let seen = seen.lock().map_err(|_| "lock")?;
        let mut lost = 0;
        let mut duplicated = 0;
        for n in 0..s.load {
            match seen.get(&format!("load-{n}")).copied().unwrap_or(0) {
                0 => lost += 1,
                1 => {}
                _ => duplicated += 1,
            }
        }
        (lost, duplicated)
    };
    println!(
        "load test: {} requests at c={} through the gateway in {:.2} s ({:.0}/s): {failures} errors, {lost} lost, {duplicated} duplicated",
        s.load,
        s.concurrency,
        took.as_secs_f64(),
        s.load as f64 / took.as_secs_f64()
    );

    if load_only {
        drop(child.stdin.take());
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        return if failures + lost + duplicated > 0 {
            Err(format!(
                "the load test lost requests: {failures} errors (first: {}), {lost} lost, {duplicated} duplicated",
                first.unwrap_or_default()
            ))
        } else {
            Ok(())
        };
    }

    // 2. Throughput, interleaved rounds.
    let mut ratios = Vec::new();
    let (mut best_straight, mut best_through) = (0f64, 0f64);
    for round in 0..s.rounds {
        let (a, fa, _) =
            closed_loop(&straight, &format!("tp-s{round}"), s.round, s.concurrency).await;
        let (b, fb, _) =
            closed_loop(&through, &format!("tp-g{round}"), s.round, s.concurrency).await;
        if fa + fb > 0 {
            return Err(format!("throughput round {round}: {fa} + {fb} failures"));
        }
        let (ra, rb) = (
            s.round as f64 / a.as_secs_f64(),
            s.round as f64 / b.as_secs_f64(),
        );
        best_straight = best_straight.max(ra);
        best_through = best_through.max(rb);
        ratios.push(rb / ra);
        println!(
            "throughput round {round}: straight {ra:.0}/s, gateway {rb:.0}/s, ratio {:.2}",
            rb / ra
        );
    }
    let ratio = median(ratios);

    // 3. Latency at c=1.
    let (direct, via) = latencies(&straight, &through, s.samples).await?;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (d50, d99, g50, g99) = (
        percentile(&direct, 0.5),
        percentile(&direct, 0.99),
        percentile(&via, 0.5),
        percentile(&via, 0.99),
    );

    // 4. Peak RSS of the gateway process.
    let rss = peak_rss_kib(pid);
    drop(child.stdin.take());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    println!();
    println!(
        "| measure ({} mode) | straight to upstream | through the gateway | gateway / straight |",
        if quick { "quick" } else { "full" }
    );
    println!("|---|---|---|---|");
    println!("| throughput, c={} (best round) | {best_straight:.0}/s | {best_through:.0}/s | {ratio:.2}× (median of {} rounds) |", s.concurrency, s.rounds);
    println!(
        "| latency p50, c=1 | {:.0} µs | {:.0} µs | +{:.0} µs |",
        us(d50),
        us(g50),
        us(g50) - us(d50)
    );
    println!(
        "| latency p99, c=1 | {:.0} µs | {:.0} µs | +{:.0} µs |",
        us(d99),
        us(g99),
        us(g99) - us(d99)
    );
    println!(
        "| gateway peak RSS | | {} | |",
        rss.map_or("not measured".to_owned(), |k| format!(
            "{:.1} MiB",
            k as f64 / 1024.0
        ))
    );
    println!(
        "| load test | | {} requests, {failures} errors, {lost} lost, {duplicated} duplicated | |",
        s.load
    );
    if failures + lost + duplicated > 0 {
        return Err(format!(
            "the load test lost requests: {failures} errors (first: {}), {lost} lost, {duplicated} duplicated",
            first.unwrap_or_default()
        ));
    }
    Ok(())
}
