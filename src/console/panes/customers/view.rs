//! The customers pane's render (state in, frame out) and its tables.
use crate::console::ui::widgets::bar_set;
use crate::console::ui::widgets::failed;
use crate::console::ui::widgets::head;
use crate::console::ui::widgets::list;
use crate::console::ui::widgets::note;
use crate::console::ui::widgets::units;
use crate::console::keys::Cmd;
use super::state::{BookView, CustomerScreen, StatementView};
use crate::console::panes::pricebook::pricing_text;
use crate::console::panes::pricebook::scope_text;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::table::{fmt_money, fmt_money_in};
use crate::console::theme::Role;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Block;
use ratatui::widgets::Borders;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Sparkline;
use rust_decimal::Decimal;
use super::io::CustomersData;
use super::io::DetailData;
use crate::console::table::Cell;
use crate::console::table::Column;
use crate::console::table::Row;
use crate::console::table::TableModel;
use crate::console::table::change_cell;
use crate::console::chart::ChartFit;
use super::keys::*;

/// Each customer's cost per month of `d.months`, oldest first (a month with no cost is zero).
/// Each customer's monthly cost in the currency its list row shows (`cur`): a sparkline never adds two.
fn monthly<'a>(
    d: &'a CustomersData,
    cur: &std::collections::HashMap<&str, (&str, Option<Decimal>)>,
) -> std::collections::HashMap<&'a str, Vec<Decimal>> {
    let months: Vec<String> = d.months.iter().map(ToString::to_string).collect();
    let mut out: std::collections::HashMap<&str, Vec<Decimal>> = std::collections::HashMap::new();
    for r in &d.history {
        let (Some(code), Some(m)) = (r.keys.first(), r.keys.get(1)) else { continue };
        if cur.get(code.as_str()).is_some_and(|(c, _)| *c != r.currency) {
            continue;
        }
        let Some(i) = months.iter().position(|x| x == m) else { continue };
        let v = out.entry(code.as_str()).or_insert_with(|| vec![Decimal::ZERO; months.len()]);
        v[i] = v[i].checked_add(r.cost).unwrap_or(v[i]);
    }
    out
}

pub fn table(d: &CustomersData) -> TableModel {
    let cur = by_key(&d.cur);
    let prev = by_key(&d.prev);
    let history = monthly(d, &cur);
    let rows = d
        .customers
        .iter()
        .map(|c| {
            // the cost's currency (the customer's when it has no cost); `*`: cost in several, never added
            let (currency, now) = cur.get(c.code.as_str()).copied().unwrap_or((c.currency.as_str(), Some(Decimal::ZERO)));
            let before = match prev.get(c.code.as_str()) {
                Some((pc, v)) if *pc == currency => *v,
                _ => None,
            };
            let several = || Cell::text("several").role(Role::Warning);
            Row {
                id: c.code.clone(),
                cells: vec![
                    Cell::text(&c.code),
                    Cell::text(&c.name),
                    Cell::int(c.account_count),
                    Cell::text(currency),
                    now.map_or_else(several, |n| Cell::money_in(n, currency)),
                    before.map_or_else(|| Cell::text("-").role(Role::Muted), |b| Cell::money_in(b, currency)),
                    now.map_or_else(|| Cell::text(""), |n| change_cell(n, before)),
                    history.get(c.code.as_str()).map_or_else(|| Cell::text(""), |v| Cell::spark(v)),
                ],
                role: None,
            }
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("code", 10),
            Column::text("name", 24),
            Column::num("accts", 5),
            Column::code("cur", 3),
            Column::num("cost", 14),
            Column::num("last period", 14),
            Column::num("change", 9),
            // 12 months when there is room, the latest 6 when not, none at all before the names shrink
            Column::chart("12 mo", 12, ChartFit { min: 6, droppable: true, grow: false }),
        ],
        rows,
        total: None,
    }
}

