//! Read files or folders and print each source's summary and data-feed issues:
//! `cargo run -p billops-import --example read -- PATH...`
use std::path::PathBuf;

use billops_import::{Event, TagConfig, expand, read_source};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    for src in expand(&paths)? {
        let mut issues = Vec::new();
        let mut bad = Vec::new();
        match read_source(&src, &TagConfig::default(), &mut |e| {
            match e {
                Event::Item(_) => {}
                Event::Bad(q) => bad.push(q),
                Event::Issue(i) => issues.push(i),
                Event::Partner(_) => {}
            }
            true
        }) {
            Ok(s) => {
                println!(
                    "{}: {} {} rows, {} quarantined, blake3 {}",
                    src.display_name(),
                    s.format.as_str(),
                    s.rows,
                    s.quarantined,
                    s.content_hash
                );
                for q in bad.iter().take(5) {
                    println!("  bad {}: {} (value {:?})", q.location(), q.reason, q.value);
                }
                for i in &issues {
                    println!("  {} {}: {}", i.severity, i.kind, i.message);
                }
            }
            Err(e) => println!("refused: {e}"),
        }
    }
    Ok(())
}
