//! Time per decode of three answers (a Payment, a Call, a page of 50 calls): the lenient models
//! of `#[twilio_model]` against the strict serde-derived models they replaced (`src/decode.rs`).
//! `decode-ratio` measures the same pairs interleaved, which is what BENCHMARKS.md reports.

use benches::decode;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn decoding(c: &mut Criterion) {
    for (name, body) in decode::bodies() {
        let mut group = c.benchmark_group(format!("decode_{name}"));
        let bytes = body.as_bytes();
        group.bench_function("lenient", |b| {
            b.iter(|| decode::lenient(name, black_box(bytes)))
        });
        group.bench_function("strict", |b| {
            b.iter(|| decode::strict(name, black_box(bytes)))
        });
        group.finish();
    }
}

criterion_group!(benches, decoding);
criterion_main!(benches);
