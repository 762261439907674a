//! Pure rendering: `render(frame, &State, &Theme)` draws the frame (status, tabs, message, footer, overlays)
//! and asks the shown pane to draw its body (`panes/NAME/view.rs`). No store, clock or environment here.

pub mod detail;
mod overlay;
pub mod table;
pub mod tabs;
pub(crate) mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::{BINDINGS, Cmd, Scope};
use super::pane::PaneId;
use super::state::{Load, Mode, State};
use super::theme::{Role, Theme};

pub fn render(f: &mut Frame, s: &State, theme: &Theme) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    if area.height < 4 {
        // Too small for the frame: the status line only.
        f.render_widget(Paragraph::new(status_line(s, theme)).style(theme.style(Role::Status)), area);
        return;
    }
    let [status, tabs, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(status_line(s, theme)).style(theme.style(Role::Status)), status);
    f.render_widget(Paragraph::new(tabs::line(s, theme, area.width)), tabs);
    s.pane.pane().render(f, body, s, theme);
    message_line(f, message, s, theme);
    match &s.mode {
        Mode::Filter { input, .. } => overlay::prompt(f, footer, "/", input, theme),
        Mode::Palette { input, candidates } => {
            overlay::prompt(f, footer, ":", input, theme);
            overlay::candidates(f, footer, candidates, theme);
        }
        _ => f.render_widget(Paragraph::new(hints_line(s, theme, footer.width)), footer),
    }
    match &s.mode {
        Mode::Help { scroll } => overlay::help(f, area, s, *scroll, theme),
        Mode::Messages { scroll } => overlay::messages(f, area, s, *scroll, theme),
        Mode::Form(form) => overlay::form(f, area, form, theme),
        Mode::Balance { customer, data } => overlay::balance(f, area, customer, data, theme),
        _ => {}
    }
}

fn status_line(s: &State, theme: &Theme) -> Line<'static> {
    let sep = format!(" {} ", theme.symbols.sep);
    let period = match (&s.periods, s.period) {
        (_, Some(p)) => format!("period {p}"),
        (p, None) if matches!(p, Load::Failed(_)) || p.ready().is_some() => "no period".into(),
        _ => "period …".into(),
    };
    let st = theme.style(Role::Status);
    let mut spans = vec![
        Span::styled(" billops", st),
        Span::styled(sep.clone(), st),
        Span::styled(period, st),
        Span::styled(sep.clone(), st),
        Span::styled(
            format!("{} ({})", if s.user.name.is_empty() { "no identity" } else { &s.user.name }, s.user.role),
            st,
        ),
        Span::styled(sep.clone(), st),
    ];
    if let Some(l) = s.period_lock() {
        spans.push(Span::styled(format!("LOCKED {} ({})", l.period, l.locked_by), theme.style(Role::Locked)));
        spans.push(Span::styled(sep.clone(), st));
    }
    if s.watch.stale {
        let key = s.keymap.label(Cmd::Refresh);
        spans.push(Span::styled(format!("STALE: changed elsewhere, {key} reloads"), theme.style(Role::Warning)));
        spans.push(Span::styled(sep.clone(), st));
    }
    if s.write_refusal().is_some() {
        let label = if s.read_only { "READ-ONLY" } else { "VIEWER: READ-ONLY" };
        spans.push(Span::styled(label, theme.style(Role::ReadOnly)));
        spans.push(Span::styled(sep, st));
    }
    spans.push(Span::styled(s.store_url.clone(), st));
    Line::from(spans)
}

fn message_line(f: &mut Frame, area: Rect, s: &State, theme: &Theme) {
    // A pane's running job (an import, draft generation) takes the line while it runs.
    if PaneId::ALL.iter().any(|p| p.pane().job_line(f, area, s, theme)) {
        return;
    }
    if let Some(m) = &s.message {
        // A message longer than the line ends with where to read it whole.
        let w = usize::from(area.width);
        let text = if m.text.chars().count() > w {
            let more = format!("… {} reads all", s.keymap.label(Cmd::Messages));
            let keep = w.saturating_sub(more.chars().count());
            format!("{}{more}", m.text.chars().take(keep).collect::<String>())
        } else {
            m.text.clone()
        };
        f.render_widget(Paragraph::new(Span::styled(text, theme.style(m.role))), area);
    }
}

/// Footer hints, generated from the key table for the current pane; `esc` back (where the screen has it),
/// `:` the palette, `?` help and `q` quit always end it, the other hints fill what is left of `width`.
pub fn hints_line(s: &State, theme: &Theme, width: u16) -> Line<'static> {
    let mut hints: Vec<(String, &'static str)> = Vec::new();
    let pane_first =
        BINDINGS.iter().filter(|b| b.scope == Scope::Pane).chain(BINDINGS.iter().filter(|b| b.scope != Scope::Pane));
    let scope = s.pane.pane().scope(s);
    for b in pane_first {
        let Some(hint) = b.hint else { continue };
        // Pane and screen keys: only where the screen shown lists them.
        if b.scope != Scope::Global && !scope.is_some_and(|k| k.cmds.contains(&b.cmd)) {
            continue;
        }
        let keys = s.keymap.keys_of(b.cmd);
        let Some(k) = keys.first() else { continue };
        let label = if b.cmd == Cmd::PrevPeriod {
            let next = s.keymap.keys_of(Cmd::NextPeriod).first().map(ToString::to_string).unwrap_or_default();
            format!("{k}{next}")
        } else {
            k.to_string()
        };
        hints.push((label, hint));
    }
    // Kept whatever the width (issue 16): the way back, the palette (every command by name), help and quit;
    // pane keys and the rest fill what is left in table order (all of them are in `?` help).
    let is_key = |c: Cmd, h: &(String, &str)| s.keymap.keys_of(c).first().is_some_and(|k| k.to_string() == h.0);
    let is_always = |h: &(String, &str)| [Cmd::Back, Cmd::Palette, Cmd::Help, Cmd::Quit].iter().any(|c| is_key(*c, h));
    let (mut last, mut rest): (Vec<_>, Vec<_>) = hints.into_iter().partition(is_always);
    // back, palette, help, quit: in that order at the end
    last.sort_by_key(|h| [Cmd::Back, Cmd::Palette, Cmd::Help, Cmd::Quit].iter().position(|c| is_key(*c, h)));
    let len = |h: &(String, &str)| h.0.chars().count() + h.1.chars().count() + 3;
    let budget = usize::from(width).saturating_sub(last.iter().map(len).sum());
    let mut used = 0;
    rest.retain(|h| {
        used += len(h);
        used <= budget
    });
    let mut spans = Vec::new();
    for (label, hint) in rest.into_iter().chain(last) {
        spans.push(Span::styled(label, theme.style(Role::Key)));
        spans.push(Span::styled(format!(" {hint}  "), theme.style(Role::Muted)));
    }
    Line::from(spans)
}
