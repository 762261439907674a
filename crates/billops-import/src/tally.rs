//! Per-file accounting that turns into data-feed issues after the rows. Bounded: nothing per row is kept.
use std::collections::{BTreeMap, HashMap};

use billops_domain::{FeedIssue, IssueKind, LineItem, Period, Severity, UNTAGGED};
use chrono::Datelike;

/// Caps that keep memory bounded whatever the file holds.
const MAX_UNKNOWN_KINDS: usize = 32;
const MAX_PAYERS: usize = 10_000;
const MAX_PERIODS: usize = 1_000;
const MAX_ACCOUNTS: usize = 100_000;
const MAX_CONFLICTS: usize = 100;

struct First {
    count: u64,
    line: u64,
    column: u32,
}

/// An account's first payer with its first line, and the other payers with theirs.
type Payers = (String, u64, Vec<(String, u64)>);

#[derive(Default)]
pub(crate) struct Tally {
    file: String,
    /// (kind, column name) -> count and first occurrence. Column "" = whole row.
    faults: BTreeMap<(IssueKind, String), First>,
    periods: BTreeMap<Period, u64>,
    untagged: u64,
    untagged_first: u64,
    unknown_kinds: BTreeMap<String, u64>,
    unknown_other: u64,
    unknown_total: u64,
    unknown_first: u64,
    kind_column: String,
    /// payer -> [(period, day mask)]: bit d-1 set when day d of the period has data.
    days: HashMap<String, Vec<(Period, u32)>>,
    payer_column: String,
    /// account -> (first payer, its first line, other payers with their first line).
    account_payers: HashMap<String, Payers>,
    conflicts: usize,
    /// The last (account, payer) noted: rows come in runs of one account.
    last: (String, String),
    /// Correction rows: count, first line, and the first lines they correct (capped).
    corrections: u64,
    correction_first: u64,
    corrected: Vec<(u64, String)>,
    /// What the reader decided about the whole file.
    notes: Vec<String>,
}

impl Tally {
    pub(crate) fn new(file: String, kind_column: String, payer_column: String) -> Tally {
        Tally { file, kind_column, payer_column, ..Tally::default() }
    }

    /// Something the reader decided about the whole file (raised as an info issue).
    pub(crate) fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// A correction row at `line` correcting the line whose reference is `corrects`.
    pub(crate) fn correction(&mut self, line: u64, corrects: &str) {
        self.corrections += 1;
        if self.correction_first == 0 {
            self.correction_first = line;
        }
        if self.corrected.len() < MAX_CONFLICTS {
            self.corrected.push((line, corrects.to_string()));
        }
    }

    fn note_payer(&mut self, item: &LineItem) {
        if self.last.0 == item.account && self.last.1 == item.payer {
            return;
        }
        self.last.0.clear();
        self.last.0.push_str(&item.account);
        self.last.1.clear();
        self.last.1.push_str(&item.payer);
        let room = self.account_payers.len() < MAX_ACCOUNTS;
        match self.account_payers.get_mut(&item.account) {
            Some((first, _, others)) if *first != item.payer && !others.iter().any(|(p, _)| *p == item.payer) => {
                if others.is_empty() {
                    if self.conflicts >= MAX_CONFLICTS {
                        return;
                    }
                    self.conflicts += 1;
                }
                if others.len() < 8 {
                    others.push((item.payer.clone(), item.source_line));
                }
            }
            Some(_) => {}
            None if room => {
                self.account_payers.insert(item.account.clone(), (item.payer.clone(), item.source_line, Vec::new()));
            }
            None => {}
        }
    }

    pub(crate) fn fault(&mut self, kind: IssueKind, column_name: &str, line: u64, column: u32) {
        if let Some(f) = self.faults.get_mut(&(kind, column_name.to_string())) {
            f.count += 1;
        } else {
            self.faults.insert((kind, column_name.to_string()), First { count: 1, line, column });
        }
    }

