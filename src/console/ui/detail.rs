//! A record's detail: every field of the selected row whole (wrapped, never cut), with exact amounts — what
//! a list row has that does not fit its columns. A pane builds a [`Record`] from the data it holds (pure) and
//! draws it with [`render`] in place of its list; ↑/↓ still move the list's selection, so the detail follows.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::console::theme::{Role, Theme};

/// Whether a pane's detail is open, and how far it is scrolled (a field of the pane's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shown {
    pub open: bool,
    pub scroll: u16,
}

impl Shown {
    pub fn open(&mut self) {
        *self = Shown { open: true, scroll: 0 };
    }
    /// Close it; false when it was not open (Esc then does what it does on the list).
    pub fn close(&mut self) -> bool {
        std::mem::take(self).open
    }
    /// PgUp / PgDn while open (true: taken).
    pub fn page(&mut self, down: bool) -> bool {
        if self.open {
            self.scroll = if down { self.scroll.saturating_add(10) } else { self.scroll.saturating_sub(10) };
        }
        self.open
    }
}

/// An amount as a detail shows it: `1,234.57 USD` to the currency's minor unit with separators, and
/// `(exactly 1234.5678)` after it when the shown value is not the exact one (the one helper for it).
pub fn amount(x: rust_decimal::Decimal, currency: &str) -> String {
    let shown = billops_domain::money::format_amount(x, currency);
    if x.normalize().scale() <= billops_domain::money::minor_units(currency) {
        format!("{shown} {currency}")
    } else {
        format!("{shown} {currency} (exactly {})", billops_domain::money::canonical(x))
    }
}

/// The hint in a detail's title.
pub const HINT: &str = "up/down: next · pgdn: more · esc: back";

/// One line of a record: a labelled field, a heading, or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Field { label: String, value: String, role: Option<Role> },
    Heading(String),
    Note(String),
}

/// What the detail shows: a title and its items, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub title: String,
    pub items: Vec<Item>,
}

impl Record {
    pub fn new(title: impl Into<String>) -> Record {
        Record { title: title.into(), items: Vec::new() }
    }
    /// A field (left out when its value is empty).
    pub fn field(mut self, label: impl Into<String>, value: impl Into<String>) -> Record {
        let value = value.into();
        if !value.is_empty() {
            self.items.push(Item::Field { label: label.into(), value, role: None });
        }
        self
    }
    /// A field drawn in a role (an error's reason, a negative amount).
    pub fn field_as(mut self, label: impl Into<String>, value: impl Into<String>, role: Role) -> Record {
        self.items.push(Item::Field { label: label.into(), value: value.into(), role: Some(role) });
        self
    }
    pub fn heading(mut self, text: impl Into<String>) -> Record {
        self.items.push(Item::Heading(text.into()));
        self
    }
    pub fn note(mut self, text: impl Into<String>) -> Record {
        self.items.push(Item::Note(text.into()));
        self
    }

    /// The lines at `width` columns: labels in one column, values wrapped beside them.
    pub fn lines(&self, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let label_w = self
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Field { label, .. } => Some(label.chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .min(18);
        let width = usize::from(width).max(label_w + 12);
        let value_w = width - label_w - 1;
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                Item::Heading(t) => {
                    out.push(Line::from(Span::styled(t.clone(), theme.style(Role::Header))));
                }
                Item::Note(t) => {
                    for l in wrap(t, width) {
                        out.push(Line::from(Span::styled(l, theme.style(Role::Muted))));
                    }
                }
                Item::Field { label, value, role } => {
                    let style = theme.style(role.unwrap_or(Role::Text));
                    // A label longer than the label column takes a line of its own.
                    let long = label.chars().count() > label_w;
                    if long {
                        out.push(Line::from(Span::styled(label.clone(), theme.style(Role::Muted))));
                    }
                    for (k, l) in wrap(value, value_w).into_iter().enumerate() {
                        let head =
                            if k == 0 && !long { format!("{label:<label_w$} ") } else { " ".repeat(label_w + 1) };
                        out.push(Line::from(vec![
                            Span::styled(head, theme.style(Role::Muted)),
                            Span::styled(l, style),
                        ]));
                    }
                }
            }
        }
        out
    }
}

