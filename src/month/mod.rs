//! Month-end services: orchestration of the store (its month-end traits, [`billops_store::prelude`]) and the domain rules
//! (close board, rating and drafts, credits, tie-out). No SQL here; plain async functions over `&dyn Store`
//! returning serialisable views, for the CLI and the console alike.
pub mod cases;
pub mod close;
pub mod credit_notes;
pub mod interest;
pub mod invoices;
pub mod late;
pub mod ppa_posting;
pub mod rating;
pub mod reprice;
pub mod requests;
pub mod settings;
pub mod sla_claims;
pub mod statement;
pub mod terms;
pub mod variance;
pub mod variance_volume;

use billops_domain::close::CloseConfig;
use billops_domain::credit::ApprovalPolicy;
use rust_decimal::Decimal;

/// Largest unexplained tie-out residual accepted per payer (a cent; the default of the
/// `tie_out_tolerance` setting).
pub const TIE_OUT_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
/// Credits strictly above this need an approver other than the proposer (the default of the
/// `credit_approval_threshold` setting).
pub const APPROVAL_THRESHOLD: Decimal = Decimal::from_parts(500, 0, 0, false, 0);
/// The invoice number series (payment days come from the customer's terms, `month::terms`).
pub const INVOICE_SERIES: &str = "INV-";
/// The credit note number series (gap-free, its own).
pub const CREDIT_NOTE_SERIES: &str = "CN-";

/// The month-end settings (kept in the store, see [`settings`]); the defaults are the constants
/// above and the domain's defaults, so a store with no settings behaves as before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseSettings {
    /// How the close board judges facts: due day and calendar, tie-out tolerance, variance thresholds.
    pub board: CloseConfig,
    /// Credits strictly above this need an approver other than the proposer (maker-checker).
    pub credit_approval_threshold: Decimal,
    /// Fiscal years and budget alerts (`fiscal_start_month`, `budget_warn_pct`).
    pub plan: crate::plan::PlanSettings,
}

impl Default for CloseSettings {
    fn default() -> Self {
        CloseSettings {
            board: CloseConfig { tie_out_tolerance: TIE_OUT_TOLERANCE, ..CloseConfig::default() },
            credit_approval_threshold: APPROVAL_THRESHOLD,
            plan: crate::plan::PlanSettings::default(),
        }
    }
}

impl CloseSettings {
    /// The maker-checker policy of the configured threshold.
    pub fn approval_policy(&self) -> Result<ApprovalPolicy, String> {
        ApprovalPolicy::new(self.credit_approval_threshold).map_err(|e| e.to_string())
    }
    pub fn tie_out_tolerance(&self) -> Decimal {
        self.board.tie_out_tolerance
    }
}
