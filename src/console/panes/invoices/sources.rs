//! Enter on a usage line of an open invoice: what it was rated from — the resources behind it (from the
//! resource rollups) and the first raw line items (file and line they were read from, account, date, usage
//! type, quantity, billed cost). `v` switches between the two lists, Esc goes back to the invoice.
use billops_domain::invoice::LineKind;
use billops_store::{LineSources, SourceQuery};

use super::io::Query;
use super::state::SourcesView;
use crate::console::action::{Effect, PaneQuery};
use crate::console::panes::query;
use crate::console::state::{Load, State, ViewKey};
use crate::console::table::{Cell, Column, Row, TableModel};

/// How many raw line items (and resources) a source view shows.
pub const LIMIT: usize = 50;

/// Enter on a line of the open invoice.
pub fn open(s: &mut State) -> Vec<Effect> {
    if s.panes.invoices.sources.is_some() {
        return Vec::new();
    }
    let Some(inv) = s.panes.invoices.detail.as_ref().and_then(|d| d.data.ready()) else { return Vec::new() };
    let Some(id) = s.selected_id(ViewKey::InvoiceLines) else { return Vec::new() };
    // Rows are `s{section}` (headings) and `s{section}l{line}`.
    let Some((sec, line)) = id.strip_prefix('s').and_then(|r| r.split_once('l')) else {
        s.info("select a line under the heading to see its sources");
        return Vec::new();
    };
    let (Ok(sec), Ok(line)) = (sec.parse::<usize>(), line.parse::<usize>()) else { return Vec::new() };
    let sections = inv.draft.sections();
    let Some(l) = sections.get(sec).and_then(|x| x.lines.get(line)) else { return Vec::new() };
    let LineKind::Usage { service, product, component } = &l.kind else {
        let what = l.description.clone();
        s.info(format!("{what}: not a usage line — it has no source line items"));
        return Vec::new();
    };
    let q = SourceQuery {
        customer: inv.customer.clone(),
        period: inv.period,
        service: service.clone(),
        product: product.clone(),
        component: component.clone(),
        limit: LIMIT,
    };
    let line = format!("invoice {} · {}", inv.id, l.description);
    let currency = l.fx.as_ref().map_or_else(|| inv.currency.clone(), |fx| fx.pair.base.clone());
    let focus = ViewKey::SourceResources;
    s.panes.invoices.sources = Some(SourcesView { line, q, data: Load::Idle, currency, focus });
    s.views.remove(&ViewKey::SourceResources);
    s.views.remove(&ViewKey::SourceItems);
    load(s)
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(src) = &s.panes.invoices.sources else { return Vec::new() };
    let (req, fx) = query(s, PaneQuery::Invoices(Query::Sources { q: src.q.clone() }));
    if let Some(src) = s.panes.invoices.sources.as_mut() {
        src.data.start(req);
    }
    vec![fx]
}

pub fn loaded(s: &mut State, req: u64, x: LineSources) {
    let Some(src) = s.panes.invoices.sources.as_mut() else { return };
    if !src.data.waits_for(req) {
        return;
    }
    let (res, items) = (resources_table(&x, &src.currency), items_table(&x, &src.currency));
    src.data = Load::Ready(x);
    s.set_model(ViewKey::SourceResources, res);
    s.set_model(ViewKey::SourceItems, items);
}

pub fn switch_focus(s: &mut State) -> bool {
    let Some(src) = s.panes.invoices.sources.as_mut() else {
        s.info("v switches the lists of a line's sources (enter on an invoice line)");
        return true;
    };
    src.focus = if src.focus == ViewKey::SourceResources { ViewKey::SourceItems } else { ViewKey::SourceResources };
    true
}

pub fn resources_table(x: &LineSources, currency: &str) -> TableModel {
    let rows = x
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            id: format!("r{i}"),
            cells: vec![
                Cell::text(if r.resource.is_empty() { "(no resource id)" } else { r.resource.as_str() }),
                Cell::text(&r.account),
                Cell::text(&r.region),
                Cell::text(r.charge_category.as_str()),
                Cell::int(r.rows),
                Cell::money_in(r.billed, currency),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("resource", 24),
            Column::text("account", 14),
            Column::text("region", 12),
            Column::text("category", 8),
            Column::num("items", 6),
            Column::num("billed", 12),
        ],
        rows,
        total: None,
    }
}

pub fn items_table(x: &LineSources, currency: &str) -> TableModel {
    let rows = x
        .items
        .iter()
        .map(|it| Row {
            id: it.id.to_string(),
            cells: vec![
                Cell::text(crate::console::panes::imports::short_name(&it.file)),
                Cell::int(it.line),
                Cell::text(&it.account),
                Cell::text(it.usage_date.to_string()),
                Cell::text(&it.usage_type),
                Cell::text(&it.resource),
                it.quantity.map_or_else(|| Cell::text(""), |q| Cell { num: Some(q), ..Cell::text(q.to_string()) }),
                Cell::money_in(it.billed, currency),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("file", 18),
            Column::num("line", 6),
            Column::text("account", 14),
            Column::text("date", 10),
            Column::text("usage type", 18),
            Column::text("resource", 16),
            Column::num("quantity", 8),
            Column::num("billed", 12),
        ],
        rows,
        total: None,
    }
}
