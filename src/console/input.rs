//! One-line text inputs (filter, palette, forms) on ratatui-textarea, plus the forms built from them.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

/// A single-line editor. Enter, Tab, Esc, Up and Down are left to the caller.
#[derive(Debug, Clone)]
pub struct Input {
    ta: TextArea<'static>,
}

impl Default for Input {
    fn default() -> Self {
        Input::new("")
    }
}

impl Input {
    pub fn new(text: &str) -> Input {
        let mut ta = TextArea::new(vec![text.to_string()]);
        ta.move_cursor(CursorMove::End);
        Input { ta }
    }

    pub fn text(&self) -> String {
        self.ta.lines().first().cloned().unwrap_or_default()
    }

    pub fn set(&mut self, text: &str) {
        *self = Input::new(text);
    }

    /// Edit with a key; true when the text changed.
    pub fn handle(&mut self, ev: KeyEvent) -> bool {
        if matches!(
            ev.code,
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc | KeyCode::Up | KeyCode::Down
        ) || (ev.modifiers.contains(KeyModifiers::CONTROL) && matches!(ev.code, KeyCode::Char('m' | 'j')))
        {
            return false;
        }
        let before = self.text();
        self.ta.input(ev);
        if self.ta.lines().len() > 1 {
            let joined = self.ta.lines().concat();
            self.set(&joined);
        }
        self.text() != before
    }

    pub fn paste(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        self.ta.insert_str(clean);
    }

    /// Cursor column in characters (for drawing the cursor).
    pub fn cursor(&self) -> usize {
        self.ta.cursor().1
    }
}

/// What a form field completes against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complete {
    None,
    Customers,
    Payers,
    Path,
    /// Variance drivers: Tab completes a prefix, or moves to the next driver when the text is one.
    Drivers,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// How code addresses the field (`form.get("amount")`); the label unless set with [`Field::named`].
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub complete: Complete,
}

impl Field {
    pub fn new(label: &'static str, value: &str, complete: Complete) -> Field {
        Field { name: label, label, input: Input::new(value), complete }
    }

    /// A field whose name differs from its label (`invoice` for "invoice (optional)").
    pub fn named(mut self, name: &'static str) -> Field {
        self.name = name;
        self
    }
}

/// Why a form cannot be saved: the text and the field it concerns, shown beside that field (else under
/// the fields). Store refusals that concern a field come back as one too (the form reopens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Option<&'static str>,
    pub text: String,
}

impl FieldError {
    pub fn at(field: &'static str, text: impl Into<String>) -> FieldError {
        FieldError { field: Some(field), text: text.into() }
    }
}

impl From<String> for FieldError {
    fn from(text: String) -> FieldError {
        FieldError { field: None, text }
    }
}

/// What submitting a form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    Assign {
        account: String,
    },
    Propose {
        account: String,
    },
    Decide {
        id: i64,
        approve: bool,
    },
    Resolve {
        id: i64,
    },
    Import,
    /// The sign-off confirmation (a note is optional).
    SignOff {
        period: billops_domain::Period,
    },
    Reopen {
        period: billops_domain::Period,
    },
    VoidInvoice {
        id: i64,
        version: i64,
    },
    DecideCredit {
        id: i64,
        approve: bool,
        version: i64,
    },
    /// Explain the variance of a customer's service for the Δ shown.
    ExplainVariance {
        period: billops_domain::Period,
        customer: String,
        service: String,
        delta: rust_decimal::Decimal,
    },
    /// The month-end forms (`panes::ledger`).
    Ledger(LedgerForm),
    /// Name a linked account (or a payer).
    NameAccount {
        payer: bool,
        id: String,
    },
    /// The Funding pane's forms (`panes/funding/form.rs`).
    Funding(super::panes::funding::FundingForm),
}

/// What a month-end form submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerForm {
    SupplierInvoice,
    UpdateCase {
        id: i64,
        version: i64,
    },
    Payment,
    Statement,
    /// `current`: the field values as loaded (unchanged terms are not saved again).
    Terms {
        customer: String,
        current: Vec<String>,
    },
    NewRule {
        customer: String,
    },
    /// A confirmation: review or approve these invoices (id, version, customer).
    Bulk {
        step: billops_store::InvoiceStep,
        invoices: Vec<(i64, i64, String)>,
    },
    /// A credit note against the issued invoice `id` (amount, reason).
    CreditNote {
        id: i64,
    },
}

#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
    /// The field the error concerns (drawn beside it), when it concerns one.
    pub error_field: Option<&'static str>,
    /// Completion candidates shown under the focused field.
    pub candidates: Vec<String>,
    /// The path-completion request this form waits for.
    pub pending: Option<u64>,
}

impl Form {
    pub fn new(kind: FormKind, title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            error_field: None,
            candidates: Vec::new(),
            pending: None,
        }
    }

    /// The trimmed value of the field named `name` (empty if the form has none).
    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|f| f.name == name).map(|f| f.input.text().trim().to_string()).unwrap_or_default()
    }

    /// Show `e` (beside its field when it names one of this form's fields; the focus stays where it is).
    pub fn fail(&mut self, e: FieldError) {
        self.error_field = e.field.filter(|n| self.fields.iter().any(|f| f.name == *n));
        self.error = Some(e.text);
    }

    /// Clear the error (the user edits).
    pub fn clear_error(&mut self) {
        self.error = None;
        self.error_field = None;
    }

    pub fn value(&self, i: usize) -> String {
        self.fields.get(i).map(|f| f.input.text().trim().to_string()).unwrap_or_default()
    }

    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }
}

/// The longest common prefix of the candidates (for Tab completion).
pub fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut out = String::new();
    for (i, ch) in first.chars().enumerate() {
        if items.iter().all(|s| s.chars().nth(i) == Some(ch)) {
            out.push(ch);
        } else {
            break;
        }
    }
    out
}

/// Candidates among `items` that start with `prefix` (case-insensitive), at most `limit`.
pub fn complete_from(items: impl IntoIterator<Item = String>, prefix: &str, limit: usize) -> Vec<String> {
    let p = prefix.to_lowercase();
    let mut v: Vec<String> = items.into_iter().filter(|s| s.to_lowercase().starts_with(&p)).collect();
    v.sort();
    v.dedup();
    v.truncate(limit);
    v
}
