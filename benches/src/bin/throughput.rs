//! Loopback throughput of Create Payments through three clients, each in its own process so its
//! peak RSS is its own:
//!
//! - `ours`: `api::payments::create(..)…send(&client)` (build, validate, encode, send, decode);
//! - `raw`: plain reqwest with the body and headers built once, reading the answer's bytes;
//! - `raw_decode`: the same, then parsing the answer into `api::payments::Payment`;
//! - `openapi`: `twilio_openapi::apis::default_api::create_payments`.
//!
//! `raw` and `raw_decode` use the same reqwest (0.13, rustls with ring) as ours: the floor is
//! that client doing the same work by hand.
//!
//! `throughput [--quick] [--requests N] [--rounds R] [--out FILE]` starts the server (this binary,
//! `server`), then runs every mode at concurrency 1 and 32 (`client …`), rounds interleaved so
//! load from elsewhere on the machine hits every mode alike; reports the median per mode.
//! `throughput --instructions [--quick] [--out FILE]` counts each client's instructions per
//! request under valgrind instead (see `count_instructions`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use benches::args::{flag, number, write_report};
use benches::{cpu, fixture, load, rss, server};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

const MODES: [&str; 4] = ["ours", "raw", "raw_decode", "openapi"];
const CONCURRENCY: [usize; 2] = [1, 32];

#[derive(Debug, Serialize, Deserialize)]
struct Run {
    mode: String,
    concurrency: usize,
    requests: usize,
    secs: f64,
    rps: f64,
    cpu_us_per_request: Option<f64>,
    peak_rss_kib: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Summary {
    mode: String,
    concurrency: usize,
    rps_median: f64,
    rps_runs: Vec<f64>,
    cpu_us_per_request_median: Option<f64>,
    peak_rss_kib: Option<u64>,
}

#[derive(Debug, Serialize)]
struct Report {
    requests: usize,
    rounds: usize,
    results: Vec<Summary>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("server") => run_server(),
        Some("client") => run_client(&args[1..]),
        Some("--instructions") => count_instructions(&args[1..]),
        _ => drive(&args),
    };
    if let Err(e) = result {
        eprintln!("throughput: {e}");
        std::process::exit(1);
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

fn run_server() -> Result<(), String> {
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // The driver reads this line to learn the port.
        println!("{addr}");
        server::serve(listener).await.map_err(|e| e.to_string())
    })
}

/// Kills the server when the driver is done, even on an early error.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server process (this binary, `server`); returns its address and the guard that
/// stops it.
fn start_server(exe: &std::path::Path) -> Result<(String, ServerGuard), String> {
    let mut child = Command::new(exe)
        .arg("server")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("server: {e}"))?;
    let stdout = child.stdout.take().ok_or("server stdout")?;
    let guard = ServerGuard(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("server address: {e}"))?;
    let addr = line.trim().to_owned();
    if addr.is_empty() {
        return Err("the server exited before listening".into());
    }
    Ok((addr, guard))
}

/// Requests a client sends untimed before the measured ones (opens every connection).
fn warmup(concurrency: usize, requests: usize) -> usize {
    (concurrency * 4).max(requests / 20)
}

