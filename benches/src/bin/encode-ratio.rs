//! The encoding speed-up measured in interleaved batches: ours, the baseline and the reference
//! (`floor.rs`) take
//! turns (a batch of calls each, many times over), and the ratio is taken within each turn, so
//! load from other processes that comes and goes hits all three alike. Criterion measures one
//! function after another, which on a shared machine lets a load change skew a ratio.
//!
//! `encode-ratio [--quick] [--out FILE]` prints (or writes) JSON: median ns per call of each
//! encoder over the batches, and the medians of the per-turn ratios baseline/ours and
//! ours/reference.

use std::hint::black_box;
use std::time::Instant;

use benches::{baseline, fixture, floor};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (turns, batch) = if quick { (5, 50) } else { (2000, 500) };
    let client = fixture::client(None);
    let params = fixture::full_params();
    let inputs = baseline::full_inputs();
    let rendered = floor::rendered();

    let time = |f: &mut dyn FnMut()| {
        let t0 = Instant::now();
        for _ in 0..batch {
            f();
        }
        t0.elapsed().as_nanos() as f64 / f64::from(batch)
    };
    let mut ours = || drop(black_box(client.encode(black_box(&params))));
    let mut base = || drop(black_box(baseline::encode(black_box(&inputs))));
    let mut flo = || drop(black_box(floor::encode(black_box(&rendered))));
    // Warm-up: caches, branch predictors, the allocator's free lists.
    for _ in 0..3 {
        time(&mut ours);
        time(&mut base);
        time(&mut flo);
    }
    let (mut o, mut b, mut f, mut speedup, mut versus) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..turns {
        let (to, tb, tf) = (time(&mut ours), time(&mut base), time(&mut flo));
        o.push(to);
        b.push(tb);
        f.push(tf);
        speedup.push(tb / to);
        versus.push(to / tf);
    }
    let report = serde_json::json!({
        "turns": turns,
        "batch": batch,
        "ours_ns": median(&o),
        "baseline_ns": median(&b),
        "floor_ns": median(&f),
        "speedup_median": median(&speedup),
        "ours_over_reference_median": median(&versus),
    });
    eprintln!("{report}");
    let args: Vec<String> = std::env::args().collect();
    if let Err(e) = benches::args::write_report(&args, &report.to_string()) {
        eprintln!("encode-ratio: {e}");
        std::process::exit(1);
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
