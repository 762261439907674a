//! Prompts and popups: the filter and palette line, completion candidates, `?` help and forms.
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::console::input::{Form, Input};
use crate::console::keys::{BINDINGS, Cmd, Scope};
use crate::console::palette::COMMANDS;
use crate::console::pane::PaneId;
use crate::console::state::{Load, State};
use crate::console::table::fmt_money_in;
use crate::console::theme::{Role, Theme};
use billops_store::Balance;

fn width_of(s: &str) -> u16 {
    u16::try_from(s.chars().count()).unwrap_or(u16::MAX)
}

/// A one-line prompt (`/filter`, `:command`) with the cursor.
pub fn prompt(f: &mut Frame, area: Rect, lead: &str, input: &Input, theme: &Theme) {
    let text = input.text();
    let line = Line::from(vec![Span::styled(lead.to_string(), theme.style(Role::Key)), Span::raw(text)]);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(line), area);
    let col = width_of(lead).saturating_add(u16::try_from(input.cursor()).unwrap_or(0));
    if area.width > 0 && area.height > 0 {
        f.set_cursor_position(Position { x: area.x.saturating_add(col.min(area.width - 1)), y: area.y });
    }
}

/// Completion candidates in a box just above `anchor`.
pub fn candidates(f: &mut Frame, anchor: Rect, items: &[String], theme: &Theme) {
    if items.is_empty() {
        return;
    }
    let h = u16::try_from(items.len()).unwrap_or(8).min(8).saturating_add(2).min(anchor.y);
    if h < 3 {
        return;
    }
    let w = items.iter().map(|i| width_of(i)).max().unwrap_or(0).saturating_add(4).min(anchor.width);
    let r = Rect { x: anchor.x, y: anchor.y - h, width: w, height: h };
    let lines: Vec<Line> = items.iter().map(|i| Line::from(i.clone())).collect();
    f.render_widget(Clear, r);
    let b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Border)).title(" tab ");
    f.render_widget(Paragraph::new(lines).block(b), r);
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// `?`: the keys of this pane, then the global keys, then palette commands — all from the tables.
pub fn help(f: &mut Frame, area: Rect, s: &State, scroll: u16, theme: &Theme) {
    let mut lines = Vec::new();
    let section = |t: &str| Line::from(Span::styled(t.to_string(), theme.style(Role::Header)));
    let row = |keys: String, name: &str, desc: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:<18}"), theme.style(Role::Key)),
            Span::styled(format!("{name:<15}"), theme.style(Role::Muted)),
            Span::raw(desc.to_string()),
        ])
    };
    lines.push(section(&format!("{} pane", s.pane.title())));
    for b in BINDINGS.iter().filter(|b| b.scope == Scope::Pane && b.scope.applies(b.cmd, s.pane)) {
        lines.push(row(s.keymap.label(b.cmd), b.name, b.desc));
    }
    lines.push(section("everywhere"));
    for b in BINDINGS.iter().filter(|b| b.scope != Scope::Pane) {
        lines.push(row(s.keymap.label(b.cmd), b.name, b.desc));
    }
    lines.push(section("commands (:)"));
    for (c, args, desc) in COMMANDS {
        lines.push(row(format!(":{c} {args}"), "", desc));
    }
    let go = s.keymap.keys_of(Cmd::GotoPane).first().map(ToString::to_string).unwrap_or_default();
    lines.push(section(&format!("panes (digit, {go} + letter, :pane NAME; tab / shift-tab cycle)")));
    for (i, p) in PaneId::ALL.iter().enumerate() {
        let digit = if i < 9 { format!("{}/", i + 1) } else { String::new() };
        lines.push(row(format!("{digit}{go}{}", p.pane().goto()), p.slug(), p.title()));
    }
    let r = centered(area, 96, u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    f.render_widget(Clear, r);
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Title))
        .title(Span::styled(" help (keys.toml) — j/k scroll, any other key closes ", theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).block(b).scroll((scroll, 0)), r);
}

/// `M`: the last status messages whole (wrapped, newest first), with the time each was said.
pub fn messages(f: &mut Frame, area: Rect, s: &State, scroll: u16, theme: &Theme) {
    let r = centered(area, 110, area.height.saturating_sub(2).max(3));
    let text_w = usize::from(r.width.saturating_sub(2 + 6)).max(10);
    let mut lines = Vec::new();
    for m in s.log.iter().rev() {
        for (k, l) in crate::console::ui::detail::wrap(&m.text, text_w).into_iter().enumerate() {
            let at = if k == 0 { m.at.format("%H:%M ").to_string() } else { " ".repeat(6) };
            lines.push(Line::from(vec![
                Span::styled(at, theme.style(Role::Muted)),
                Span::styled(l, theme.style(m.role)),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("no messages yet", theme.style(Role::Muted))));
    }
    f.render_widget(Clear, r);
    let title = format!(" messages {} (newest first) — j/k scroll, any other key closes ", s.log.len());
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Title))
        .title(Span::styled(title, theme.style(Role::Title)));
    f.render_widget(Paragraph::new(lines).block(b).scroll((scroll, 0)), r);
}

