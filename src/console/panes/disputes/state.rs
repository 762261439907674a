//! What the Disputes pane holds: one list per sub-view (each row with its SLA time left, worked out when
//! the list was read) and the open detail, if any.
use billops_store::disputes::{ClaimRecord, DisputeRecord, PpaRecord, RequestRecord};

use crate::console::state::Load;
use crate::month::ppa_posting::ChainStep;

/// A row with the time left on its request SLA (empty when it has none).
pub type Timed<T> = (T, String);

/// What the detail screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Dispute(i64),
    Ppa(i64),
    Claim(i64),
    Request(i64),
}

/// The detail: the record's trail and the chain original line → PPA → new invoice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub title: String,
    pub trail: Vec<[String; 4]>,
    pub chain: Vec<ChainStep>,
    /// A further section: its heading and lines (a PPA's interest step by step, a claim's assessment).
    pub extra: Option<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub disputes: Load<Vec<Timed<DisputeRecord>>>,
    pub ppas: Load<Vec<PpaRecord>>,
    pub claims: Load<Vec<ClaimRecord>>,
    pub requests: Load<Vec<Timed<RequestRecord>>>,
    /// The detail screen (open while `Some`).
    pub detail: Option<(Target, Load<Detail>)>,
    /// The late-rows preview being worked out (its request), then confirmed as PPAs.
    pub late: Option<u64>,
}
