//! A minimal record reader over `csv_core` that knows the exact line each record starts on
//! (the `csv` crate's positions count the blank lines and CRLF remainders before a record as part of it).
use std::io::{self, BufRead};

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

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
        let mut out = String::new();
        for (i, f) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let text = String::from_utf8_lossy(f);
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
}

impl<R: BufRead> Records<R> {
    pub(crate) fn new(src: R) -> Self {
        Records { core: ReaderBuilder::new().build(), src }
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

    /// Read the next record into `rec`; false at the end of the input.
    pub(crate) fn read(&mut self, rec: &mut Record) -> io::Result<bool> {
        self.skip_terminators()?;
        rec.line = self.core.line();
        rec.fields = 0;
        if rec.buf.is_empty() {
            rec.buf.resize(4096, 0);
        }
        if rec.ends.is_empty() {
            rec.ends.resize(64, 0);
        }
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            let (res, nin, nout, nend) = {
                let input = self.src.fill_buf()?;
                self.core.read_record(input, &mut rec.buf[outlen..], &mut rec.ends[endlen..])
            };
            self.src.consume(nin);
            // csv_core tracks the record's output position across calls: ends are already absolute.
            outlen += nout;
            endlen += nend;
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
                    rec.fields = endlen;
                    return Ok(true);
                }
                ReadRecordResult::End => return Ok(false),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = Records::new(std::io::BufReader::with_capacity(3, input.as_bytes()));
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
        let mut r = Records::new("a,\"b,c\",\"d\"\"e\"\n".as_bytes());
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.to_csv(), "a,\"b,c\",\"d\"\"e\"");
    }
}
