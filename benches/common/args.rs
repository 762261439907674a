//! Command-line arguments shared by the bench binaries.

/// The arguments after the program name, `--bench` removed, and whether this is a smoke run: `cargo bench`
/// passes `--bench`; without it (`cargo test --benches`) or with `--test`, each bench does a tiny smoke run.
pub fn args() -> (bool, Vec<String>) {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let quick = all.iter().any(|a| a == "--test") || !all.iter().any(|a| a == "--bench");
    (quick, all.into_iter().filter(|a| a != "--bench").collect())
}

/// The number after option `name` (`_` separators allowed: `10_000_000`); a missing or bad one stops the bench.
pub fn number(it: &mut std::slice::Iter<'_, String>, name: &str) -> u64 {
    it.next().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"))
}
