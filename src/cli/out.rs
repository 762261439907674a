//! Standard output and error of the CLI. `println!` panics when stdout is a closed pipe (`billops costs … |
//! head -1`), so the CLI never uses it: everything goes through [`Stdout`]. The first write that meets a closed
//! pipe marks stdout closed and every later write is dropped, so the command finishes its work and exits with
//! its own code, quietly: no panic, no message, no exit 101.
//!
//! Text for a person ([`outln!`], [`err_line`]) shows control characters as escapes (`\x1b`), never raw: the
//! values in it (codes, names, tags, file names, reasons) may come from a hostile cost file. Data (CSV, JSON,
//! HTML) goes out as it is through [`raw`].
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use billops_domain::text::visible;

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Process stdout that turns a closed pipe into a quiet stop.
pub struct Stdout;

fn quiet<T>(r: io::Result<T>, closed: T) -> io::Result<T> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(closed)
        }
        other => other,
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        quiet(io::stdout().lock().write(buf), buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        quiet(io::stdout().lock().flush(), ())
    }
}

/// Text for a terminal: every line's control characters shown as escapes; the line breaks kept.
pub fn human(s: &str) -> String {
    s.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// One line of text for a person, control characters made visible.
pub fn line(args: fmt::Arguments<'_>) -> io::Result<()> {
    let text = match args.as_str() {
        Some(s) => human(s),
        None => human(&args.to_string()),
    };
    let mut out = Stdout;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Data (CSV, JSON, HTML) exactly as given.
pub fn raw(s: &str) -> io::Result<()> {
    let mut out = Stdout;
    out.write_all(s.as_bytes())?;
    out.flush()
}

/// Text for a person held until the command knows it succeeded (a run's lines, printed only once it
/// committed): in memory up to [`Spool::IN_MEMORY`] bytes, then in an unnamed temporary file, so holding it
/// does not grow with the output. Lines are made visible as [`line`] makes them.
#[derive(Default)]
pub struct Spool {
    held: Vec<u8>,
    file: Option<std::fs::File>,
    /// The first write that failed (the spool stops there; [`Spool::print`] reports it).
    failed: Option<io::Error>,
}

impl Spool {
    pub const IN_MEMORY: usize = 1 << 20;

    /// Hold one line (`format_args!`).
    pub fn line(&mut self, args: fmt::Arguments<'_>) {
        if self.failed.is_some() {
            return;
        }
        let text = match args.as_str() {
            Some(s) => human(s),
            None => human(&args.to_string()),
        };
        self.held.extend_from_slice(text.as_bytes());
        self.held.push(b'\n');
        if self.held.len() >= Self::IN_MEMORY
            && let Err(e) = self.spill()
        {
            self.failed = Some(e);
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        let f = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(tempfile::tempfile()?),
        };
        f.write_all(&self.held)?;
        self.held.clear();
        Ok(())
    }

    /// Print what is held, in order, on stdout.
    pub fn print(self) -> io::Result<()> {
        self.write_to(&mut Stdout)
    }

    /// Write what is held, in order, to `out`.
    fn write_to(mut self, out: &mut impl Write) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if let Some(mut f) = self.file.take() {
            use std::io::Seek;
            f.seek(io::SeekFrom::Start(0))?;
            io::copy(&mut f, out)?;
        }
        out.write_all(&self.held)?;
        out.flush()
    }
}

/// A message on stderr (the `billops: …` of a failure), control characters made visible; a closed stderr is
/// ignored (there is nowhere left to say it).
pub fn err_line(s: &str) {
    let mut e = io::stderr().lock();
    let _ = writeln!(e, "{}", human(s));
    let _ = e.flush();
}

/// `outln!("…", args)`: [`line`] with `format!` arguments; returns `io::Result<()>` for `?`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out::line(format_args!($($arg)*))
    };
}

/// `rawln!("{}", json)`: [`raw`] with `format!` arguments and a line break (JSON for scripts, untouched).
macro_rules! rawln {
    ($($arg:tt)*) => {
        $crate::cli::out::raw(&format!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn human_text_keeps_line_breaks_and_escapes_the_rest() {
        assert_eq!(human("a\u{1b}[2Jb\n  c\u{7}"), "a\\x1b[2Jb\n  c\\x07");
        assert_eq!(human("plain"), "plain");
    }

    #[test]
    fn a_spool_past_its_memory_gives_back_every_line_in_order_made_visible() {
        let mut spool = Spool::default();
        let n = 40_000; // ~1.3 MiB: past what it keeps in memory
        for i in 0..n {
            spool.line(format_args!("cust{i:05} invoice {i}: created total 12.34 \u{1b}[2J"));
        }
        assert!(spool.file.is_some() && spool.held.len() < Spool::IN_MEMORY, "spilled to a file");
        let mut out = Vec::new();
        spool.write_to(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), n);
        assert_eq!(lines[0], "cust00000 invoice 0: created total 12.34 \\x1b[2J");
        assert_eq!(lines[n - 1], format!("cust{:05} invoice {}: created total 12.34 \\x1b[2J", n - 1, n - 1));
        assert!(text.ends_with('\n'));
    }
}
