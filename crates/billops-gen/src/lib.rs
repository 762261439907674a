//! Deterministic data generators for billops: the demo book committed as `fixtures/demo/` and benchmark
//! cost-and-usage files (AWS CUR legacy, CUR 2.0, FOCUS 1.2).
//!
//! Money is never a float here: every amount is an integer mantissa with a scale (see [`amount`]), turned into a
//! `rust_decimal::Decimal`. Randomness comes from our own SplitMix64 ([`rng`]), so the output is fixed by this
//! crate's source alone.
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic)]

pub mod amount;
pub mod bench;
pub mod catalog;
pub mod compress;
pub mod csvline;
pub mod demo;
pub mod format;
pub mod plan;
pub mod rng;
pub mod row;

pub use bench::{BenchSpec, BenchStats, write_bench, write_bench_mapping, write_bench_spec, write_bench_stats};
pub use demo::manifest::{Manifest, UNASSIGNED};
pub use demo::{DemoSummary, write_demo};
pub use format::{CUR_COLUMNS, CUR2_COLUMNS, FOCUS_COLUMNS, FileFormat};

/// Read `manifest.json` from a demo folder.
pub fn read_manifest(dir: &std::path::Path) -> std::io::Result<Manifest> {
    let text = std::fs::read_to_string(dir.join("manifest.json"))?;
    Manifest::from_json(&text).map_err(std::io::Error::other)
}
