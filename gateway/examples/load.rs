//! The gateway's load test and benchmark, on loopback, side by side in one run.
//!
//! ```text
//! cargo run --release -p gateway --example load            # full: 20,000-request load test, 5 rounds, 2,000 latency samples
//! cargo run --release -p gateway --example load -- --quick # smoke run: the same steps, fewer requests
//! cargo run -p gateway --example load -- --load-only       # CI: the 20,000-request load test alone (no timings)
//! cargo run --release -p gateway --example load -- --proxy-threads 1  # the gateway (and relay) on one worker thread
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
//! The throughput rounds also run a third path, a **bare relay** (another child: an axum
//! server passing every request on with a reqwest client, nothing checked or logged), and
//! count the CPU each path costs per request (this process, which is the client and the
//! upstream, plus the proxy's process, from the scheduler's counters). On a machine the three
//! processes share, the relay's ratio is the most any proxy built on axum and reqwest gets, and
//! the CPU ratio is the throughput ratio without the noise of who ran when.
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
    /// `--proxy-threads N`: the gateway's and the relay's tokio worker threads
    /// (`TOKIO_WORKER_THREADS` in their environment); tokio's default, one per core, without it.
    proxy_threads: Option<String>,
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
    if args.first().map(String::as_str) == Some("--child-relay") {
        return relay(args.get(1).cloned().unwrap_or_default());
    }
    let quick = args.iter().any(|a| a == "--quick");
    let load_only = args.iter().any(|a| a == "--load-only");
    let proxy_threads = args
        .iter()
        .position(|a| a == "--proxy-threads")
        .and_then(|i| args.get(i + 1).cloned());
    let settings = if quick {
        Settings {
            proxy_threads,
            load: 2_000,
            round: 1_000,
            rounds: 1,
            samples: 200,
            concurrency: 32,
        }
    } else {
        Settings {
            proxy_threads,
            load: 20_000,
            round: 10_000,
            rounds: 5,
            samples: 2_000,
            concurrency: 32,
        }
    };
    let rt = match runtime() {
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

/// The tokio runtime of every mode (worker threads: tokio's default or `TOKIO_WORKER_THREADS`).
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// A child's lifetime: until the parent closes its stdin.
async fn parent_hangs_up() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    })
    .await;
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
    let Ok(rt) = runtime() else {
        return std::process::ExitCode::FAILURE;
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
        parent_hangs_up().await;
        gateway.shutdown().await;
        std::process::ExitCode::SUCCESS
    })
}

/// Relay mode: the least a proxy on the gateway's stack can do (an axum server, a pooled
/// reqwest client, both HTTP/1.1): every request is sent on as it came (method, path and query,
/// `Authorization`, `Content-Type`, body) and the answer comes back as it came. No
/// authentication, matching, check, audit or metrics: its throughput is the ceiling any proxy
/// built this way reaches on this machine, which the gateway's ratio is read against.
fn relay(upstream: String) -> std::process::ExitCode {
    let Ok(rt) = runtime() else {
        return std::process::ExitCode::FAILURE;
    };
    rt.block_on(async move {
        // Plain HTTP only; reqwest still wants a TLS provider named.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let Ok(client) = reqwest::Client::builder().no_proxy().build() else {
            return std::process::ExitCode::FAILURE;
        };
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let (client, upstream) = (client.clone(), upstream.clone());
            async move { pass_on(&client, &upstream, request).await }
        });
        let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
            return std::process::ExitCode::FAILURE;
        };
        let Ok(addr) = listener.local_addr() else {
            return std::process::ExitCode::FAILURE;
        };
        println!("http://{addr}");
        let _ = std::io::stdout().flush();
        tokio::spawn(async move { axum::serve(listener, app).await });
        parent_hangs_up().await;
        std::process::ExitCode::SUCCESS
    })
}

