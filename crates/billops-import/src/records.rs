//! A minimal record reader over `csv_core` that knows the exact line each record starts on
//! (the `csv` crate's positions count the blank lines and CRLF remainders before a record as part of it).
use std::io::{self, BufRead};

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use crate::Limits;

/// Why a record could not be read: the input failed, or the file is malformed beyond one row.
#[derive(Debug)]
pub(crate) enum ReadError {
    Io(io::Error),
    /// The whole file is refused: the line the problem starts on and what it is.
    Malformed {
        line: u64,
        why: String,
    },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Where a record that crosses line ends stands: every newline inside an unfinished record is inside quotes,
/// so the quote parity is known from the last one on; `open` is the line the running quoted field opened on.
struct Quote {
    multiline: bool,
    odd: bool,
    open: u64,
}

impl Quote {
    /// Follow the quotes of `s`, consumed while the record stayed unfinished; `line` is the line `s` starts on.
    fn follow(&mut self, s: &[u8], mut line: u64) {
        let from = if self.multiline {
            0
        } else {
            // First crossing: at the last newline of `s` the record was inside quotes.
            let Some(k) = s.iter().rposition(|&b| b == b'\n') else { return };
            line += s[..k].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            self.multiline = true;
            self.odd = true;
            k + 1
        };
        for &b in &s[from..] {
            if b == b'"' {
                self.odd = !self.odd;
                if self.odd {
                    self.open = line;
                }
            } else if b == b'\n' {
                line += 1;
            }
        }
    }
}

fn kib(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// One record: field bytes back to back, and where each field ends. Reused between records.
#[derive(Debug, Default)]
pub(crate) struct Record {
    buf: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    line: u64,
}

impl Record {
    pub(crate) fn len(&self) -> usize {
        self.fields
    }
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        self.buf.get(self.span(i)?)
    }
    /// Where field `i` lies in [`Record::bytes`].
    pub(crate) fn span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        if i >= self.fields {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(start..self.ends[i])
    }
    /// All fields' bytes back to back.
    pub(crate) fn bytes(&self) -> &[u8] {
        let end = if self.fields == 0 { 0 } else { self.ends[self.fields - 1] };
        self.buf.get(..end).unwrap_or_default()
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.fields).filter_map(|i| self.get(i))
    }
    /// 1-based line where the record starts.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }
    /// A record of one field holding only blanks (a blank line the parser did not skip itself).
    pub(crate) fn is_blank(&self) -> bool {
        self.fields == 1 && self.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
    }
    /// The record re-joined as CSV (quoted where needed), lossy for bytes that are not UTF-8.
    pub(crate) fn to_csv(&self) -> String {
        self.to_csv_capped(usize::MAX)
    }

    /// As [`Record::to_csv`], with any field over `cap` bytes cut to its first 256 bytes and a note of its size.
    pub(crate) fn to_csv_capped(&self, cap: usize) -> String {
        let mut out = String::new();
        for (i, f) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let text = if f.len() > cap {
                format!("{}… ({} bytes)", String::from_utf8_lossy(&f[..256.min(f.len())]), f.len()).into()
            } else {
                String::from_utf8_lossy(f)
            };
            if text.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&text);
            }
        }
        out
    }
}

pub(crate) struct Records<R> {
    core: Reader,
    src: R,
    limits: Limits,
}

impl<R: BufRead> Records<R> {
    pub(crate) fn new(src: R, limits: Limits) -> Self {
        Records { core: ReaderBuilder::new().build(), src, limits }
    }