    pub(crate) fn item(&mut self, item: &LineItem, unknown_kind: Option<&str>) {
        self.note_payer(item);
        if let Some(n) = self.periods.get_mut(&item.period) {
            *n += 1;
        } else if self.periods.len() < MAX_PERIODS {
            self.periods.insert(item.period, 1);
        }
        if item.product == UNTAGGED {
            if self.untagged == 0 {
                self.untagged_first = item.source_line;
            }
            self.untagged += 1;
        }
        if let Some(k) = unknown_kind {
            if self.unknown_total == 0 {
                self.unknown_first = item.source_line;
            }
            self.unknown_total += 1;
            if let Some(n) = self.unknown_kinds.get_mut(k) {
                *n += 1;
            } else if self.unknown_kinds.len() < MAX_UNKNOWN_KINDS {
                self.unknown_kinds.insert(k.to_string(), 1);
            } else {
                self.unknown_other += 1;
            }
        }
        if Period::of_date(item.usage_date) == item.period {
            let bit = 1u32 << (item.usage_date.day0() & 31);
            if let Some(list) = self.days.get_mut(item.payer.as_str()) {
                if let Some((_, mask)) = list.iter_mut().find(|(p, _)| *p == item.period) {
                    *mask |= bit;
                } else if list.len() < MAX_PERIODS {
                    list.push((item.period, bit));
                }
            } else if self.days.len() < MAX_PAYERS {
                self.days.insert(item.payer.clone(), vec![(item.period, bit)]);
            }
        }
    }

    fn majority(&self) -> Option<Period> {
        // Most rows wins; on a tie the earliest period.
        self.periods.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(p, _)| *p)
    }

    fn issue(&self, kind: IssueKind, severity: Severity, message: String) -> FeedIssue {
        let payer = if self.days.len() == 1 { self.days.keys().next().cloned() } else { None };
        FeedIssue {
            kind,
            severity,
            period: self.majority(),
            payer,
            account: None,
            file: Some(self.file.clone()),
            line: None,
            column: None,
            message,
        }
    }

    /// The issues, in a stable order: bad/missing values per column, unknown charge types, other periods,
    /// missing tags, gaps.
    pub(crate) fn issues(self) -> Vec<FeedIssue> {
        let mut out = Vec::new();
        let s = |n: u64| if n == 1 { "" } else { "s" };
        for note in &self.notes {
            out.push(self.issue(IssueKind::FileNote, Severity::Info, note.clone()));
        }
        if self.corrections > 0 {
            let list: Vec<String> = self
                .corrected
                .iter()
                .map(|(l, r)| if r.is_empty() { format!("line {l}") } else { format!("line {l} corrects {r}") })
                .collect();
            let more = self.corrections - self.corrected.len() as u64;
            let mut i = self.issue(
                IssueKind::Correction,
                Severity::Warning,
                format!(
                    "{} correction row{} summed as given: {}{}",
                    self.corrections,
                    s(self.corrections),
                    list.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                ),
            );
            i.line = Some(self.correction_first);
            i.column = Some("lineItem/backreferenceNo".to_string());
            out.push(i);
        }
        let verb = |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        for ((kind, col), f) in &self.faults {
            let what = match (kind, col.is_empty()) {
                (IssueKind::DuplicateRow, true) => "identical to an earlier row (duplicate line items)".to_string(),
                (IssueKind::DuplicateRow, false) => format!("repeating an earlier row's {col} (duplicate line items)"),
                (_, true) => "with the wrong number of fields".to_string(),
                (IssueKind::MissingValue, false) => format!("with no value in {col}"),
                _ => format!("with an unreadable value in {col}"),
            };
            let at = if col.is_empty() {
                format!("line {}", f.line)
            } else {
                format!("line {}, column {} ({col})", f.line, f.column)
            };
            let mut i = self.issue(
                *kind,
                Severity::Error,
                format!("{} row{} {what} quarantined; first at {at}", f.count, s(f.count)),
            );
            i.line = Some(f.line);
            i.column = (!col.is_empty()).then(|| col.clone());
            out.push(i);
        }
        if self.unknown_total > 0 {
            let mut names: Vec<String> = self
                .unknown_kinds
                .iter()
                .map(|(k, n)| format!("{} ({n})", if k.is_empty() { "(missing)" } else { k }))
                .collect();
            if self.unknown_other > 0 {
                names.push(format!("others ({})", self.unknown_other));
            }
            let mut i = self.issue(
                IssueKind::BadValue,
                Severity::Warning,
                format!(
                    "{} row{} with an unknown charge type imported as adjustment: {}; first at line {}",
                    self.unknown_total,
                    s(self.unknown_total),
                    names.join(", "),
                    self.unknown_first
                ),
            );
            i.line = Some(self.unknown_first);
            i.column = Some(self.kind_column.clone());
            out.push(i);
        }
        if let Some(major) = self.majority() {
            let others: Vec<(Period, u64)> =
                self.periods.iter().filter(|(p, _)| **p != major).map(|(p, n)| (*p, *n)).collect();
            if !others.is_empty() {
                let count: u64 = others.iter().map(|(_, n)| n).sum();
                let list: Vec<String> = others.iter().map(|(p, n)| format!("{p} ({n})")).collect();
                out.push(self.issue(
                    IssueKind::OtherPeriod,
                    Severity::Warning,
                    format!(
                        "{count} row{} {} to another billing period than the file's {major}: {}; {} own period",
                        s(count),
                        verb(count, "belongs", "belong"),
                        list.join(", "),
                        verb(count, "it keeps its", "they keep their"),
                    ),
                ));
            }
        }
        let mut conflicts: Vec<(&String, &Payers)> =
            self.account_payers.iter().filter(|(_, v)| !v.2.is_empty()).collect();
        conflicts.sort();
        for (account, (first, first_line, others)) in conflicts {
            let list: Vec<String> = others.iter().map(|(p, l)| format!("{p} (from line {l})")).collect();
            let mut i = self.issue(
                IssueKind::PayerConflict,
                Severity::Warning,
                format!(
                    "linked account {account} appears under {} payers: {first} (line {first_line}), {}; each payer's \
                     rows stay with that payer; first conflict at line {}, column {}",
                    others.len() + 1,
                    list.join(", "),
                    others[0].1,
                    self.payer_column
                ),
            );
            i.account = Some(account.clone());
            i.line = Some(others[0].1);
            i.column = Some(self.payer_column.clone());
            out.push(i);
        }
        if self.untagged > 0 {
            let mut i = self.issue(
                IssueKind::MissingTags,
                Severity::Info,
                format!(
                    "{} row{} {} no product tag and count as {UNTAGGED}; first at line {}",
                    self.untagged,
                    s(self.untagged),
                    verb(self.untagged, "has", "have"),
                    self.untagged_first
                ),
            );
            i.line = Some(self.untagged_first);
            out.push(i);
        }
        let mut payers: Vec<(&String, &Vec<(Period, u32)>)> = self.days.iter().collect();
        payers.sort();
        for (payer, list) in payers {
            let mut list = list.clone();
            list.sort();
            for (period, mask) in list {
                let missing = gap_days(mask);
                if missing.is_empty() {
                    continue;
                }
                let days = day_ranges(period, &missing);
                out.push(FeedIssue {
                    kind: IssueKind::Gap,
                    severity: Severity::Warning,
                    period: Some(period),
                    payer: Some(payer.clone()),
                    account: None,
                    file: Some(self.file.clone()),
                    line: None,
                    column: None,
                    message: format!(
                        "payer {payer} has no data for {} day{} of {period}: {}",
                        missing.len(),
                        s(missing.len() as u64),
                        days
                    ),
                });
            }
        }
        out
    }
}

