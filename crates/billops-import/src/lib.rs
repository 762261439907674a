//! Streaming readers for cost-and-usage exports (AWS CUR legacy, CUR 2.0 / Data Exports, FinOps FOCUS
//! 1.0–1.3, Azure cost details (EA, MCA/CSP, legacy pay-as-you-go, localised headers), OCI cost reports)
//! into canonical [`LineItem`]s. See [`read_source`].
//!
//! Plain CSV, gzip (by magic bytes or `.gz`) and zip entries (`.csv` / `.csv.gz`). Every data row becomes
//! exactly one [`Event::Item`] or [`Event::Bad`]; the file's [`Event::Issue`]s follow the rows. Memory is
//! flat in file size: nothing per row is retained. CloudHealth is a known [`Format`] but its cost export is not detected yet.
#![forbid(unsafe_code)]

pub mod cloudhealth;
pub mod cloudhealth_statements;
mod dedup;
mod layout;
mod read;
mod records;
mod row;
mod source;
mod tags;
mod tally;
mod value;

pub use dedup::{Dedup, DedupStats};
pub use layout::detect;
pub use read::{read_source, read_source_opts, read_source_with_progress, sniff_format};
pub use source::{Expanded, expand, expand_listing, source_size};

use std::path::PathBuf;

use billops_domain::partner::AccountPartner;
use billops_domain::{FeedIssue, LineItem, Quarantined};

/// Tag keys that give each line its product and component, tried in order, matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TagConfig {
    pub product: Vec<String>,
    pub component: Vec<String>,
}

impl Default for TagConfig {
    fn default() -> Self {
        TagConfig {
            product: ["product", "application", "app", "project"].map(String::from).to_vec(),
            component: ["component", "role", "tier", "environment"].map(String::from).to_vec(),
        }
    }
}

/// Size limits that keep a read's memory bounded whatever the file holds. A field over `field_bytes`
/// quarantines its row (column named); a record over `record_bytes`, or a quoted field running over
/// `record_lines` lines or to the end of the file, refuses the file (line named).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub field_bytes: usize,
    pub record_bytes: usize,
    pub record_lines: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { field_bytes: 64 * 1024, record_bytes: 1024 * 1024, record_lines: 100 }
    }
}

impl Limits {
    /// Environment overrides: `BILLOPS_IMPORT_MAX_FIELD_BYTES`, `BILLOPS_IMPORT_MAX_LINE_BYTES`,
    /// `BILLOPS_IMPORT_MAX_QUOTED_LINES` (positive integers); anything else is an error naming the variable.
    pub fn from_env() -> Result<Limits, String> {
        let mut l = Limits::default();
        let get = |name: &str| -> Result<Option<u64>, String> {
            match std::env::var(name) {
                Err(_) => Ok(None),
                Ok(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(format!("{name}: not a positive whole number: {v:?}")),
                },
            }
        };
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        if let Some(n) = get("BILLOPS_IMPORT_MAX_FIELD_BYTES")? {
            l.field_bytes = size(n);
        }
        if let Some(n) = get("BILLOPS_IMPORT_MAX_LINE_BYTES")? {
            l.record_bytes = size(n);
        }
        if let Some(n) = get("BILLOPS_IMPORT_MAX_QUOTED_LINES")? {
            l.record_lines = n;
        }
        Ok(l)
    }
}

/// How a source is read: the tag keys, the size limits, and what the operator said about the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub tags: TagConfig,
    pub limits: Limits,
    /// Which cost view an Azure file is (`--view`): its actual and amortised exports have the same columns.
    pub view: Option<View>,
    /// The payer for files that name none (Azure's legacy pay-as-you-go export): `--payer ID`.
    pub payer: Option<String>,
}

/// The cost view of a file whose columns do not say it (Azure). Actual feeds billed cost only, amortised
/// feeds effective cost only, so the two views of one month are never added together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum View {
    Actual,
    Amortized,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Actual => "actual",
            View::Amortized => "amortized",
        }
    }
}

impl std::str::FromStr for View {
    type Err = String;
    fn from_str(s: &str) -> Result<View, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "actual" => Ok(View::Actual),
            "amortized" | "amortised" => Ok(View::Amortized),
            other => Err(format!("not a cost view: {other:?} (actual or amortized)")),
        }
    }
}

/// Formats recognised from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    CurLegacy,
    Cur2,
    Focus,
    /// Azure cost details: EA and MCA exports (PascalCase or camelCase, both header generations).
    Azure,
    /// Azure's legacy pay-as-you-go usage export (`SubscriptionGuid`, `UsageDateTime`, `PreTaxCost`).
    AzurePayg,
    /// OCI cost reports (`lineItem/referenceNo`, `cost/myCost`).
    Oci,
    CloudHealth,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CurLegacy => "cur",
            Format::Cur2 => "cur2",
            Format::Focus => "focus",
            Format::Azure => "azure",
            Format::AzurePayg => "azure-payg",
            Format::Oci => "oci",
            Format::CloudHealth => "cloudhealth",
        }
    }
}

/// One readable CSV stream: a plain or gzip file on disk, or one entry of a zip archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    /// For a zip archive: the entry name inside it.
    pub entry: Option<String>,
}

impl Source {
    /// The name messages use: `path` or `path!entry`.
    pub fn display_name(&self) -> String {
        match &self.entry {
            Some(e) => format!("{}!{}", self.path.display(), e),
            None => self.path.display().to_string(),
        }
    }
}

/// What the reader hands out, in file order.
// Items are the hot path (one per row): kept inline rather than boxed, so no extra allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Event {
    Item(LineItem),
    Bad(Quarantined),
    Issue(FeedIssue),
    /// An Azure partner export's fields of a subscription: sent before the first item that gives them, and
    /// again (all fields so far, a later row's winning where given) when a later row adds or changes one.
    Partner(AccountPartner),
}

/// Summary of one source after it has been read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSummary {
    pub format: Format,
    /// Data rows read (good + quarantined), blank lines not counted.
    pub rows: u64,
    pub quarantined: u64,
    /// blake3 hex of the decompressed content: the idempotency key.
    pub content_hash: String,
}

/// Why a whole file is refused (nothing from it may be imported).
#[derive(Debug, thiserror::Error)]
pub enum RefuseError {
    #[error(
        "{file}: not a known cost-and-usage format (header starts {header:?}); expected the columns of AWS CUR, CUR 2.0, FOCUS, Azure cost details or an OCI cost report"
    )]
    UnknownFormat { file: String, header: String },
    #[error("{file}: not a CSV file ({why})")]
    NotCsv { file: String, why: String },
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: {} file without required column(s) {}", format.as_str(), columns.join(", "))]
    MissingColumns { file: String, format: Format, columns: Vec<String> },
    /// Broken beyond one row (a runaway quote, a line over the limit): refused with the line it starts on.
    #[error("{file}: line {line}: {why}")]
    Malformed { file: String, line: u64, why: String },
    /// An Azure file whose view the operator did not give: actual and amortised exports look the same.
    #[error(
        "{file}: an Azure cost file: its actual and amortized exports have the same columns, so say which this is: billops import --view actual|amortized FILE"
    )]
    NeedsView { file: String },
    /// Another file of the same run holds the same payer and period in other columns (another export of
    /// the same month): importing both would bill it twice.
    #[error(
        "{file}: line {line}: payer {payer} {period} is also in {other}, imported earlier in this run from another export (other columns: another format or version); importing both would bill that month twice, so this file is refused: import one of them"
    )]
    Overlap { file: String, other: String, payer: String, period: String, line: u64 },
    #[error("{file}: stopped by the consumer")]
    Stopped { file: String },
}
