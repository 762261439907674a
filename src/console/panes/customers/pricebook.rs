//! A customer's price book (`B` on Customers): the rules in the order they are tried, each with what it priced
//! in the period (lines, cost, price), and pass-through at cost. `n` enters a rule (pricing, scope, effective
//! from); before anything is saved the preview shows old vs new totals per rule transition and per service for
//! the period; Enter saves the rule, Esc discards it.
use billops_domain::ChargeCategory;
use billops_domain::rating::{Pricing, RatingDiff, RuleScope};
use rust_decimal::Decimal;

use super::form::Kind;
use super::io::{BookData, NewRule, Query, Write};
use super::keys::customer_in_view;
use super::state::{BookView, CustomerScreen, PendingRule};
use crate::console::action::{Effect, FormKind, PaneQuery, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form, parse_amount, parse_date};
use crate::console::panes::{query, write};
use crate::console::state::{Load, Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Row, TableModel, change_cell};
use crate::console::theme::Role;

pub use crate::month::rating::{pricing_text, scope_text};

/// `B`: open the price book of the customer in view.
pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(customer) = customer_in_view(s) else {
        s.warn("select a customer first");
        return Vec::new();
    };
    let period = s.period_or_now();
    s.panes.customers.screen =
        Some(CustomerScreen::Book(BookView { customer, period, data: Load::Idle, pending: None }));
    for k in [ViewKey::BookRules, ViewKey::PreviewRules, ViewKey::PreviewServices] {
        s.views.remove(&k);
    }
    load(s)
}

pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(CustomerScreen::Book(b)) = &s.panes.customers.screen else { return Vec::new() };
    let q = PaneQuery::Customers(Query::PriceBook { customer: b.customer.clone(), period: b.period });
    let (req, fx) = query(s, q);
    if let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() {
        b.data.start(req);
    }
    vec![fx]
}

pub fn loaded(s: &mut State, req: u64, d: BookData) {
    let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() else { return };
    if !b.data.waits_for(req) {
        return;
    }
    let model = rules_table(&d);
    b.data = Load::Ready(d);
    s.set_model(ViewKey::BookRules, model);
}

/// Rules in order with what each priced in the period; then what no rule priced (at cost).
///
/// No currency: the rating preview prices the customer's cost of the period in its cost currency, which the
/// preview does not carry; its amounts are shown to 2 places.
pub fn rules_table(d: &BookData) -> TableModel {
    let used = |id: Option<&str>| d.usage.by_rule.iter().find(|e| e.new_rule.as_deref() == id);
    let row = |id: String, cells: [Cell; 4], e: Option<&billops_domain::rating::RuleEffect>| {
        let mut c: Vec<Cell> = cells.into();
        match e {
            Some(e) => c.extend([
                Cell::int(i64::try_from(e.lines).unwrap_or(i64::MAX)),
                Cell::money(e.cost),
                Cell::money(e.new_price),
            ]),
            None => c.extend([Cell::int(0).role(Role::Muted), Cell::text(""), Cell::text("")]),
        }
        Row { id, cells: c, role: None }
    };
    let mut rows: Vec<Row> = d
        .rules
        .iter()
        .map(|r| {
            let cells = [
                Cell::text(r.rule.id()),
                Cell::text(pricing_text(r.rule.pricing())),
                Cell::text(scope_text(r.rule.scope())),
                Cell::text(r.rule.effective().from().to_string()),
            ];
            row(r.rule.id().to_string(), cells, used(Some(r.rule.id())))
        })
        .collect();
    if let Some(e) = used(None) {
        let cells = [
            Cell::text("-").role(Role::Muted),
            Cell::text("at cost (no rule)").role(Role::Muted),
            Cell::text("lines no rule matched"),
            Cell::text(""),
        ];
        rows.push(row("(none)".into(), cells, Some(e)));
    }
    TableModel {
        columns: vec![
            Column::text("rule", 6),
            Column::text("pricing", 16),
            Column::text("scope", 28),
            Column::text("from", 10),
            Column::num("lines", 5),
            Column::num("cost", 12),
            Column::num("price", 12),
        ],
        rows,
        total: Some(vec![
            Cell::text("total").role(Role::Total),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::int(i64::try_from(d.usage.lines).unwrap_or(i64::MAX)).role(Role::Total),
            Cell::money(d.usage.cost).role(Role::Total),
            Cell::money(d.usage.new_total).role(Role::Total),
        ]),
    }
}

