//! Enter on a tie-out, a supplier invoice or a case: the row whole (issue 16), every figure to the payer's
//! minor unit with its exact value beside it, the case's note and who did what when. The panel under each
//! list stays as the glance; this is what it cuts at 80 columns.
use rust_decimal::Decimal;

use super::io::ReconData;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::ui::detail::Record;

pub(super) use crate::console::ui::detail::amount as money;

pub fn row_record(d: &ReconData, view: ViewKey, id: &str) -> Option<Record> {
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    match view {
        ViewKey::Recon => {
            let t = d.tie_outs.iter().find(|t| super::view::tie_id(t) == id)?;
            let i = &t.input;
            let m = |x| money(x, &i.currency);
            let entered: Vec<&str> =
                d.supplier_invoices
                    .iter()
                    .filter(|x| x.payer == i.payer && x.currency == i.currency)
                    .map(|x| x.number.as_str())
                    .collect();
            let role = if t.is_ok() { Role::Approved } else { Role::Warning };
            Some(
                Record::new(format!("tie-out payer {} {} {}", i.payer, i.currency, i.period))
                    .field_as("status", t.summary(), role)
                    .field("supplier invoice", i.supplier_invoice.map_or_else(|| "not entered".into(), m))
                    .field("entered as", entered.join(", "))
                    .field("imported billed", m(i.imported_billed))
                    .field("at cost", m(i.invoiced_at_cost))
                    .field("unassigned", m(i.unassigned))
                    .field("retained", m(i.retained))
                    .field("allocated", m(t.allocated))
                    .field("supplier − imported", t.supplier_residual.map_or_else(|| "-".into(), m))
                    .field("explained there", m(i.explained_supplier))
                    .field("import − allocated", m(t.allocation_residual))
                    .field("explained there", m(i.explained_allocation))
                    .field("tolerance", m(i.tolerance)),
            )
        }
        ViewKey::SupplierInvoices => {
            let x = d.supplier_invoices.iter().find(|x| x.id.to_string() == id)?;
            let m = |v| money(v, &x.currency);
            Some(
                Record::new(format!("supplier invoice {}", x.number))
                    .field("payer", &x.payer)
                    .field("period", x.period.to_string())
                    .field("amount", m(x.amount))
                    .field("tax", m(x.tax))
                    .field("credits", m(x.credits))
                    .field("entered", format!("{} by {}", at(x.entered_at), x.entered_by)),
            )
        }
        ViewKey::Cases => {
            let c = d.cases.iter().find(|c| c.id.to_string() == id)?;
            let m = |v: Decimal| money(v, &c.currency);
            Some(
                Record::new(format!("case {} · payer {} {}", c.id, c.payer, c.period))
                    .field("status", c.status.as_str().replace('_', " "))
                    .field("owner", c.owner.clone().unwrap_or_else(|| "-".into()))
                    .field("residual", m(c.residual))
                    .field("expected credit", m(c.expected))
                    .field("received", m(c.received))
                    .field("explains", m(c.explains()))
                    .field("opened", format!("{} by {}", at(c.opened_at), c.opened_by))
                    .field("updated", format!("{} by {} (version {})", at(c.updated_at), c.updated_by, c.version))
                    .field("note", &c.note),
            )
        }
        ViewKey::ChStatements => super::statements::record(d, id),
        _ => None,
    }
}