/// Days (1-based) with no bit set strictly between the first and the last day that has one.
pub(crate) fn gap_days(mask: u32) -> Vec<u32> {
    if mask == 0 {
        return Vec::new();
    }
    let first = mask.trailing_zeros();
    let last = 31 - mask.leading_zeros();
    (first + 1..last).filter(|d| mask & (1 << d) == 0).map(|d| d + 1).collect()
}

/// `2024-09-02..2024-09-14, 2024-09-16` for sorted days of a period.
fn day_ranges(period: Period, days: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            format!("{period}-{:02}", days[i])
        } else {
            format!("{period}-{:02}..{period}-{:02}", days[i], days[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::{day_ranges, gap_days};

    #[test]
    fn ranges_of_days() {
        let p = billops_domain::Period::new(2024, 9).unwrap_or_else(|| unreachable!());
        assert_eq!(day_ranges(p, &[2, 3, 4, 6, 9, 10]), "2024-09-02..2024-09-04, 2024-09-06, 2024-09-09..2024-09-10");
    }

    #[test]
    fn gaps_strictly_inside() {
        assert!(gap_days(0).is_empty());
        assert!(gap_days(0b1).is_empty());
        assert_eq!(gap_days(0b1001), vec![2, 3]);
        assert_eq!(gap_days(0b1_0110_0000), vec![8]);
        assert_eq!(gap_days(1 | 1 << 30), (2..=30).collect::<Vec<_>>());
    }
}