/// `n`: the new-rule form (only in the price book).
pub fn new_rule(s: &mut State) -> Vec<Effect> {
    let Some(CustomerScreen::Book(b)) = &s.panes.customers.screen else {
        s.warn("open a customer's price book first (B)");
        return Vec::new();
    };
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let (customer, from) = (b.customer.clone(), b.period.start().to_string());
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::NewRule { customer: customer.clone() }),
        format!("new price rule for {customer} (tried after the existing rules; preview first)"),
        vec![
            Field::new(RuleForm::PRICING, "markup", Complete::Choice(&["markup", "discount", "rate"])),
            Field::new(RuleForm::VALUE, "", Complete::None),
            Field::new(RuleForm::SERVICE, "", Complete::None),
            Field::new(RuleForm::PRODUCT, "", Complete::None),
            Field::new(RuleForm::USAGE_TYPE, "", Complete::None),
            Field::new(RuleForm::REGION, "", Complete::None),
            Field::new(RuleForm::CATEGORY, "", Complete::None),
            Field::new(RuleForm::FROM, &from, Complete::None),
        ],
    ));
    Vec::new()
}

/// The rule form, read by field name (pricing: markup, discount or rate; empty scope fields match everything).
pub struct RuleForm;

impl RuleForm {
    pub const PRICING: &'static str = "pricing";
    pub const VALUE: &'static str = "percent / rate";
    pub const SERVICE: &'static str = "service";
    pub const PRODUCT: &'static str = "product";
    pub const USAGE_TYPE: &'static str = "usage type";
    pub const REGION: &'static str = "region";
    pub const CATEGORY: &'static str = "charge category";
    pub const FROM: &'static str = "effective from";

    pub fn read(f: &Form) -> Result<NewRule, FieldError> {
        let at = |name: &'static str| move |e: String| FieldError::at(name, e);
        let value = parse_amount(&f.get(Self::VALUE), Self::VALUE).map_err(at(Self::VALUE))?;
        let bad = |e: billops_domain::rating::RatingError| FieldError::at(Self::VALUE, format!("percent / rate: {e}"));
        let pricing = match f.get(Self::PRICING).to_lowercase().as_str() {
            "markup" | "m" => Pricing::markup(value).map_err(bad)?,
            "discount" | "d" => Pricing::discount(value).map_err(bad)?,
            "rate" | "r" | "fixed" => Pricing::fixed_unit_rate(value).map_err(bad)?,
            other => return Err(FieldError::at(Self::PRICING, format!("pricing: {other:?}: markup, discount or rate"))),
        };
        let opt = |name: &'static str| Some(f.get(name)).filter(|v| !v.is_empty());
        let charge_category = match opt(Self::CATEGORY) {
            Some(c) => Some(c.parse::<ChargeCategory>().map_err(|e| format!("charge category: {e}")).map_err(at(Self::CATEGORY))?),
            None => None,
        };
        let scope = RuleScope {
            service: opt(Self::SERVICE),
            product: opt(Self::PRODUCT),
            usage_type: opt(Self::USAGE_TYPE),
            region: opt(Self::REGION),
            charge_category,
        };
        Ok(NewRule { scope, pricing, from: parse_date(&f.get(Self::FROM), Self::FROM).map_err(at(Self::FROM))? })
    }
}

/// The rule form submitted: preview it (nothing is saved yet).
pub fn preview(s: &mut State, customer: &str, rule: NewRule) -> Result<Vec<Effect>, FieldError> {
    let Some(CustomerScreen::Book(b)) = &s.panes.customers.screen else {
        return Err("the price book was closed".to_string().into());
    };
    let q = PaneQuery::Customers(Query::PreviewRule { customer: customer.to_string(), period: b.period, rule: rule.clone() });
    let (req, fx) = query(s, q);
    if let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() {
        b.pending = Some(PendingRule { rule, diff: Load::Loading(req), focus: ViewKey::PreviewRules });
    }
    s.views.remove(&ViewKey::PreviewRules);
    s.views.remove(&ViewKey::PreviewServices);
    s.info("previewing the rule: nothing is saved until you press enter");
    Ok(vec![fx])
}