async fn pass_on(
    client: &reqwest::Client,
    upstream: &str,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let target = format!(
        "{upstream}{}",
        parts.uri.path_and_query().map_or("/", |pq| pq.as_str())
    );
    let mut out = client.request(parts.method, target).body(body);
    for name in [http::header::AUTHORIZATION, http::header::CONTENT_TYPE] {
        if let Some(value) = parts.headers.get(&name) {
            out = out.header(name, value);
        }
    }
    let Ok(answer) = out.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let mut headers = http::HeaderMap::new();
    for name in ["content-type", "twilio-request-id"] {
        if let Some(value) = answer.headers().get(name) {
            headers.insert(name, value.clone());
        }
    }
    let Ok(bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    (status, headers, bytes).into_response()
}

/// CPU time (user + system) used so far by every live thread of process `pid`, from the
/// scheduler's nanosecond counters.
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
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

/// Starts this binary again in a child mode; returns it and the URL it printed.
fn spawn_child(
    args: &[&str],
    threads: Option<&str>,
) -> Result<(std::process::Child, String), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(exe);
    if let Some(threads) = threads {
        command.env("TOKIO_WORKER_THREADS", threads);
    }
    let mut child = command
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let url = line.trim().to_owned();
    if !url.starts_with("http://") {
        return Err(format!("{} did not start: {line:?}", args[0]));
    }
    Ok((child, url))
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
    let (mut child, gateway_url) = spawn_child(
        &["--child-gateway", &config.to_string_lossy()],
        s.proxy_threads.as_deref(),
    )?;
    let pid = child.id();
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

    // The bare relay, to read the gateway's ratio against what any proxy on this stack gets.
    let (mut relay_child, relay_url) = spawn_child(
        &["--child-relay", &upstream_url],
        s.proxy_threads.as_deref(),
    )?;
    let relayed = runtime::Client::builder(ACCOUNT, TOKEN)
        .base_url(&relay_url)
        .build()
        .map_err(|e| e.to_string())?;
    closed_loop(&relayed, "warm-relay", 500, s.concurrency).await;

    // 2. Throughput, interleaved rounds (straight, relay, gateway, …), with the CPU each path
    // cost: this process (client and upstream) plus the proxy's process.
    let me = std::process::id();
    let relay_pid = relay_child.id();
    let mut ratios = Vec::new();
    let mut relay_ratios = Vec::new();
    let (mut best_straight, mut best_relay, mut best_through) = (0f64, 0f64, 0f64);
    let mut cpu = [[0u64; 2]; 3];
    for round in 0..s.rounds {
        let mut rates = [0f64; 3];
        for (i, (client, tag, proxy)) in [
            (&straight, "tp-s", None),
            (&relayed, "tp-r", Some(relay_pid)),
            (&through, "tp-g", Some(pid)),
        ]
        .into_iter()
        .enumerate()
        {
            let (mine, theirs) = (cpu_ns(me), proxy.map_or(0, cpu_ns));
            let (took, failed, first) =
                closed_loop(client, &format!("{tag}{round}"), s.round, s.concurrency).await;
            if failed > 0 {
                return Err(format!(
                    "throughput round {round} ({tag}): {failed} failures, first: {}",
                    first.unwrap_or_default()
                ));
            }
            cpu[i][0] += cpu_ns(me).saturating_sub(mine);
            cpu[i][1] += proxy.map_or(0, cpu_ns).saturating_sub(theirs);
            rates[i] = s.round as f64 / took.as_secs_f64();
        }
        let [ra, rr, rb] = rates;
        best_straight = best_straight.max(ra);
        best_relay = best_relay.max(rr);
        best_through = best_through.max(rb);
        ratios.push(rb / ra);
        relay_ratios.push(rr / ra);
        println!(
            "throughput round {round}: straight {ra:.0}/s, relay {rr:.0}/s ({:.2}), gateway {rb:.0}/s ({:.2})",
            rr / ra,
            rb / ra
        );
    }
    let ratio = median(ratios);
    let relay_ratio = median(relay_ratios);
    let per_request = |ns: u64| ns as f64 / 1e3 / (s.round * s.rounds) as f64;

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
    drop(relay_child.stdin.take());
    let _ = relay_child.wait();
    drop(child.stdin.take());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    println!();
    println!(
        "| measure ({} mode) | straight to upstream | through the gateway | gateway / straight |",
        if quick { "quick" } else { "full" }
    );
    if let Some(threads) = &s.proxy_threads {
        println!("(the gateway and the relay on {threads} tokio worker thread(s))");
    }
    println!("|---|---|---|---|");
    println!("| throughput, c={} (best round) | {best_straight:.0}/s | {best_through:.0}/s | {ratio:.2}× (median of {} rounds) |", s.concurrency, s.rounds);
    println!("| the bare relay instead, c={} (best round) | {best_straight:.0}/s | {best_relay:.0}/s | {relay_ratio:.2}× (median of {} rounds) |", s.concurrency, s.rounds);
    let cost = |i: usize| per_request(cpu[i][0] + cpu[i][1]);
    println!(
        "| CPU per request: client + upstream (this process) | {:.1} µs | {:.1} µs (relay: {:.1} µs) | |",
        per_request(cpu[0][0]),
        per_request(cpu[2][0]),
        per_request(cpu[1][0])
    );
    println!(
        "| CPU per request: the proxy's process | | {:.1} µs (relay: {:.1} µs) | |",
        per_request(cpu[2][1]),
        per_request(cpu[1][1])
    );
    println!(
        "| CPU per request, all of it | {:.1} µs | {:.1} µs (relay: {:.1} µs) | {:.2}× (relay: {:.2}×) |",
        cost(0),
        cost(2),
        cost(1),
        cost(0) / cost(2),
        cost(0) / cost(1)
    );
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
