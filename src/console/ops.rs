//! The month-end work added to the console for issue 5 (supplier invoices and cases, payments and statements,
//! unreached credits, bulk approval, customer terms, price-book previews, invoice-line sources): the queries,
//! replies and writes that travel as `Effect::Ledger`, `Reply::Ledger` and `WriteOp::Ledger`, and the screens
//! they fill. Kept apart from `action.rs` so each of those enums grows by one variant only.
use std::path::PathBuf;

use billops_domain::Period;
use billops_domain::rating::{Pricing, RatingDiff, RuleScope};
use billops_store::{
    CaseUpdate, InvoiceStep, LineSources, NewPayment, NewSupplierInvoice, SourceQuery, Statement, StoredPriceRule,
};
use chrono::NaiveDate;

use super::state::{Load, ViewKey};
use crate::month::terms::{TermsPatch, TermsView};

/// A read the month-end screens ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerQuery {
    Statement {
        customer: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Write the statement as CSV and JSON under the exports folder.
    ExportStatement {
        statement: Box<Statement>,
    },
    Terms {
        customer: String,
        today: NaiveDate,
    },
    /// The customer's rules and what each priced in the period.
    PriceBook {
        customer: String,
        period: Period,
    },
    /// What adding `rule` (after the existing rules) would do to the period.
    PreviewRule {
        customer: String,
        period: Period,
        rule: NewRule,
    },
    /// The resource breakdown and first raw line items behind an invoice line.
    Sources {
        q: SourceQuery,
    },
    /// The credit notes issued against one invoice (with its detail).
    CreditNotes {
        invoice_id: i64,
    },
}

/// What a [`LedgerQuery`] answers.
#[derive(Debug, Clone)]
pub enum LedgerReply {
    Statement(Statement),
    StatementExported { csv: PathBuf, json: PathBuf },
    Terms(TermsView),
    PriceBook(BookData),
    Preview(RatingDiff),
    Sources(LineSources),
    CreditNotes(Vec<billops_store::CreditNote>),
}

/// A month-end write (role checks first in `update`; the store decides roles, locks and versions again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerWrite {
    SupplierInvoice(NewSupplierInvoice),
    /// Open a case for every payer of the period with an unexplained supplier − import residual.
    OpenCases {
        period: Period,
    },
    UpdateCase {
        id: i64,
        update: CaseUpdate,
        version: i64,
    },
    Payment(NewPayment),
    /// Review or approve every listed invoice (id, version, customer); refusals are reported one by one.
    Bulk {
        step: InvoiceStep,
        invoices: Vec<(i64, i64, String)>,
    },
    Terms {
        customer: String,
        patch: TermsPatch,
        from: NaiveDate,
    },
    AddRule {
        customer: String,
        rule: NewRule,
    },
    /// Correct an issued invoice with a credit note (manager; the store checks amount, role and locks).
    CreditNote(billops_store::NewCreditNote),
}

/// A price rule as entered (the store gives it its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRule {
    pub scope: RuleScope,
    pub pricing: Pricing,
    pub from: NaiveDate,
}

/// A customer's price book and what its rules priced in a period (`usage`: the book against itself, so its
/// `by_rule` says which rule priced which lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookData {
    pub rules: Vec<StoredPriceRule>,
    pub usage: RatingDiff,
}

/// A screen of the Customers pane that replaces the list / detail while open (Esc closes it).
// One screen at a time, held in the pane's state; boxing the price book would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum CustomerScreen {
    Statement(StatementView),
    Book(BookView),
}

impl CustomerScreen {
    /// The list keys act on.
    pub fn view(&self) -> ViewKey {
        match self {
            CustomerScreen::Statement(_) => ViewKey::Statement,
            CustomerScreen::Book(b) => match &b.pending {
                Some(p) => p.focus,
                None => ViewKey::BookRules,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct StatementView {
    pub customer: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub data: Load<Statement>,
}

#[derive(Debug, Clone)]
pub struct BookView {
    pub customer: String,
    pub period: Period,
    pub data: Load<BookData>,
    /// A rule entered but not saved: its preview (Enter saves, Esc discards).
    pub pending: Option<PendingRule>,
}

#[derive(Debug, Clone)]
pub struct PendingRule {
    pub rule: NewRule,
    pub diff: Load<RatingDiff>,
    /// PreviewRules or PreviewServices.
    pub focus: ViewKey,
}

/// The sources of one invoice line (Enter on a line of an open invoice).
#[derive(Debug, Clone)]
pub struct SourcesView {
    /// The line's description (the screen's title).
    pub line: String,
    pub q: SourceQuery,
    pub data: Load<LineSources>,
    /// SourceResources or SourceItems.
    pub focus: ViewKey,
}
