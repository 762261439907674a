//! The streaming read loop: sniff, header, rows, then the file's issues.
use std::io::{self, BufRead, BufReader, Cursor, Read};

use std::collections::HashMap;

use billops_domain::partner::{AccountPartner, PartnerFields};
use billops_domain::{IssueKind, Quarantined};

use crate::dedup::{Dedup, Seen};
use crate::layout::{Layout, detect_normalised, english_header, normalise_header};
use crate::records::{ReadError, Record, Records};
use crate::source::{Hashing, Stream, with_stream};
use crate::tally::Tally;
use crate::{Event, Format, Limits, ReadOptions, ReadSummary, RefuseError, Source, TagConfig, View};

/// How much of the start is checked for binary content.
const SNIFF: usize = 8 * 1024;
/// Progress is reported every this many records.
const PROGRESS_EVERY: u64 = 4096;

fn not_csv(src: &Source, why: impl Into<String>) -> RefuseError {
    RefuseError::NotCsv { file: src.display_name(), why: why.into() }
}

/// A read error: corrupt compressed data refuses the file as not CSV, anything else is an IO error.
fn read_error(src: &Source, compressed: bool, e: io::Error) -> RefuseError {
    let decode =
        matches!(e.kind(), io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof);
    if compressed && decode {
        not_csv(src, format!("compressed data cannot be decoded: {e}"))
    } else {
        RefuseError::Io { file: src.display_name(), source: e }
    }
}

fn record_error(src: &Source, compressed: bool, e: ReadError) -> RefuseError {
    match e {
        ReadError::Io(e) => read_error(src, compressed, e),
        ReadError::Malformed { line, why } => RefuseError::Malformed { file: src.display_name(), line, why },
    }
}

/// Read the first `SNIFF` bytes and refuse binary content.
fn sniff(src: &Source, compressed: bool, r: &mut dyn Read) -> Result<Vec<u8>, RefuseError> {
    let mut head = Vec::with_capacity(SNIFF);
    r.take(SNIFF as u64).read_to_end(&mut head).map_err(|e| read_error(src, compressed, e))?;
    if let Some(at) = head.iter().position(|&b| b == 0) {
        return Err(not_csv(src, format!("binary content (NUL byte at offset {at})")));
    }
    if let Err(e) = std::str::from_utf8(&head) {
        // A character cut by the end of the sample is fine; anything else is not UTF-8 text.
        if e.error_len().is_some() {
            return Err(not_csv(src, format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to())));
        }
    }
    Ok(head)
}

/// Stream one source to the end; see the crate docs. `progress` receives the bytes read from disk so far.
pub fn read_source_with_progress(
    src: &Source,
    tags: &TagConfig,
    progress: &mut dyn FnMut(u64),
    sink: &mut dyn FnMut(Event) -> bool,
) -> Result<ReadSummary, RefuseError> {
    let opts = ReadOptions { tags: tags.clone(), ..ReadOptions::default() };
    read_source_opts(src, &opts, None, progress, sink)
}

/// Stream one source with explicit options. With `dedup`, a row whose line item was already seen (in this
/// file or an earlier committed file of the same `Dedup`) is quarantined as a duplicate; the caller opens
/// the file there first ([`Dedup::begin_file`]) and commits it once it is imported.
pub fn read_source_opts(
    src: &Source,
    opts: &ReadOptions,
    dedup: Option<&mut Dedup>,
    progress: &mut dyn FnMut(u64),
    sink: &mut dyn FnMut(Event) -> bool,
) -> Result<ReadSummary, RefuseError> {
    with_stream(src, |stream| read_stream(src, opts, dedup, stream, progress, sink))
}

/// Stream one source to the end. Every row becomes exactly one `Event::Item` or `Event::Bad`;
/// `Event::Issue`s follow the rows. `sink` returns false to stop (-> `RefuseError::Stopped`).
pub fn read_source(
    src: &Source,
    tags: &TagConfig,
    sink: &mut dyn FnMut(Event) -> bool,
) -> Result<ReadSummary, RefuseError> {
    read_source_with_progress(src, tags, &mut |_| {}, sink)
}

