//! billops domain: pure types and rules. No IO, no clock, no database, no terminal.
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic)]

pub mod clock;
pub mod feed;
pub mod line_item;
pub mod money;
pub mod partner;
pub mod party;
pub mod period;
pub mod text;

pub use feed::{FeedIssue, IssueKind, Quarantined, Severity};
pub use line_item::{ChargeCategory, CostBasis, Dim, LineItem, UNTAGGED};
pub use money::{Amount, DecimalParseError, Money, SplitDecimal, parse_decimal};
pub use party::{Role, User};
pub use period::{DateRange, Period};
pub mod close;
pub mod credit;
pub mod credit_note;
pub mod dispute;
pub mod forecast;
pub mod funding;
pub mod funding_recon;
pub mod fx;
pub mod interest;
pub mod invoice;
pub mod ppa;
pub mod rating;
pub mod request;
pub mod sla;
pub mod terms;
pub mod variance;
