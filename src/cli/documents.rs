//! `--format html|pdf` of `invoices export`, `invoices export-credit-note` and `statement`: the customer's
//! document (`crate::documents`), to a file (`--output`) or, for HTML, to stdout.
use std::path::Path;

use crate::documents::load::{self, DocRef};
use crate::documents::{Format, file_name, render};

use super::month::today;
use super::{Ctx, Failure};

/// Build the document and write it; says where (a PDF goes to a file only: bytes on a terminal help no one).
pub async fn export(ctx: &Ctx, r: &DocRef, format: Format, output: Option<&Path>) -> Result<u8, Failure> {
    let doc = load::document(ctx.store.as_ref(), r, today()).await?;
    let bytes = render(&doc, format);
    match (output, format) {
        (Some(path), _) => {
            write(path, &bytes)?;
            outln!("{} written to {} ({} bytes)", doc.heading(), path.display(), bytes.len())?;
        }
        (None, Format::Html) => super::out::raw(&String::from_utf8_lossy(&bytes))?,
        (None, Format::Pdf) => {
            return Err(Failure::user(format!(
                "--format pdf needs --output FILE (e.g. --output {})",
                file_name(&doc, Format::Pdf)
            )));
        }
    }
    Ok(0)
}

/// Internal exports (csv, json) to `output` or stdout.
pub fn write_text(text: &str, output: Option<&Path>) -> Result<u8, Failure> {
    match output {
        Some(path) => {
            write(path, text.as_bytes())?;
            outln!("written to {}", path.display())?;
        }
        None => super::out::raw(text)?,
    }
    Ok(0)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::user(format!("{}: {e}", path.display())))
}