pub fn services_table(d: &DetailData) -> TableModel {
    let mut total = Decimal::ZERO;
    let rows = d
        .services
        .iter()
        .map(|r| {
            total = total.checked_add(r.cost).unwrap_or(total);
            let k = r.keys.first().cloned().unwrap_or_default();
            Row {
                id: k.clone(),
                cells: vec![Cell::text(k), Cell::text(&r.currency), Cell::money_in(r.cost, &r.currency)],
                role: None,
            }
        })
        .collect();
    // two currencies are never added: a total only when the services share one
    let mut currencies: Vec<&str> = d.services.iter().map(|r| r.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let total = match currencies.as_slice() {
        [one] => {
            vec![Cell::text("total").role(Role::Total), Cell::text(*one), Cell::money_in(total, one).role(Role::Total)]
        }
        // No services, so no currency: the zero reads the same in any.
        [] => vec![Cell::text("total").role(Role::Total), Cell::text(""), Cell::money(total).role(Role::Total)],
        _ => vec![Cell::text("total").role(Role::Total), Cell::text("*"), Cell::text("per currency").role(Role::Muted)],
    };
    TableModel {
        columns: vec![Column::text("service", 24), Column::code("cur", 3), Column::num("cost", 14)],
        rows,
        total: Some(total),
    }
}

pub fn accounts_table(d: &DetailData) -> TableModel {
    let rows = d
        .accounts
        .iter()
        .map(|a| Row {
            id: a.id.clone(),
            cells: vec![Cell::text(&a.id), Cell::text(&a.name), Cell::text(&a.payer)],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![Column::text("account", 14), Column::text("name", 20), Column::text("payer", 14)],
        rows,
        total: None,
    }
}

pub(crate) fn render(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    if crate::console::panes::customers::view::customer_screen(f, area, s, theme) {
        return;
    }
    let Some(d) = &s.panes.customers.detail else {
        match note(&s.panes.customers.data) {
            Ok(n) => {
                let name = format!("customers · {}", crate::console::ui::widgets::at_cost(s.panes.costs.basis));
                list(f, area, s, ViewKey::Customers, &name, n, true, theme)
            }
            Err(e) => failed(f, area, "customers", &e, theme),
        }
        return;
    };
    let n = match note(&d.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &format!("customer {}", d.code), &e, theme),
    };
    let data = d.data.ready();
    let [head, spark, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(4), Constraint::Min(0)]).areas(area);
    let name =
        data.and_then(|x| x.customer.as_ref()).map(|c| format!("{} ({})", c.name, c.currency)).unwrap_or_default();
    let open = data.map(|x| x.onboarding.iter().filter(|i| !i.done).count()).unwrap_or(0);
    let mut spans = vec![
        Span::styled(format!(" {} ", d.code), theme.style(Role::Title)),
        Span::raw(name),
        Span::styled(format!("  {} ", theme.symbols.sep), theme.style(Role::Muted)),
        Span::styled(format!("{} accounts", data.map(|x| x.accounts.len()).unwrap_or(0)), theme.style(Role::Text)),
    ];
    if open > 0 {
        spans.push(Span::styled(
            format!("  {} onboarding: {open} open", theme.symbols.cross),
            theme.style(Role::Warning),
        ));
    } else if data.is_some() {
        spans.push(Span::styled(format!("  {} onboarding complete", theme.symbols.check), theme.style(Role::Approved)));
    }
    if let Some(n) = n {
        spans.push(Span::styled(format!("  {n}"), theme.style(Role::Pending)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);
    sparkline(f, spark, s, theme);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest);
    let [top, bottom] = Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right);
    // the selected item in full under the checklist: what computes it, who ticked it, its evidence
    let [left, about] = Layout::vertical([Constraint::Min(3), Constraint::Length(2)]).areas(left);
    list(f, left, s, ViewKey::Onboarding, "onboarding", None, d.focus == ViewKey::Onboarding, theme);
    let item = s.selected_id(ViewKey::Onboarding);
    if let Some(e) = data.and_then(|x| x.onboarding.iter().find(|e| Some(&e.item) == item.as_ref())) {
        let text = super::onboarding::selected_text(e);
        f.render_widget(
            Paragraph::new(text).style(theme.style(Role::Muted)).wrap(ratatui::widgets::Wrap { trim: true }),
            about,
        );
    }
    let name = format!("services · {}", crate::console::ui::widgets::at_cost(s.panes.costs.basis));
    list(f, top, s, ViewKey::Services, &name, None, d.focus == ViewKey::Services, theme);
    list(f, bottom, s, ViewKey::CustomerAccounts, "linked accounts", None, d.focus == ViewKey::CustomerAccounts, theme);
}

pub(crate) fn sparkline(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    let Some(d) = s.panes.customers.detail.as_ref().and_then(|d| d.data.ready()) else {
        f.render_widget(Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)), area);
        return;
    };
    let months = s.period_or_now().trailing(12);
    // One currency's line (two are never added): the newest month's cost currency.
    let cur = d.history.iter().max_by_key(|r| r.keys.first().cloned()).map_or("", |r| r.currency.as_str());
    let values: Vec<Decimal> = months
        .iter()
        .map(|p| {
            let k = p.to_string();
            d.history
                .iter()
                .filter(|r| r.keys.first() == Some(&k) && r.currency == cur)
                .try_fold(Decimal::ZERO, |a, r| a.checked_add(r.cost))
                .unwrap_or_default()
        })
        .collect();
    let max = values.iter().copied().max().unwrap_or_default();
    let last = values.last().copied().unwrap_or_default();
    let first = months.first().map(ToString::to_string).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" last 12 months ", theme.style(Role::Title)),
        Span::styled(
            format!(
                "{first}…{} max {} now {} {cur} ",
                s.period_or_now(),
                fmt_money_in(max, cur),
                fmt_money_in(last, cur)
            ),
            theme.style(Role::Muted),
        ),
    ]);
    // One month is `per` columns wide so the line fills the box.
    let per = usize::from(area.width.saturating_sub(2) / 12).max(1);
    let data: Vec<u64> = values.iter().flat_map(|v| std::iter::repeat_n(units(*v), per)).collect();
    let w = Sparkline::default()
        .block(Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)).title(title))
        .data(&data)
        .bar_set(bar_set(theme))
        .style(theme.style(Role::Sparkline));
    f.render_widget(w, area);
}