pub fn preview_loaded(s: &mut State, req: u64, d: RatingDiff) {
    let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() else { return };
    let Some(p) = b.pending.as_mut().filter(|p| p.diff.waits_for(req)) else { return };
    let (by_rule, by_service) = (by_rule_table(&d), by_service_table(&d));
    p.diff = Load::Ready(d);
    s.set_model(ViewKey::PreviewRules, by_rule);
    s.set_model(ViewKey::PreviewServices, by_service);
}

fn delta(old: Decimal, new: Decimal) -> [Cell; 4] {
    let d = new.checked_sub(old).unwrap_or_default();
    let change = if d.is_zero() { Cell::text("") } else { Cell::money(d) };
    [Cell::money(old), Cell::money(new), change, change_cell(new, Some(old))]
}

fn rule_name(r: Option<&str>) -> String {
    r.map_or_else(|| "at cost".to_string(), ToString::to_string)
}

pub fn by_rule_table(d: &RatingDiff) -> TableModel {
    let rows = d
        .by_rule
        .iter()
        .map(|e| {
            let mut cells = vec![
                Cell::text(format!("{} → {}", rule_name(e.old_rule.as_deref()), rule_name(e.new_rule.as_deref()))),
                Cell::int(i64::try_from(e.lines).unwrap_or(i64::MAX)),
                Cell::money(e.cost),
            ];
            cells.extend(delta(e.old_price, e.new_price));
            let moved = e.old_rule != e.new_rule || e.old_price != e.new_price;
            Row {
                id: format!("{}>{}", rule_name(e.old_rule.as_deref()), rule_name(e.new_rule.as_deref())),
                cells,
                role: moved.then_some(Role::Warning),
            }
        })
        .collect();
    preview_model("rule old → new", rows, d)
}

pub fn by_service_table(d: &RatingDiff) -> TableModel {
    let rows = d
        .by_service
        .iter()
        .map(|e| {
            let mut cells = vec![
                Cell::text(&e.service),
                Cell::int(i64::try_from(e.lines).unwrap_or(i64::MAX)),
                Cell::money(e.cost),
            ];
            cells.extend(delta(e.old_price, e.new_price));
            Row { id: e.service.clone(), cells, role: None }
        })
        .collect();
    preview_model("service", rows, d)
}

fn preview_model(first: &'static str, rows: Vec<Row>, d: &RatingDiff) -> TableModel {
    let mut total = vec![Cell::text("total").role(Role::Total), Cell::text(""), Cell::money(d.cost).role(Role::Total)];
    total.extend(delta(d.old_total, d.new_total).map(|c| c.role(Role::Total)));
    TableModel {
        columns: vec![
            Column::text(first, 20),
            Column::num("lines", 5),
            Column::num("cost", 12),
            Column::num("old", 12),
            Column::num("new", 12),
            Column::num("change", 10),
            Column::num("%", 6),
        ],
        rows,
        total: Some(total),
    }
}

/// Enter in the price book: save the previewed rule.
pub fn confirm(s: &mut State) -> Vec<Effect> {
    let Some(CustomerScreen::Book(b)) = &s.panes.customers.screen else { return Vec::new() };
    let problem = match b.pending.as_ref().map(|p| &p.diff) {
        None => Some("n adds a rule (previewed before it is saved)".to_string()),
        Some(d) if d.ready().is_some() => s.write_refusal(),
        Some(Load::Failed(e)) => Some(format!("the preview failed: {e} (esc discards the rule)")),
        Some(_) => Some("the preview is still loading".to_string()),
    };
    if let Some(why) = problem {
        s.warn(why);
        return Vec::new();
    }
    let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() else { return Vec::new() };
    let customer = b.customer.clone();
    let Some(p) = b.pending.take() else { return Vec::new() };
    write(s, PaneWrite::Customers(Write::AddRule { customer, rule: p.rule }))
}

/// `v` in a preview: switch between its two lists.
pub fn switch_focus(s: &mut State) -> bool {
    let Some(CustomerScreen::Book(b)) = s.panes.customers.screen.as_mut() else { return false };
    match b.pending.as_mut() {
        Some(p) => {
            p.focus = if p.focus == ViewKey::PreviewRules { ViewKey::PreviewServices } else { ViewKey::PreviewRules };
            true
        }
        None => true,
    }
}
