//! billops: a keyboard-driven terminal console for cloud billing operations.
//! The binary is thin (`main.rs`); the CLI, config, import glue and console live here so tests can reach them.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod console;
pub mod csv_out;
pub mod documents;
pub mod focus;
pub mod ingest;
pub mod month;
pub mod plan;
