//! What the invoices pane holds (a field of `State::panes`).
use billops_store::{InvoiceSummary, LineSources, SourceQuery, StoredInvoice};
use crate::console::state::{Load, ViewKey};
use crate::month::invoices::Generated;

#[derive(Debug, Clone, Default)]
pub struct InvoicesPane {
    pub data: Load<Vec<InvoiceSummary>>,
    /// The open invoice (Enter): its sections and lines.
    pub detail: Option<InvoiceDetail>,
    /// The draft generation in flight (its request).
    pub job: Option<u64>,
    /// What the last generation did, per customer (shown under the list until Esc).
    pub generated: Option<Vec<Generated>>,
    /// The sources of the selected line of the open invoice (Enter on a line).
    pub sources: Option<SourcesView>,
    /// The line (numbered from 1 in section order) to select when the open invoice lands: a jump from a
    /// dispute or a PPA.
    pub want_line: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct InvoiceDetail {
    pub id: i64,
    pub data: Load<Box<StoredInvoice>>,
    /// The credit notes issued against it (loaded with the invoice).
    pub credit_notes: Load<Vec<billops_store::CreditNote>>,
    /// The payments recorded against it (they land with its credit notes: one query, one slot).
    pub payments: Vec<billops_store::Payment>,
}

/// The sources of one invoice line (Enter on a line of an open invoice).
#[derive(Debug, Clone)]
pub struct SourcesView {
    /// The line's description (the screen's title).
    pub line: String,
    pub q: SourceQuery,
    pub data: Load<LineSources>,
    /// The line's cost currency (the FX rate's base when the line was converted, else the invoice's): the
    /// sources' billed cost is shown to its minor unit.
    pub currency: String,
    /// SourceResources or SourceItems.
    pub focus: ViewKey,
}