/// The Customers pane: a statement or price-book screen when one is open. False when none is (the caller
/// draws the list or the detail).
pub(crate) fn customer_screen(f: &mut Frame, area: Rect, s: &State, theme: &Theme) -> bool {
    match &s.panes.customers.screen {
        Some(CustomerScreen::Statement(v)) => statement(f, area, s, v, theme),
        Some(CustomerScreen::Book(b)) => book(f, area, s, b, theme),
        None => return false,
    }
    true
}

pub(crate) fn statement(f: &mut Frame, area: Rect, s: &State, v: &StatementView, theme: &Theme) {
    let what = format!("statement {}", v.customer);
    let n = match note(&v.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &what, &e, theme),
    };
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![
        Span::styled(format!(" {what} "), theme.style(Role::Title)),
        Span::styled(format!("{}…{}", v.from, v.to), theme.style(Role::Text)),
    ];
    if let Some(st) = v.data.ready() {
        spans.push(Span::styled(
            format!(" · {} → {} {}", fmt_money_in(st.opening, &st.currency), fmt_money_in(st.closing, &st.currency), st.currency),
            theme.style(Role::Text),
        ));
    }
    spans.push(Span::styled(format!(" · {}: CSV+JSON", crate::console::ui::widgets::key(s, Cmd::Export)), theme.style(Role::Muted)));
    crate::console::ui::widgets::head(f, top, spans);
    list(f, body, s, ViewKey::Statement, "opening, invoices, payments, closing", n, true, theme);
}

pub(crate) fn book(f: &mut Frame, area: Rect, s: &State, b: &BookView, theme: &Theme) {
    let what = format!("price book {}", b.customer);
    let n = match note(&b.data) {
        Ok(n) => n,
        Err(e) => return failed(f, area, &what, &e, theme),
    };
    let Some(p) = &b.pending else {
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        head(
            f,
            top,
            vec![
                Span::styled(format!(" {what} "), theme.style(Role::Title)),
                Span::styled(format!("{} · first match wins  ", b.period), theme.style(Role::Text)),
                Span::styled(format!("{} adds a rule (previewed first)", crate::console::ui::widgets::key(s, Cmd::NewRule)), theme.style(Role::Key)),
            ],
        );
        let name = format!("rules in order · what each priced in {}", b.period);
        return list(f, body, s, ViewKey::BookRules, &name, n, true, theme);
    };
    let [top, sub, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let r = &p.rule;
    head(
        f,
        top,
        vec![
            Span::styled(format!(" preview: new rule for {} ", b.customer), theme.style(Role::Title)),
            Span::styled(
                format!("{} · {} · from {}", pricing_text(r.pricing), scope_text(&r.scope), r.from),
                theme.style(Role::Text),
            ),
        ],
    );
    let pn = match note(&p.diff) {
        Ok(n) => n,
        Err(e) => return failed(f, body, "the preview", &e, theme),
    };
    let mut spans = Vec::new();
    if let Some(d) = p.diff.ready() {
        let delta = d.delta().unwrap_or_default();
        spans.push(Span::styled(
            format!(
                " {}: {} → {} ({}{}), {}/{} line(s) change  ",
                b.period,
                // No currency: the rating preview's figures sum the customer's cost of the period (the
                // preview does not split them by currency), shown to 2 places.
                fmt_money(d.old_total),
                fmt_money(d.new_total),
                if delta.is_sign_positive() && !delta.is_zero() { "+" } else { "" },
                fmt_money(delta),
                d.changed_lines,
                d.lines
            ),
            theme.style(if delta.is_zero() { Role::Muted } else { Role::Warning }),
        ));
    }
    // The keys in the words that fit (at 80 columns the figures take most of the line).
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let keys = ["enter saves the rule · esc discards", "enter saves · esc discards", "enter saves, esc drops"]
        .into_iter()
        .find(|k| used + k.chars().count() <= usize::from(sub.width))
        .unwrap_or("enter: save");
    spans.push(Span::styled(keys, theme.style(Role::Key)));
    crate::console::ui::widgets::head(f, sub, spans);
    let [a, c] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    list(f, a, s, ViewKey::PreviewRules, "by rule (old → new)", pn, p.focus == ViewKey::PreviewRules, theme);
    list(f, c, s, ViewKey::PreviewServices, "by service", pn, p.focus == ViewKey::PreviewServices, theme);
}
