//! `billops-gen`: write the demo book or a benchmark file.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use billops_gen::bench::{DEFAULT_ACCOUNTS, DEFAULT_CUSTOMERS};
use billops_gen::compress::gzip_writer;
use billops_gen::{BenchSpec, FileFormat, write_bench_mapping, write_bench_spec, write_demo};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "billops-gen", version, about = "Deterministic billing data for billops")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the demo book (byte-identical on every run) into a folder.
    Demo {
        #[arg(long)]
        out: PathBuf,
    },
    /// Stream a benchmark cost file of N rows (gzip when FILE ends in .gz).
    Bench {
        /// cur, cur2 or focus
        #[arg(long)]
        format: FileFormat,
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = DEFAULT_ACCOUNTS)]
        accounts: usize,
        #[arg(long, default_value_t = DEFAULT_CUSTOMERS)]
        customers: usize,
        /// Also write customers.csv and accounts.csv for these accounts into this folder.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Real-world cardinality: a resource per ~10 usage rows, a long tail of tag values (use with
        /// --accounts 2000 or more).
        #[arg(long)]
        high_cardinality: bool,
    },
}

fn run(cli: Cli) -> io::Result<()> {
    match cli.command {
        Command::Demo { out } => {
            let summary = write_demo(&out)?;
            for (name, bytes) in &summary.written {
                println!("{bytes:>10}  {}", out.join(name).display());
            }
            let m = &summary.manifest;
            println!(
                "{} files, {} bytes, {} cost rows, billed total {} {}",
                summary.written.len(),
                summary.total_bytes(),
                m.total_rows,
                m.total_billed,
                m.currency
            );
            Ok(())
        }
        Command::Bench { format, rows, out, seed, accounts, customers, mapping, high_cardinality } => {
            let spec = BenchSpec { accounts, customers, high_cardinality, ..BenchSpec::new(format, rows, seed) };
            let started = Instant::now();
            let file = BufWriter::with_capacity(1 << 20, File::create(&out)?);
            if out.extension().is_some_and(|e| e == "gz") {
                let mut gz = gzip_writer(file, 1);
                write_bench_spec(&spec, &mut gz)?;
                gz.finish()?.flush()?;
            } else {
                let mut file = file;
                write_bench_spec(&spec, &mut file)?;
                file.flush()?;
            }
            let secs = started.elapsed().as_millis().max(1);
            let rate = u128::from(rows) * 1000 / secs;
            eprintln!("{rows} {format} rows -> {} in {secs} ms ({rate} rows/s)", out.display());
            if let Some(dir) = mapping {
                write_bench_mapping(&spec, &dir)?;
                eprintln!("mapping -> {}", dir.display());
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("billops-gen: {e}");
            ExitCode::FAILURE
        }
    }
}