fn drive(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let requests = number(args, "--requests", if quick { 200 } else { 20_000 })?;
    let rounds = number(args, "--rounds", if quick { 1 } else { 9 })?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (addr, guard) = start_server(&exe)?;

    let mut runs: Vec<Run> = Vec::new();
    for round in 1..=rounds {
        for &concurrency in &CONCURRENCY {
            for mode in MODES {
                let out = Command::new(&exe)
                    .args(["client", "--mode", mode, "--addr", &addr])
                    .args(["--concurrency", &concurrency.to_string()])
                    .args(["--requests", &requests.to_string()])
                    .stderr(Stdio::inherit())
                    .output()
                    .map_err(|e| format!("client {mode}: {e}"))?;
                if !out.status.success() {
                    return Err(format!("client {mode} c={concurrency} failed"));
                }
                let run: Run = serde_json::from_slice(&out.stdout)
                    .map_err(|e| format!("client {mode} output: {e}"))?;
                eprintln!(
                    "round {round}/{rounds}  {mode:>7}  c={concurrency:<2}  {:>9.0} req/s  {:>6.1} CPU µs/req  peak RSS {} KiB",
                    run.rps,
                    run.cpu_us_per_request.unwrap_or(f64::NAN),
                    run.peak_rss_kib.map_or("?".into(), |k| k.to_string())
                );
                runs.push(run);
            }
        }
    }
    drop(guard);

    let mut results = Vec::new();
    for &concurrency in &CONCURRENCY {
        for mode in MODES {
            let mine: Vec<&Run> = runs
                .iter()
                .filter(|r| r.mode == mode && r.concurrency == concurrency)
                .collect();
            let rps_runs: Vec<f64> = mine.iter().map(|r| r.rps).collect();
            let cpu: Vec<f64> = mine.iter().filter_map(|r| r.cpu_us_per_request).collect();
            results.push(Summary {
                mode: mode.to_owned(),
                concurrency,
                rps_median: median(&rps_runs),
                rps_runs,
                cpu_us_per_request_median: (!cpu.is_empty()).then(|| median(&cpu)),
                peak_rss_kib: mine.iter().filter_map(|r| r.peak_rss_kib).max(),
            });
        }
    }
    let report = Report {
        requests,
        rounds,
        results,
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    write_report(args, &json)
}

/// `throughput --instructions [--quick] [--out FILE]`: each client's user-space instructions
/// per request, counted by valgrind's callgrind (deterministic where wall-clock figures move
/// with the machine's load). Each mode runs twice, with a small and a large request count, and
/// the difference is divided by the difference in requests: start-up and connection set-up
/// cancel out. Also reports the instructions spent in `url::Url` parsing (by reqwest, per
/// request), read from `callgrind_annotate` over the large run.
fn count_instructions(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let (small, large) = if quick { (100, 300) } else { (1000, 3000) };
    let concurrency = 32;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (addr, guard) = start_server(&exe)?;
    let dir = std::env::temp_dir().join(format!("throughput-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut modes = Vec::new();
    for mode in MODES {
        let mut counted = Vec::new();
        for requests in [small, large] {
            let out_file = dir.join(format!("{mode}.{requests}.out"));
            let out = Command::new("valgrind")
                .arg("--tool=callgrind")
                .arg(format!("--callgrind-out-file={}", out_file.display()))
                .arg(&exe)
                .args(["client", "--mode", mode, "--addr", &addr])
                .args(["--concurrency", &concurrency.to_string()])
                .args(["--requests", &requests.to_string()])
                .output()
                .map_err(|e| format!("valgrind (install it: scripts/bench-deps): {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "callgrind {mode} {requests}: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let log = String::from_utf8_lossy(&out.stderr);
            let total = log
                .lines()
                .find_map(|l| l.split("Collected : ").nth(1))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .ok_or_else(|| format!("callgrind {mode}: no instruction total in its log"))?;
            // The client's untimed warm-up is requests too (see `run_client`).
            let sent = requests + warmup(concurrency, requests);
            counted.push((sent, total, out_file));
        }
        let (s_sent, s_total, _) = &counted[0];
        let (l_sent, l_total, l_file) = &counted[1];
        let per_request = (*l_total as f64 - *s_total as f64) / (*l_sent as f64 - *s_sent as f64);
        let url_parse =
            inclusive(l_file, "url::ParseOptions::parse")?.map(|n| n as f64 / *l_sent as f64);
        eprintln!(
            "instructions  {mode:>10}  {per_request:>9.0} per request  (url::Url parsing {:.0})",
            url_parse.unwrap_or(f64::NAN)
        );
        modes.push(serde_json::json!({
            "mode": mode,
            "per_request": per_request,
            "url_parse_per_request": url_parse,
        }));
    }
    drop(guard);
    let _ = std::fs::remove_dir_all(&dir);
    let report = serde_json::json!({ "concurrency": concurrency, "small": small, "large": large, "modes": modes });
    write_report(args, &report.to_string())
}

/// The inclusive instruction count of the first function whose name starts with `name`, from
/// `callgrind_annotate`; `None` when it does not appear.
fn inclusive(file: &std::path::Path, name: &str) -> Result<Option<u64>, String> {
    let out = Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(file)
        .output()
        .map_err(|e| format!("callgrind_annotate: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().find_map(|line| {
        let (count, rest) = line.trim_start().split_once(' ')?;
        let function = rest.split(":").skip(1).collect::<Vec<_>>().join(":");
        function
            .starts_with(name)
            .then(|| count.replace(',', "").parse().ok())
            .flatten()
    }))
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn run_client(args: &[String]) -> Result<(), String> {
    let mode = flag(args, "--mode").ok_or("--mode")?.to_owned();
    let addr = flag(args, "--addr").ok_or("--addr")?;
    let concurrency = number(args, "--concurrency", 1)?;
    let requests = number(args, "--requests", 200)?;
    let base = format!("http://{addr}");
    // Untimed warm-up: opens every connection the timed part will use.
    let warmup_requests = warmup(concurrency, requests);
    // CPU time is read around the timed part only (warm-up excluded).
    let mut cpu: (Option<u64>, Option<u64>) = (None, None);
    let elapsed = runtime()?.block_on(async {
        macro_rules! measure {
            ($call:expr) => {{
                let call = $call;
                load::run(concurrency, warmup_requests, call.clone()).await?;
                cpu.0 = cpu::process_cpu_ns();
                let elapsed = load::run(concurrency, requests, call).await;
                cpu.1 = cpu::process_cpu_ns();
                elapsed
            }};
        }
        match mode.as_str() {
            "ours" => measure!(ours(&base)),
            "raw" => measure!(raw(&base, false)?),
            "raw_decode" => measure!(raw(&base, true)?),
            "openapi" => measure!(openapi(&base)),
            other => Err(format!("unknown mode {other:?}")),
        }
    })?;
    let cpu_us_per_request = match cpu {
        (Some(before), Some(after)) if requests > 0 => {
            Some(after.saturating_sub(before) as f64 / 1000.0 / requests as f64)
        }
        _ => None,
    };
    let secs = elapsed.max(Duration::from_nanos(1)).as_secs_f64();
    let run = Run {
        mode,
        concurrency,
        requests,
        secs,
        rps: requests as f64 / secs,
        cpu_us_per_request,
        peak_rss_kib: rss::peak_rss_kib(),
    };
    println!(
        "{}",
        serde_json::to_string(&run).map_err(|e| e.to_string())?
    );
    Ok(())
}

type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

/// Every request built from scratch through the SDK, as an application would.
fn ours(base: &str) -> impl Fn() -> Call + Clone + Send + Sync + 'static {
    let client = fixture::client(Some(base));
    move || {
        let client = client.clone();
        Box::pin(async move {
            let payment = fixture::full_request()
                .send(&client)
                .await
                .map_err(|e| e.to_string())?;
            std::hint::black_box(payment);
            Ok(())
        }) as Call
    }
}

/// What our client puts on the wire for the fixture's Create Payments, built once for the raw
/// clients: URL, body, and the Authorization and User-Agent values.
struct Wire {
    url: String,
    body: bytes::Bytes,
    auth: HeaderValue,
    agent: HeaderValue,
}

fn wire(base: &str) -> Result<Wire, String> {
    let ours = fixture::client(Some(base));
    let (target, body) = ours
        .encode(&fixture::full_params())
        .map_err(|e| e.to_string())?;
    let credentials = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{}", fixture::ACCOUNT_SID, fixture::AUTH_TOKEN),
    );
    Ok(Wire {
        url: format!("{base}{target}"),
        body: bytes::Bytes::from(body.ok_or("a POST has a body")?),
        auth: HeaderValue::try_from(format!("Basic {credentials}")).map_err(|e| e.to_string())?,
        agent: HeaderValue::try_from(ours.user_agent()).map_err(|e| e.to_string())?,
    })
}

/// The floor: the exact bytes our client sends, built once; the answer is read, and parsed into
/// our `Payment` only when `decode` is set.
fn raw(
    base: &str,
    decode: bool,
) -> Result<impl Fn() -> Call + Clone + Send + Sync + 'static, String> {
    let Wire {
        url,
        body,
        auth,
        agent,
    } = wire(base)?;
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .user_agent(agent)
        .build()
        .map_err(|e| e.to_string())?;
    let shared = Arc::new((http, url, headers, body));
    Ok(move || {
        let shared = Arc::clone(&shared);
        Box::pin(async move {
            let (http, url, headers, body) = &*shared;
            let response = http
                .post(url.as_str())
                .headers(headers.clone())
                .body(body.clone())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if response.status().as_u16() != 201 {
                return Err(format!("raw: status {}", response.status()));
            }
            let bytes = response.bytes().await.map_err(|e| e.to_string())?;
            if decode {
                let payment: api::payments::Payment =
                    serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                std::hint::black_box(payment);
            } else {
                std::hint::black_box(bytes);
            }
            Ok(())
        }) as Call
    })
}

/// The crate a Rust user would pick today (openapi-generator output).
fn openapi(base: &str) -> impl Fn() -> Call + Clone + Send + Sync + 'static {
    use twilio_openapi::apis::{configuration::Configuration, default_api};
    let mut config = Configuration::new();
    config.base_path = base.to_owned();
    config.basic_auth = Some((
        fixture::ACCOUNT_SID.to_owned(),
        Some(fixture::AUTH_TOKEN.to_owned()),
    ));
    let config = Arc::new(config);
    let parameter = fixture::parameter();
    move || {
        let config = Arc::clone(&config);
        let parameter = parameter.clone();
        Box::pin(async move {
            let payment = default_api::create_payments(
                &config,
                fixture::ACCOUNT_SID,
                fixture::CALL_SID,
                fixture::IDEMPOTENCY_KEY,
                fixture::STATUS_CALLBACK,
                Some("consumer-checking"),
                Some(19.99),
                Some(fixture::CURRENCY),
                Some(fixture::DESCRIPTION),
                Some("dtmf"),
                Some(fixture::MIN_POSTAL_CODE_LENGTH as i32),
                Some(parameter),
                Some(fixture::PAYMENT_CONNECTOR),
                Some("credit-card"),
                Some(true),
                Some(true),
                Some(fixture::TIMEOUT as i32),
                Some("reusable"),
                Some("visa mastercard amex"),
            )
            .await
            .map_err(|e| e.to_string())?;
            std::hint::black_box(payment);
            Ok(())
        }) as Call
    }
}
