//! Shared pieces of the benchmarks: the Create Payments request every bench sends (built by the
//! SDK, and by hand the way generated SDKs do it), the loopback server, and measurement helpers.
//! The numbers themselves come from `benches/encode.rs` and `benches/decode.rs` (criterion),
//! the `decode-ratio`, `encode-allocs`,
//! `throughput` and `bench-report` binaries, and `scripts/bench` (build cost).
#![deny(missing_docs)]

pub mod args;
pub mod baseline;
pub mod cpu;
pub mod decode;
pub mod fixture;
pub mod floor;
pub mod load;
pub mod rss;
pub mod server;
