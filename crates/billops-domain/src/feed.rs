//! Data-feed problems: issues the operator works off, and quarantined rows kept for review.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::period::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity {other:?}")),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of data-feed issue (SPEC §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// A value that could not be parsed; the row is quarantined.
    BadValue,
    /// A required value is missing; the row is quarantined.
    MissingValue,
    /// A linked account seen for the first time, not yet assigned to a customer.
    UnassignedAccount,
    /// Rows whose billing period differs from the rest of the file.
    OtherPeriod,
    /// Rows with no tag for product/component.
    MissingTags,
    /// The same row twice in one file.
    DuplicateRow,
    /// A total that does not match a control total.
    ControlTotal,
    /// A payer with no data for a day of the period.
    Gap,
    /// Data for a payer and period was replaced by a newer file.
    Replaced,
    /// A linked account under more than one payer in one file (each payer keeps its own rows).
    PayerConflict,
    /// Correction rows (OCI `lineItem/isCorrection`): summed as given, each pointing at the line it corrects.
    Correction,
    /// What the reader decided about the file as a whole (the cost view it feeds, who the payer is).
    FileNote,
}

impl IssueKind {
    pub const ALL: [IssueKind; 12] = [
        IssueKind::BadValue,
        IssueKind::MissingValue,
        IssueKind::UnassignedAccount,
        IssueKind::OtherPeriod,
        IssueKind::MissingTags,
        IssueKind::DuplicateRow,
        IssueKind::ControlTotal,
        IssueKind::Gap,
        IssueKind::Replaced,
        IssueKind::PayerConflict,
        IssueKind::Correction,
        IssueKind::FileNote,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::BadValue => "bad_value",
            IssueKind::MissingValue => "missing_value",
            IssueKind::UnassignedAccount => "unassigned_account",
            IssueKind::OtherPeriod => "other_period",
            IssueKind::MissingTags => "missing_tags",
            IssueKind::DuplicateRow => "duplicate_row",
            IssueKind::ControlTotal => "control_total",
            IssueKind::Gap => "gap",
            IssueKind::Replaced => "replaced",
            IssueKind::PayerConflict => "payer_conflict",
            IssueKind::Correction => "correction",
            IssueKind::FileNote => "file_note",
        }
    }
}

impl FromStr for IssueKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        IssueKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown issue kind {s:?}"))
    }
}

impl fmt::Display for IssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data-feed issue as the importer raises it (the store adds id, batch, status and timestamps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedIssue {
    pub kind: IssueKind,
    pub severity: Severity,
    pub period: Option<Period>,
    pub payer: Option<String>,
    pub account: Option<String>,
    /// File name as given to the importer (an entry in an archive is `archive.zip!entry.csv`).
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

/// A source row that could not be taken, kept whole for review with where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    /// 1-based column number of the offending field (0 when the whole row is at fault).
    pub column: u32,
    /// Header name of the offending column ("" when the whole row is at fault).
    pub column_name: String,
    pub value: String,
    pub reason: String,
    /// The raw record, fields joined as CSV.
    pub raw: String,
}

impl Quarantined {
    /// `file:line:column: reason (value "…")`, the form every message about a bad row uses.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}
