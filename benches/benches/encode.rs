//! Time per call to build the Create Payments path and form body with every field set: ours
//! (`Client::encode`: validate, template the path, serialize the form) against what generated
//! SDKs do (a `HashMap` of owned strings, then `serde_urlencoded`, and `format!` of the path).
//! Allocation counts come from the `encode-allocs` binary.

use benches::{baseline, fixture, floor};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn encode(c: &mut Criterion) {
    let client = fixture::client(None);
    let params = fixture::full_params();
    let inputs = baseline::full_inputs();
    let rendered = floor::rendered();
    let mut group = c.benchmark_group("encode");
    group.bench_function("ours", |b| b.iter(|| client.encode(black_box(&params))));
    group.bench_function("baseline", |b| {
        b.iter(|| baseline::encode(black_box(&inputs)))
    });
    // The percent-encoding both must do at least, with no per-field work.
    group.bench_function("floor", |b| b.iter(|| floor::encode(black_box(&rendered))));
    // For information: the builder too (SID, URL and JSON checks, owned values), then encode.
    group.bench_function("ours_build_and_encode", |b| {
        b.iter(|| {
            let params = fixture::full_params();
            client.encode(&params).map(|_| ())
        })
    });
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