fn read_stream(
    src: &Source,
    opts: &ReadOptions,
    mut dedup: Option<&mut Dedup>,
    stream: Stream<'_>,
    progress: &mut dyn FnMut(u64),
    sink: &mut dyn FnMut(Event) -> bool,
) -> Result<ReadSummary, RefuseError> {
    let file = src.display_name();
    let compressed = stream.compressed;
    let mut hashing = Hashing::new(stream.reader);
    let head = sniff(src, compressed, &mut hashing)?;
    let limits = opts.limits;
    let mut rdr = Records::new(BufReader::with_capacity(256 * 1024, Cursor::new(head).chain(&mut hashing)), limits);
    let mut rec = Record::default();
    let (header, names, format) = read_header(src, compressed, &mut rdr, &mut rec)?;
    if matches!(format, Format::Azure | Format::AzurePayg) && opts.view.is_none() {
        return Err(RefuseError::NeedsView { file });
    }
    let layout = Layout::build(format, &names, opts).map_err(|missing| RefuseError::MissingColumns {
        file: file.clone(),
        format,
        columns: missing,
    })?;
    if let Some(d) = dedup.as_deref_mut() {
        d.set_shape(&names);
    }
    let kind_column = layout.kind.first().and_then(|&i| header.get(i)).cloned().unwrap_or_default();
    let payer_column = layout.payer.first().and_then(|&i| header.get(i)).cloned().unwrap_or_default();
    let mut tally = Tally::new(file.clone(), kind_column, payer_column);
    if let Some(view) = opts.view.filter(|_| matches!(format, Format::Azure | Format::AzurePayg)) {
        tally.note(match view {
            View::Actual => "the actual view of an Azure cost file: it feeds billed cost; effective (amortized) \
                             cost comes from the amortized view of the same month (billops import --view amortized)"
                .to_string(),
            View::Amortized => "the amortized view of an Azure cost file: it feeds effective cost only (its \
                                billed cost, list cost and quantities come from the actual view)"
                .to_string(),
        });
    }
    for (missing, what) in [(!layout.has_effective(), "effective"), (!layout.has_list(), "list")] {
        if missing {
            tally.note(format!("the file has no {what}-cost column: {what} cost is taken as billed cost"));
        }
    }
    if layout.payer.is_empty() {
        tally.note(match &layout.fixed_payer {
            Some(p) => format!("the file names no billing account: every row's payer is {p} (--payer)"),
            None => "the file names no billing account: each subscription is its own payer (name one with \
                     billops import --payer ID)"
                .to_string(),
        });
    }
    let stopped = || RefuseError::Stopped { file: src.display_name() };
    // Partner fields per subscription, so each is sent once (again only when a row changes them).
    let mut partners: HashMap<String, PartnerFields> = HashMap::new();

    let (mut rows, mut quarantined) = (0u64, 0u64);
    while rdr.read(&mut rec).map_err(|e| record_error(src, compressed, e))? {
        if rec.is_blank() {
            continue;
        }
        rows += 1;
        let line = rec.line();
        let oversized = if rec.bytes().len() > limits.field_bytes {
            (0..rec.len()).find(|&i| rec.span(i).is_some_and(|r| r.len() > limits.field_bytes))
        } else {
            None
        };
        let event = if let Some(col) = oversized {
            let column = u32::try_from(col + 1).unwrap_or(u32::MAX);
            let column_name = header.get(col).cloned().unwrap_or_default();
            tally.fault(IssueKind::BadValue, &column_name, line, column);
            let size = rec.span(col).map_or(0, |r| r.len());
            Event::Bad(Quarantined {
                file: file.clone(),
                line,
                column,
                column_name,
                value: format!(
                    "{}… ({size} bytes)",
                    String::from_utf8_lossy(rec.get(col).and_then(|v| v.get(..64.min(v.len()))).unwrap_or_default())
                ),
                reason: format!("the value is {size} bytes, over the limit of {} per field", limits.field_bytes),
                raw: rec.to_csv_capped(limits.field_bytes),
            })
        } else if rec.len() != layout.width {
            tally.fault(IssueKind::BadValue, "", line, 0);
            Event::Bad(Quarantined {
                file: file.clone(),
                line,
                column: 0,
                column_name: String::new(),
                value: String::new(),
                reason: format!("the row has {} fields, the header has {}", rec.len(), layout.width),
                raw: rec.to_csv(),
            })
        } else {
            match layout.convert(&rec) {
                Ok(c) => match dedup.as_deref_mut().map(|d| d.check_item(&layout, &rec, &c.item)).transpose() {
                    Err(Seen::Overlap(o)) => {
                        return Err(RefuseError::Overlap {
                            file: file.clone(),
                            other: o.file,
                            payer: c.item.payer.clone(),
                            period: c.item.period.to_string(),
                            line,
                        });
                    }
                    Err(Seen::Io(e)) => return Err(RefuseError::Io { file: file.clone(), source: e }),
                    Ok(Some(Some(first))) => {
                        let (col, column_name) = match layout.line_id.first() {
                            Some(&c) if first.by_id => (c + 1, header.get(c).cloned().unwrap_or_default()),
                            _ => (0, String::new()),
                        };
                        let column = u32::try_from(col).unwrap_or(u32::MAX);
                        tally.fault(IssueKind::DuplicateRow, &column_name, line, column);
                        let of = if first.file == file { String::new() } else { format!("{} ", first.file) };
                        Event::Bad(Quarantined {
                            file: file.clone(),
                            line,
                            column,
                            value: rec
                                .get(col.wrapping_sub(1))
                                .map(|v| String::from_utf8_lossy(v).into_owned())
                                .unwrap_or_default(),
                            column_name,
                            reason: format!(
                                "duplicate line item: the same {} as {of}line {}; not billed twice",
                                if first.by_id { "line item id and time interval" } else { "row" },
                                first.line
                            ),
                            raw: rec.to_csv(),
                        })
                    }
                    Ok(_) => {
                        if layout.has_partner() {
                            let fields = layout.partner(&rec);
                            let known = partners.get(&c.item.account);
                            if !fields.is_empty() && known.is_none_or(|k| k.merged(&fields) != *k) {
                                let merged = known.map_or_else(|| fields.clone(), |k| k.merged(&fields));
                                partners.insert(c.item.account.clone(), merged.clone());
                                let p = AccountPartner { account: c.item.account.clone(), fields: merged };
                                if !sink(Event::Partner(p)) {
                                    return Err(stopped());
                                }
                            }
                        }
                        tally.item(&c.item, c.unknown_kind);
                        if let Some(corrects) = c.corrects {
                            tally.correction(line, corrects);
                        }
                        Event::Item(c.item)
                    }
                },
                Err(first) => {
                    // The row names every fault it has, the first one's column leading.
                    let faults = layout.all_faults(&rec, first);
                    let f = &faults[0];
                    let column = u32::try_from(f.col + 1).unwrap_or(u32::MAX);
                    let column_name = header.get(f.col).cloned().unwrap_or_default();
                    tally.fault(f.kind, &column_name, line, column);
                    let reason = if faults.len() == 1 {
                        f.reason.clone()
                    } else {
                        let all: Vec<String> = faults
                            .iter()
                            .map(|x| {
                                format!("{} (column {}): {}", header.get(x.col).map_or("", |h| h), x.col + 1, x.reason)
                            })
                            .collect();
                        format!("{} faults: {}", faults.len(), all.join("; "))
                    };
                    Event::Bad(Quarantined {
                        file: file.clone(),
                        line,
                        column,
                        column_name,
                        value: String::from_utf8_lossy(rec.get(f.col).unwrap_or_default()).into_owned(),
                        reason,
                        raw: rec.to_csv(),
                    })
                }
            }
        };
        if matches!(event, Event::Bad(_)) {
            quarantined += 1;
        }
        if !sink(event) {
            return Err(stopped());
        }
        if rows % PROGRESS_EVERY == 0 {
            progress(stream.disk_bytes.get());
        }
    }
    drop(rdr);
    progress(stream.disk_bytes.get());
    if rows == 0 {
        tally.note(format!("{} file with a header and no rows: nothing to import", format.as_str()));
    }
    for issue in tally.issues() {
        if !sink(Event::Issue(issue)) {
            return Err(stopped());
        }
    }
    Ok(ReadSummary { format, rows, quarantined, content_hash: hashing.hex() })
}

