//! The tab line: every registered pane, the current one always visible. Full titles when they fit, else
//! short titles for the others, else a window of tabs around the current one with `‹` / `›` marking the
//! panes scrolled off (Tab / Shift-Tab, `'` + letter and `:pane NAME` reach them).
use ratatui::text::{Line, Span};

use crate::console::pane::PaneId;
use crate::console::state::State;
use crate::console::theme::{Role, Theme};

/// One tab as drawn: the key that reaches it (`1`…`9`, then `'` + letter), its full and short title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    pub key: String,
    pub full: &'static str,
    pub short: &'static str,
}

/// The laid-out line: which tabs (index, label) are shown and whether some are hidden on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub left: bool,
    pub tabs: Vec<(usize, String)>,
    pub right: bool,
}

fn label(t: &Tab, full: bool) -> String {
    format!(" {} {} ", t.key, if full { t.full } else { t.short })
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Lay out `tabs` in `width` columns with `current` always shown (in full).
pub fn layout(tabs: &[Tab], current: usize, cols: u16) -> Layout {
    let cols = usize::from(cols);
    let all = |short: bool| -> Vec<(usize, String)> {
        tabs.iter().enumerate().map(|(i, t)| (i, label(t, !short || i == current))).collect()
    };
    let fits = |v: &[(usize, String)], extra: usize| v.iter().map(|(_, l)| width(l)).sum::<usize>() + extra <= cols;
    let full = tabs.iter().map(|t| width(&label(t, true))).sum::<usize>();
    if full <= cols {
        return Layout { left: false, tabs: all(false), right: false };
    }
    let short = all(true);
    if fits(&short, 0) {
        return Layout { left: false, tabs: short, right: false };
    }
    // A window around the current tab: grow right, then left, while it fits with both markers.
    let cur = current.min(tabs.len().saturating_sub(1));
    let (mut lo, mut hi) = (cur, cur + 1);
    let used = |lo: usize, hi: usize| short[lo..hi].iter().map(|(_, l)| width(l)).sum::<usize>();
    loop {
        let mut grew = false;
        if hi < short.len() && used(lo, hi + 1) + 2 <= cols {
            hi += 1;
            grew = true;
        }
        if lo > 0 && used(lo - 1, hi) + 2 <= cols {
            lo -= 1;
            grew = true;
        }
        if !grew {
            break;
        }
    }
    Layout { left: lo > 0, tabs: short[lo..hi].to_vec(), right: hi < short.len() }
}

/// The registered panes as tabs.
pub fn tabs() -> Vec<Tab> {
    PaneId::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| Tab {
            key: if i < 9 { (i + 1).to_string() } else { format!("'{}", p.pane().goto()) },
            full: p.title(),
            short: p.short(),
        })
        .collect()
}

pub fn line(s: &State, theme: &Theme, cols: u16) -> Line<'static> {
    let l = layout(&tabs(), s.pane.index(), cols);
    let (lt, gt) = if theme.symbols.ascii { ("<", ">") } else { ("‹", "›") };
    let mut spans = Vec::new();
    if l.left {
        spans.push(Span::styled(lt, theme.style(Role::Muted)));
    }
    for (i, text) in l.tabs {
        let role = if i == s.pane.index() { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(text, theme.style(role)));
    }
    if l.right {
        spans.push(Span::styled(gt, theme.style(Role::Muted)));
    }
    Line::from(spans)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn many(n: usize) -> Vec<Tab> {
        const NAMES: [(&str, &str); 14] = [
            ("Close", "Close"),
            ("Customers", "Cust"),
            ("Accounts", "Accts"),
            ("Costs", "Costs"),
            ("Invoices", "Inv"),
            ("Credits", "Cred"),
            ("Recon", "Recon"),
            ("Imports", "Imp"),
            ("Audit", "Audit"),
            ("Disputes", "Disp"),
            ("Funding", "Fund"),
            ("Forecast", "Fcst"),
            ("Reports", "Rep"),
            ("Settings", "Set"),
        ];
        NAMES[..n]
            .iter()
            .enumerate()
            .map(|(i, (f, s))| Tab {
                key: if i < 9 { (i + 1).to_string() } else { format!("g{i}") },
                full: f,
                short: s,
            })
            .collect()
    }

    fn cols(l: &Layout) -> usize {
        l.tabs.iter().map(|(_, t)| width(t)).sum::<usize>() + usize::from(l.left) + usize::from(l.right)
    }

    #[test]
    fn nine_panes_fit_as_before() {
        let l = layout(&many(9), 0, 80);
        assert_eq!(l.tabs.len(), 9);
        assert!(!l.left && !l.right);
        assert_eq!(l.tabs[0].1, " 1 Close ");
        assert_eq!(l.tabs[1].1, " 2 Cust ");
        assert!(cols(&l) <= 80);
        let wide = layout(&many(9), 3, 200);
        assert_eq!(wide.tabs[1].1, " 2 Customers ");
    }

    #[test]
    fn fourteen_panes_fit_80_columns_and_the_current_one_is_always_shown() {
        let tabs = many(14);
        for cur in 0..tabs.len() {
            for w in [80u16, 60, 40, 24] {
                let l = layout(&tabs, cur, w);
                assert!(cols(&l) <= usize::from(w), "pane {cur} at {w}: {l:?}");
                let shown = l.tabs.iter().find(|(i, _)| *i == cur).unwrap();
                assert!(shown.1.contains(tabs[cur].full), "current in full: {l:?}");
                assert_eq!(l.left, l.tabs[0].0 > 0);
                assert_eq!(l.right, l.tabs.last().unwrap().0 < tabs.len() - 1);
            }
        }
        // The first and the last pane at 80 columns: scrolled, with markers on the hidden side only.
        let first = layout(&tabs, 0, 80);
        assert!(!first.left && first.right);
        let last = layout(&tabs, 13, 80);
        assert!(last.left && !last.right);
    }
}
