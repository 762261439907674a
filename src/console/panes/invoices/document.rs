//! `O` on an open invoice: the customer's PDF into the exports folder, the file named by the document's
//! number. An invoice with credit notes asks which document (the invoice, or one of its `CN-` notes).
use super::form::Kind;
use super::io::Write;
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{Mode, State};
use crate::documents::load::DocRef;

pub const WHICH: &str = "document";

/// `O`: write the open invoice, or ask which of it and its credit notes.
pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(d) = s.panes.invoices.detail.as_ref() else {
        s.warn("open an invoice (Enter) to write its PDF");
        return Vec::new();
    };
    let id = d.id;
    let notes: Vec<String> = d.credit_notes.ready().into_iter().flatten().map(|n| n.number.clone()).collect();
    if notes.is_empty() {
        return write(s, PaneWrite::Invoices(Write::Document { doc: DocRef::Invoice(id) }));
    }
    let number = d.data.ready().and_then(|i| i.number.clone()).unwrap_or_else(|| id.to_string());
    let mut choices = vec![number.clone()];
    choices.extend(notes);
    s.mode = Mode::Form(Form::new(
        FormKind::Invoices(Kind::Document { invoice: id, choices: choices.clone() }),
        format!("write which PDF to the exports folder? {}", choices.join(", ")),
        vec![Field::new(WHICH, &number, Complete::None)],
    ));
    Vec::new()
}

/// The document the form names: the invoice (its number or id) or one of its credit notes.
pub fn chosen(invoice: i64, choices: &[String], f: &Form) -> Result<Write, FieldError> {
    let text = f.get(WHICH);
    let Some(pos) = choices.iter().position(|c| c.eq_ignore_ascii_case(&text)) else {
        return Err(FieldError::at(WHICH, format!("document: {text:?} is not one of {}", choices.join(", "))));
    };
    let doc = if pos == 0 { DocRef::Invoice(invoice) } else { DocRef::CreditNote(choices[pos].clone()) };
    Ok(Write::Document { doc })
}