    /// Skip line terminators between records, counting the lines they end.
    fn skip_terminators(&mut self) -> io::Result<()> {
        loop {
            let input = self.src.fill_buf()?;
            if input.is_empty() {
                return Ok(());
            }
            let n = input.iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
            let newlines = input[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            self.core.set_line(self.core.line() + newlines);
            let done = n < input.len();
            self.src.consume(n);
            if done {
                return Ok(());
            }
        }
    }

    /// Read the next record into `rec`; false at the end of the input. A record longer than the line limit,
    /// or a quoted field running past the line-count limit or to the end of the input, refuses the file
    /// (memory stays bounded by the limit whatever the input holds).
    pub(crate) fn read(&mut self, rec: &mut Record) -> Result<bool, ReadError> {
        self.skip_terminators()?;
        let start = self.core.line();
        rec.line = start;
        rec.fields = 0;
        if rec.buf.is_empty() {
            rec.buf.resize(4096, 0);
        }
        if rec.ends.is_empty() {
            rec.ends.resize(64, 0);
        }
        let (mut outlen, mut endlen, mut consumed) = (0, 0, 0usize);
        let mut quote = Quote { multiline: false, odd: false, open: start };
        loop {
            let before = self.core.line();
            let (res, nin, nout, nend, eof) = {
                let input = self.src.fill_buf()?;
                let eof = input.is_empty();
                let (res, nin, nout, nend) =
                    self.core.read_record(input, &mut rec.buf[outlen..], &mut rec.ends[endlen..]);
                if !matches!(res, ReadRecordResult::Record | ReadRecordResult::End)
                    && (quote.multiline || self.core.line() > before)
                {
                    quote.follow(&input[..nin], before);
                }
                (res, nin, nout, nend, eof)
            };
            self.src.consume(nin);
            consumed += nin;
            // csv_core tracks the record's output position across calls: ends are already absolute.
            outlen += nout;
            endlen += nend;
            let line = self.core.line();
            if !matches!(res, ReadRecordResult::End) {
                self.check(&quote, start, line, consumed)?;
            }
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let n = rec.buf.len() * 2;
                    rec.buf.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = rec.ends.len() * 2;
                    rec.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    if eof && quote.multiline && quote.odd {
                        return Err(ReadError::Malformed {
                            line: quote.open,
                            why: format!(
                                "a quoted field opened on this line never closes: it runs to the end of the file \
                                 (line {line}, {} lines, {consumed} bytes); a stray quote?",
                                line - quote.open + 1
                            ),
                        });
                    }
                    rec.fields = endlen;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }

    /// Refuse a record that has taken `consumed` bytes and reached `line`.
    fn check(&self, quote: &Quote, start: u64, line: u64, consumed: usize) -> Result<(), ReadError> {
        // A finished record's line count includes its terminator.
        let lines = line - start + 1;
        let max = &self.limits;
        if (quote.multiline || lines > 2) && (lines > max.record_lines || consumed > max.record_bytes) {
            let open = if quote.odd { quote.open } else { start };
            return Err(ReadError::Malformed {
                line: open,
                why: format!(
                    "a quoted field opened on this line runs past line {line} ({} lines, {consumed} bytes); the \
                     limit is {} lines and {} per record (a stray quote?)",
                    line - open + 1,
                    max.record_lines,
                    kib(max.record_bytes)
                ),
            });
        }
        if consumed > max.record_bytes {
            return Err(ReadError::Malformed {
                line: start,
                why: format!("the line is longer than the limit of {} (read {consumed} bytes)", kib(max.record_bytes)),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = Records::new(std::io::BufReader::with_capacity(3, input.as_bytes()), Limits::default());
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            out.push((rec.line(), rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
    }

    #[test]
    fn start_lines_are_exact() {
        let v = lines("\n\na,b\r\n\r\n\"x\ny\",\"q\"\"\"\r\nlast,one");
        assert_eq!(v[0], (3, vec!["a".into(), "b".into()]));
        assert_eq!(v[1], (5, vec!["x\ny".into(), "q\"".into()]));
        assert_eq!(v[2], (7, vec!["last".into(), "one".into()]));
        assert_eq!(v.len(), 3);
        let long = format!("{},{}\n", "z".repeat(10_000), ",".repeat(200));
        let v = lines(&long);
        assert_eq!(v[0].1.len(), 202);
        assert_eq!(v[0].1[0].len(), 10_000);
    }

    #[test]
    fn rejoins_as_csv() {
        let mut r = Records::new("a,\"b,c\",\"d\"\"e\"\n".as_bytes(), Limits::default());
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.to_csv(), "a,\"b,c\",\"d\"\"e\"");
    }
}
