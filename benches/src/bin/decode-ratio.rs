//! Decode cost of the lenient response models against the strict ones they replaced, measured
//! in interleaved batches (as `encode-ratio` does): for each body, lenient and strict take
//! turns, and the ratio lenient/strict is taken within each turn, so load that comes and goes
//! hits both alike.
//!
//! `decode-ratio [--quick] [--out FILE]` prints (or writes) JSON: per body, its size, median ns
//! per decode of each decoder and the median of the per-turn ratios lenient/strict.
//!
//! `decode-ratio --repeat lenient|strict BODY N` only decodes BODY N times with one decoder:
//! run under `valgrind --tool=callgrind` with two values of N, the difference in instructions
//! over the difference in N is the deterministic cost of one decode.

use std::hint::black_box;
use std::time::Instant;

use benches::decode;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(decoder) = benches::args::flag(&args, "--repeat") {
        repeat(decoder, &args);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let (turns, target_ns) = if quick {
        (5, 200_000.0)
    } else {
        (1000, 2_000_000.0)
    };
    let mut rows = Vec::new();
    for (name, body) in decode::bodies() {
        let bytes = body.as_bytes();
        // A batch long enough (about 2 ms) that the clock's resolution does not matter.
        let once = {
            let t0 = Instant::now();
            for _ in 0..10 {
                black_box(decode::strict(name, black_box(bytes)));
            }
            t0.elapsed().as_nanos() as f64 / 10.0
        };
        let batch = ((target_ns / once.max(1.0)) as usize).clamp(1, 100_000);
        let time = |f: &dyn Fn() -> bool| {
            let t0 = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            t0.elapsed().as_nanos() as f64 / batch as f64
        };
        let lenient = || decode::lenient(name, black_box(bytes));
        let strict = || decode::strict(name, black_box(bytes));
        assert!(lenient() && strict(), "{name}: both decoders read the body");
        for _ in 0..3 {
            time(&lenient);
            time(&strict);
        }
        let (mut l, mut s, mut ratio) = (vec![], vec![], vec![]);
        for _ in 0..turns {
            let (tl, ts) = (time(&lenient), time(&strict));
            l.push(tl);
            s.push(ts);
            ratio.push(tl / ts);
        }
        rows.push(serde_json::json!({
            "body": name,
            "bytes": bytes.len(),
            "batch": batch,
            "lenient_ns": median(&l),
            "strict_ns": median(&s),
            "lenient_over_strict_median": median(&ratio),
        }));
    }
    let report = serde_json::json!({ "turns": turns, "bodies": rows });
    eprintln!("{report}");
    if let Err(e) = benches::args::write_report(&args, &report.to_string()) {
        eprintln!("decode-ratio: {e}");
        std::process::exit(1);
    }
}

fn repeat(decoder: &str, args: &[String]) {
    let position = args.iter().position(|a| a == "--repeat").unwrap_or(0);
    let (Some(body_name), Some(count)) = (args.get(position + 2), args.get(position + 3)) else {
        eprintln!("usage: decode-ratio --repeat lenient|strict BODY N");
        std::process::exit(2);
    };
    let count: usize = count.parse().unwrap_or(0);
    let Some((name, body)) = decode::bodies().into_iter().find(|(n, _)| n == body_name) else {
        eprintln!("decode-ratio: no body {body_name:?}");
        std::process::exit(2);
    };
    let decode: fn(&str, &[u8]) -> bool = match decoder {
        "lenient" => decode::lenient,
        _ => decode::strict,
    };
    let mut read = 0;
    for _ in 0..count {
        read += usize::from(decode(name, black_box(body.as_bytes())));
    }
    assert_eq!(read, count, "every decode succeeded");
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