/// Word-wrap `text` at `width` characters (a word longer than the width is split; newlines kept).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let mut word: Vec<char> = word.chars().collect();
            loop {
                let used = line.chars().count();
                let sep = usize::from(used > 0);
                if used + sep + word.len() <= width {
                    if sep == 1 {
                        line.push(' ');
                    }
                    line.extend(word.iter());
                    break;
                }
                if used > 0 {
                    out.push(std::mem::take(&mut line));
                    continue;
                }
                let rest = word.split_off(width.min(word.len()));
                out.push(word.into_iter().collect());
                word = rest;
                if word.is_empty() {
                    break;
                }
            }
        }
        out.push(line);
    }
    out
}

/// Draw `r` in `area` (bordered; `hint` in the title says how to leave and move); lines past the bottom are
/// counted in the bottom border, `scroll` lines skipped from the top.
pub fn render(f: &mut Frame, area: Rect, r: &Record, hint: &str, scroll: u16, theme: &Theme) {
    let inner_w = area.width.saturating_sub(2);
    let lines = r.lines(inner_w, theme);
    let rows = usize::from(area.height.saturating_sub(2));
    let skip = usize::from(scroll).min(lines.len().saturating_sub(rows));
    let more = lines.len().saturating_sub(skip + rows);
    // The hint in the words that fit beside the title (the footer has `esc back` too); the title is kept.
    let room = usize::from(inner_w).saturating_sub(r.title.chars().count() + 2);
    let hint = [hint, "esc: back", ""].into_iter().find(|h| h.is_empty() || h.chars().count() < room).unwrap_or("");
    let mut title = vec![Span::styled(format!(" {} ", r.title), theme.style(Role::Title))];
    if !hint.is_empty() {
        title.push(Span::styled(format!("{hint} "), theme.style(Role::Muted)));
    }
    let mut b = Block::default().borders(Borders::ALL).border_style(theme.style(Role::Title)).title(Line::from(title));
    if more > 0 {
        b = b.title_bottom(Span::styled(format!(" {more} more line(s): pgdn "), theme.style(Role::Warning)));
    }
    let shown: Vec<Line> = lines.into_iter().skip(skip).collect();
    f.render_widget(Paragraph::new(shown).block(b), area);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_to_its_minor_unit_with_the_exact_value_when_it_differs() {
        let d = |t: &str| t.parse::<rust_decimal::Decimal>().unwrap();
        assert_eq!(amount(d("1234.5"), "USD"), "1,234.50 USD");
        assert_eq!(amount(d("1234.5000"), "USD"), "1,234.50 USD");
        assert_eq!(amount(d("4933.49362715765808"), "USD"), "4,933.49 USD (exactly 4933.49362715765808)");
        assert_eq!(amount(d("1234.5"), "JPY"), "1,235 JPY (exactly 1234.5)");
    }

    #[test]
    fn wraps_words_and_splits_what_is_longer_than_a_line() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("x\ny", 10), ["x", "y"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn a_long_value_is_shown_whole_beside_its_label() {
        let r = Record::new("t").field("reason", "value 4933.49362715765808 of column BilledCost is not a number");
        let theme = Theme::default_theme();
        let text: Vec<String> =
            r.lines(30, &theme).iter().map(|l| l.spans.iter().map(|s| s.content.to_string()).collect()).collect();
        assert_eq!(text[..2], ["reason value", "       4933.49362715765808 of"]);
        assert_eq!(
            text.join(" ").split_whitespace().collect::<Vec<_>>().join(" "),
            "reason value 4933.49362715765808 of column BilledCost is not a number"
        );
    }
}
