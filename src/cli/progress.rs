//! A progress line on stderr for long work (import, back-fill, invoice generation): rewritten in place on a
//! terminal, a line every tenth of the work otherwise (a log reads it), nothing when there is nothing to count.
//! stdout stays the command's result, so a script piping it sees no progress text.
use std::io::{IsTerminal, Write};
use std::time::Instant;

pub struct ProgressLine {
    tty: bool,
    label: String,
    started: Instant,
    last: Option<u64>,
    shown: bool,
    quiet: bool,
}

impl ProgressLine {
    pub fn new(label: impl Into<String>) -> ProgressLine {
        ProgressLine {
            tty: std::io::stderr().is_terminal(),
            label: label.into(),
            started: Instant::now(),
            last: None,
            shown: false,
            quiet: false,
        }
    }

    /// Only on a terminal (a log of a script's run gets the result, not a line per tenth of each file).
    pub fn terminal_only(mut self) -> ProgressLine {
        self.quiet = !self.tty;
        self
    }

    /// `done` of `total` units (`what`, e.g. "customers"); with an ETA once a tenth is done on a terminal.
    pub fn update(&mut self, done: u64, total: u64, what: &str) {
        if total == 0 || self.quiet {
            return;
        }
        let pct = done.saturating_mul(100) / total;
        let step = if self.tty { pct } else { pct / 10 };
        if self.last == Some(step) && done < total {
            return;
        }
        self.last = Some(step);
        let eta = match (self.tty, done) {
            (true, d) if d > 0 && pct >= 10 && d < total => {
                let spent = self.started.elapsed().as_secs_f64();
                let left = spent / d as f64 * (total - d) as f64;
                format!(", about {} left", human(left))
            }
            _ => String::new(),
        };
        let text = line_text(&self.label, done, total, what, &eta);
        let mut err = std::io::stderr().lock();
        // progress is a courtesy: a closed stderr never stops the work
        let _ = if self.tty { write!(err, "\r\x1b[2K{text}") } else { writeln!(err, "{text}") };
        self.shown = true;
        if self.tty && done >= total {
            let _ = writeln!(err);
            self.shown = false;
        }
    }

    /// A count without a known total (rows read so far).
    pub fn count(&mut self, done: u64, what: &str) {
        if !self.tty {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}: {done} {what} ({rate:.0}/s)", self.label);
        self.shown = true;
    }

    /// Work that cannot be counted (one transaction in the store): on a terminal, `LABEL … N s` once a second
    /// until `work` ends, so a person sees it is still working, then the line is cleared; nothing otherwise.
    /// Says nothing before a second.
    pub async fn waiting<T>(mut self, work: impl std::future::Future<Output = T>) -> T {
        tokio::pin!(work);
        if !self.tty {
            return work.await;
        }
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(1),
        );
        loop {
            tokio::select! {
                out = &mut work => {
                    // The result says what was done: the line goes rather than stay above it.
                    if self.shown {
                        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
                        self.shown = false;
                    }
                    return out;
                }
                _ = tick.tick() => {
                    let text = waiting_text(&self.label, self.started.elapsed().as_secs_f64());
                    let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
                    self.shown = true;
                }
            }
        }
    }

    /// End the line (on a terminal) so what follows starts on its own.
    pub fn finish(&mut self) {
        if self.tty && self.shown {
            let _ = writeln!(std::io::stderr());
            self.shown = false;
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The progress line's words: `LABEL: DONE/TOTAL WHAT (PCT%)` and the ETA if any.
fn line_text(label: &str, done: u64, total: u64, what: &str, eta: &str) -> String {
    let pct = done.saturating_mul(100).checked_div(total).unwrap_or(100);
    format!("{label}: {done}/{total} {what} ({pct}%){eta}")
}

/// The waiting line's words: `LABEL … 12 s`.
fn waiting_text(label: &str, secs: f64) -> String {
    format!("{label} … {}", human(secs))
}

fn human(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_done_of_total_and_the_time_left_in_words() {
        assert_eq!(line_text("building drafts", 1, 4, "customers", ""), "building drafts: 1/4 customers (25%)");
        assert_eq!(line_text("x", 0, 0, "rows", ""), "x: 0/0 rows (100%)");
        assert_eq!(human(42.4), "42 s");
        assert_eq!(human(125.0), "2 min 5 s");
        assert_eq!(human(3725.0), "1 h 2 min");
        assert_eq!(
            waiting_text("mapping 1000 account(s) in one transaction", 26.2),
            "mapping 1000 account(s) in one transaction … 26 s"
        );
    }
}
