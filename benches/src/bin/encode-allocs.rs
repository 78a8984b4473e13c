//! Heap allocations per call of each encoder, counted by a global allocator. Kept out of the
//! criterion bench so the counter's cost never shows in the timings.
//!
//! `encode-allocs [--out FILE]` prints (or writes) JSON: per encoder, allocations and bytes
//! requested per call (`realloc` counts as an allocation: it may move the buffer).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use benches::{baseline, fixture, floor};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const CALLS: u64 = 1000;

/// Allocations and bytes per call of `f`, after one untimed call (lazy statics).
fn count<R>(mut f: impl FnMut() -> R) -> (f64, f64) {
    drop(std::hint::black_box(f()));
    let (a0, b0) = (
        ALLOCS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    for _ in 0..CALLS {
        drop(std::hint::black_box(f()));
    }
    let (a1, b1) = (
        ALLOCS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    (
        (a1 - a0) as f64 / CALLS as f64,
        (b1 - b0) as f64 / CALLS as f64,
    )
}

fn main() {
    let client = fixture::client(None);
    let params = fixture::full_params();
    let inputs = baseline::full_inputs();
    let rendered = floor::rendered();
    let (path, body) = match client.encode(&params) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("encode-allocs: {e}");
            std::process::exit(1);
        }
    };
    let rows = [
        (
            "ours_encode",
            count(|| client.encode(std::hint::black_box(&params))),
        ),
        (
            "baseline_encode",
            count(|| baseline::encode(std::hint::black_box(&inputs))),
        ),
        (
            "floor_encode",
            count(|| floor::encode(std::hint::black_box(&rendered))),
        ),
        (
            "ours_build_and_encode",
            count(|| {
                let params = fixture::full_params();
                client.encode(&params).map(|_| ())
            }),
        ),
    ];
    let mut json = serde_json::Map::new();
    for (name, (allocs, bytes)) in rows {
        eprintln!("{name:>22}: {allocs:>6.2} allocations, {bytes:>8.1} bytes per call");
        json.insert(
            name.to_owned(),
            serde_json::json!({ "allocs_per_call": allocs, "bytes_per_call": bytes }),
        );
    }
    json.insert(
        "output".to_owned(),
        serde_json::json!({ "path_len": path.len(), "body_len": body.map_or(0, |b| b.len()) }),
    );
    let text = serde_json::Value::Object(json).to_string();
    let args: Vec<String> = std::env::args().collect();
    if let Err(e) = benches::args::write_report(&args, &text) {
        eprintln!("encode-allocs: {e}");
        std::process::exit(1);
    }
}