/// Read up to the header record (blank lines skipped, BOM stripped) and detect the format from it.
fn read_header<R: BufRead>(
    src: &Source,
    compressed: bool,
    rdr: &mut Records<R>,
    rec: &mut Record,
) -> Result<(Vec<String>, Vec<String>, Format), RefuseError> {
    let file = src.display_name();
    let mut header: Vec<String> = Vec::new();
    while rdr.read(rec).map_err(|e| record_error(src, compressed, e))? {
        if !rec.is_blank() {
            header = rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
            break;
        }
    }
    if let Some(first) = header.first_mut() {
        *first = first.trim_start_matches('\u{feff}').to_string();
    }
    let mut names: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    let mut detected = detect_normalised(&names);
    if detected.is_none() {
        // Localised headers (Azure) carry the English name in their last parentheses.
        let english: Vec<String> = names.iter().map(|n| english_header(n)).collect();
        detected = detect_normalised(&english);
        if detected.is_some() {
            names = english;
        }
    }
    // Azure files may mix localised and English headers: every Azure column is read by its English name.
    if matches!(detected, Some(Format::Azure | Format::AzurePayg)) {
        names = names.iter().map(|n| english_header(n)).collect();
    }
    let Some(format) = detected else {
        let mut start: String = header.join(",").chars().take(120).collect();
        if start.len() < header.join(",").len() {
            start.push('…');
        }
        return Err(RefuseError::UnknownFormat { file, header: start });
    };
    Ok((header, names, format))
}

/// Detect a source's format from its header without reading its rows; refuses exactly as
/// [`read_source`] would (not CSV, unknown header).
pub fn sniff_format(src: &Source) -> Result<Format, RefuseError> {
    with_stream(src, |stream| {
        let compressed = stream.compressed;
        let head = sniff(src, compressed, stream.reader)?;
        let mut rdr = Records::new(
            BufReader::new(Cursor::new(head).chain(stream.reader)),
            Limits::from_env().unwrap_or_default(),
        );
        let mut rec = Record::default();
        read_header(src, compressed, &mut rdr, &mut rec).map(|(_, _, format)| format)
    })
}
