//! Widgets the panes share: the load note, the failed box, a titled list, the sub-list line, chart helpers.
use crate::console::keys::Cmd;
use crate::console::state::Load;
use crate::console::state::State;
use crate::console::state::ViewKey;
use crate::console::theme::Role;
use crate::console::theme::Theme;
use crate::console::ui::table::block;
use crate::console::ui::table::render_view;
use crate::console::ui::table::title_line;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Block;
use ratatui::widgets::Borders;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Wrap;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

const ASCII_BARS: symbols::bar::Set = symbols::bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "=",
    half: "=",
    three_eighths: "-",
    one_quarter: "-",
    one_eighth: ".",
    empty: " ",
};

pub(crate) fn bar_set(theme: &Theme) -> symbols::bar::Set<'static> {
    if theme.symbols.ascii { ASCII_BARS } else { symbols::bar::NINE_LEVELS }
}

/// A note for a list's title from its pane's load state; `Err` text when it failed.
pub(crate) fn note<T>(load: &Load<T>) -> Result<Option<&'static str>, String> {
    match load {
        // A reload keeps the rows shown (keys act on them) and says it is on its way: the next key may meet a
        // newer version of the record in the store, which refuses a change made from the old one.
        Load::Idle | Load::Loading(_) | Load::Refreshing(..) => Ok(Some("loading…")),
        Load::Ready(_) | Load::Stale(_) => Ok(None),
        Load::Failed(e) => Err(e.clone()),
    }
}

pub(crate) fn failed(f: &mut Frame, area: Rect, what: &str, e: &str, theme: &Theme) {
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Error)).title(format!(" {what} "));
    let p = Paragraph::new(vec![
        Line::from(Span::styled(format!("could not load {what}:"), theme.style(Role::Error))),
        Line::from(e.to_string()),
        Line::from(Span::styled("ctrl-r reloads", theme.style(Role::Muted))),
    ])
    .wrap(Wrap { trim: true })
    .block(b);
    f.render_widget(p, area);
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn list(
    f: &mut Frame,
    area: Rect,
    s: &State,
    key: ViewKey,
    name: &str,
    n: Option<&str>,
    focused: bool,
    theme: &Theme,
) {
    let view = s.view(key);
    let title = title_line(name, view, n, theme);
    render_view(f, area, view, block(title, focused, theme), focused, theme);
}

/// A line of sub-list names for panes with several lists; the current one highlighted. The key that switches
/// ends it in the words that fit `width` ("(v switches)", "(v next)", "(v)"; none when even that does not:
/// the footer has it too), so a pane with five lists never shows a cut word at 80 columns.
pub(crate) fn sublists(s: &State, views: &[ViewKey], current: ViewKey, theme: &Theme, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    for v in views {
        let n = s.view(*v).map(|v| v.model.rows.len()).unwrap_or(0);
        let role = if *v == current { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(format!(" {} {n} ", v.title()), theme.style(role)));
        spans.push(Span::raw(" "));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let key = s.keymap.label(crate::console::keys::Cmd::SwitchView);
    let hint = [format!("({key} switches)"), format!("({key} next)"), format!("({key})")]
        .into_iter()
        .find(|h| used + h.chars().count() <= usize::from(width));
    if let Some(h) = hint {
        spans.push(Span::styled(h, theme.style(Role::Muted)));
    }
    Line::from(spans)
}

/// Which basis a cost total is on: the supplier's cost of the basis shown (billed, effective, list), before
/// markup, discounts, credits and the customer's tax — not what an invoice says ([`INVOICED`]).
pub(crate) fn at_cost(basis: billops_domain::CostBasis) -> String {
    format!("at cost, {basis} basis")
}

/// An invoice's total: charges after markup, discounts and credits, plus the customer's tax.
pub(crate) const INVOICED: &str = "invoiced incl. tax";

/// An invoice's charges after markup, discounts and credits, before the customer's tax.
pub(crate) const PRE_TAX: &str = "billed pre-tax";

/// Whole currency units for a chart (money stays Decimal; charts only need bar heights).
pub(crate) fn units(d: Decimal) -> u64 {
    d.trunc().to_u64().unwrap_or(0)
}

pub(crate) fn head(f: &mut Frame, area: Rect, spans: Vec<Span<'static>>) {
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(crate) fn key(s: &State, c: Cmd) -> String {
    s.keymap.keys_of(c).first().map(ToString::to_string).unwrap_or_default()
}