pub fn form(f: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let label_w = form.fields.iter().map(|fl| width_of(fl.label)).max().unwrap_or(0).saturating_add(2);
    let cand = u16::try_from(form.candidates.len().min(8)).unwrap_or(8);
    let beside = u16::from(form.error_field.is_some() && form.error.is_some());
    // A title longer than the border is drawn whole inside the box, wrapped (a confirmation says what it does
    // in a sentence: cut at the border it would hide the consequence), under a short border title.
    let box_w = area.width.min(76);
    let fits = width_of(&form.title).saturating_add(4) <= box_w;
    let wrapped = if fits {
        Vec::new()
    } else {
        let mut w = crate::console::ui::detail::wrap(&form.title, usize::from(box_w.saturating_sub(2)));
        w.push(String::new());
        w
    };
    let extra = u16::try_from(wrapped.len()).unwrap_or(0);
    let h = u16::try_from(form.fields.len()).unwrap_or(1).saturating_add(cand).saturating_add(5 + beside + extra);
    let r = centered(area, 76, h);
    f.render_widget(Clear, r);
    let mut b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Title));
    if fits {
        b = b.title(Span::styled(format!(" {} ", form.title), theme.style(Role::Title)));
    }
    let inner = b.inner(r);
    f.render_widget(b, r);
    let mut lines: Vec<Line> =
        wrapped.into_iter().map(|l| Line::from(Span::styled(l, theme.style(Role::Title)))).collect();
    let mut cursor = None;
    for (i, fl) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let text = fl.input.text();
        let style = if focused { theme.style(Role::Selection) } else { theme.style(Role::Text) };
        let y = u16::try_from(lines.len()).unwrap_or(0);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>w$}: ", fl.label, w = usize::from(label_w.saturating_sub(2))),
                theme.style(Role::Muted),
            ),
            Span::styled(format!("{text} "), style),
        ]));
        if focused {
            let col = label_w.saturating_add(u16::try_from(fl.input.cursor()).unwrap_or(0));
            cursor = Some((col, y));
        }
        // The message about this field, beside it.
        if let (Some(name), Some(e)) = (form.error_field, &form.error)
            && name == fl.name
        {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(usize::from(label_w))),
                Span::styled(format!("{} {e}", theme.symbols.cross), theme.style(Role::Error)),
            ]));
        }
        if focused && !form.candidates.is_empty() {
            for c in form.candidates.iter().take(8) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(usize::from(label_w))),
                    Span::styled(c.clone(), theme.style(Role::Muted)),
                ]));
            }
        }
    }
    lines.push(Line::from(""));
    match &form.error {
        Some(_) if form.error_field.is_some() => lines.push(Line::from("")),
        Some(e) => lines.push(Line::from(Span::styled(e.clone(), theme.style(Role::Error)))),
        None if form.pending.is_some() => {
            lines.push(Line::from(Span::styled("completing…", theme.style(Role::Pending))))
        }
        None => lines.push(Line::from("")),
    }
    if form.fields.is_empty() {
        // A confirmation: nothing to edit.
        lines.push(Line::from(vec![
            Span::styled("enter", theme.style(Role::Key)),
            Span::styled(" confirms  ", theme.style(Role::Muted)),
            Span::styled("esc", theme.style(Role::Key)),
            Span::styled(" cancels", theme.style(Role::Muted)),
        ]));
    } else {
        lines.push(form_keys(theme));
    }
    f.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor
        && inner.width > 0
        && inner.height > y
    {
        f.set_cursor_position(Position { x: inner.x + x.min(inner.width - 1), y: inner.y + y });
    }
}

fn form_keys(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled("enter", theme.style(Role::Key)),
        Span::styled(" save  ", theme.style(Role::Muted)),
        Span::styled("tab", theme.style(Role::Key)),
        Span::styled(" complete/next  ", theme.style(Role::Muted)),
        Span::styled("↑↓", theme.style(Role::Key)),
        Span::styled(" field  ", theme.style(Role::Muted)),
        Span::styled("esc", theme.style(Role::Key)),
        Span::styled(" cancel", theme.style(Role::Muted)),
    ])
}

/// The `:bal CUSTOMER` answer: balance, overdue, last invoice and last payment.
pub fn balance(f: &mut Frame, area: Rect, customer: &str, data: &Load<Balance>, theme: &Theme) {
    let row = |k: &str, v: String, role: Role| {
        Line::from(vec![
            Span::styled(format!("{k:>14}: "), theme.style(Role::Muted)),
            Span::styled(v, theme.style(role)),
        ])
    };
    let lines = match (data, data.ready()) {
        (Load::Failed(e), _) => vec![Line::from(Span::styled(e.clone(), theme.style(Role::Error)))],
        (_, None) => vec![Line::from(Span::styled("looking up …", theme.style(Role::Pending)))],
        (_, Some(b)) => {
            let cur = &b.currency;
            let overdue_role = if b.overdue > rust_decimal::Decimal::ZERO { Role::Warning } else { Role::Text };
            let bal_role = if b.balance < rust_decimal::Decimal::ZERO { Role::Negative } else { Role::Title };
            vec![
                row("balance", format!("{} {cur}", fmt_money_in(b.balance, cur)), bal_role),
                row("overdue", format!("{} {cur}", fmt_money_in(b.overdue, cur)), overdue_role),
                row(
                    "last invoice",
                    match (&b.last_invoice, b.last_invoice_on) {
                        (Some(n), Some(d)) => format!("{n} on {d}"),
                        (Some(n), None) => n.clone(),
                        _ => "none".into(),
                    },
                    Role::Text,
                ),
                row(
                    "last payment",
                    match (b.last_payment, b.last_payment_on) {
                        (Some(a), Some(d)) => format!("{} {cur} on {d}", fmt_money_in(a, cur)),
                        (Some(a), None) => format!("{} {cur}", fmt_money_in(a, cur)),
                        _ => "none".into(),
                    },
                    Role::Text,
                ),
            ]
        }
    };
    let h = u16::try_from(lines.len()).unwrap_or(4).saturating_add(3);
    let r = centered(area, 60, h);
    f.render_widget(Clear, r);
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Title))
        .title(Span::styled(format!(" balance {customer} (any key closes) "), theme.style(Role::Title)));
    let mut all = lines;
    all.push(Line::from(""));
    f.render_widget(Paragraph::new(all).block(b), r);
}
