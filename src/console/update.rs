//! `update(&mut State, Action) -> Vec<Effect>`: the only place state changes. Never awaits, never does IO.
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::action::{Action, Effect, Reply};
use super::forms;
use super::input::{FieldError, Input};
use super::keys::Cmd;
use super::palette;
use super::pane::Failure;
use super::pane::PaneId;
use super::panes;
use super::refusal::{EffectError, Refusal};
use super::state::{Load, Mode, State, ViewKey};
use super::table;

/// First effects when the console starts: the periods (then the first pane loads).
pub fn start(s: &mut State) -> Vec<Effect> {
    let req = s.req();
    s.periods.start(req);
    let locks = s.req();
    s.locks.start(locks);
    vec![Effect::Periods { req }, Effect::Locks { req: locks }]
}

pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(ev) => key(s, ev),
        Action::Cmd(c) => cmd(s, c),
        Action::Paste(text) => {
            match &mut s.mode {
                Mode::Filter { input, .. } => {
                    input.paste(&text);
                    let f = input.text();
                    set_filter(s, f);
                }
                Mode::Palette { input, .. } => input.paste(&text),
                Mode::Form(f) => {
                    if let Some(field) = f.focused() {
                        field.input.paste(&text);
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Action::Poll => super::watch::poll(s),
        Action::Pushed => super::watch::pushed(s),
        Action::Now(t) => {
            s.now = t;
            Vec::new()
        }
        Action::Reply { req, result } => reply(s, req, result),
    }
}

fn key(s: &mut State, ev: KeyEvent) -> Vec<Effect> {
    if ev.kind == KeyEventKind::Release {
        return Vec::new();
    }
    match &mut s.mode {
        Mode::Normal => {
            s.message = None;
            // `'` + a pane's letter jumps to the pane; any other key cancels and does what it does.
            if std::mem::take(&mut s.goto)
                && let KeyCode::Char(c) = ev.code
                && let Some(p) = PaneId::from_goto(c)
            {
                return switch(s, p);
            }
            match s.keymap.lookup(s.pane.pane().scope(s), &ev) {
                Some(c) => cmd(s, c),
                None => Vec::new(),
            }
        }
        Mode::Help { scroll } | Mode::Messages { scroll } => {
            match ev.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::PageDown => *scroll = scroll.saturating_add(10),
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                _ => s.mode = Mode::Normal,
            }
            Vec::new()
        }
        Mode::Filter { input, before } => {
            match ev.code {
                KeyCode::Esc => {
                    let b = before.clone();
                    s.mode = Mode::Normal;
                    set_filter(s, b);
                }
                KeyCode::Enter | KeyCode::Down | KeyCode::Up => {
                    s.mode = Mode::Normal;
                }
                _ => {
                    if input.handle(ev) {
                        let f = input.text();
                        set_filter(s, f);
                    }
                }
            }
            Vec::new()
        }
        Mode::Palette { .. } => palette::key(s, ev),
        Mode::Form(_) => forms::key(s, ev),
        Mode::Balance { .. } => {
            s.mode = Mode::Normal;
            Vec::new()
        }
    }
}

/// Set the filter of the current list and refilter it.
pub fn set_filter(s: &mut State, f: String) {
    let key = s.current_view();
    let v = s.view_mut(key);
    v.vs.filter = f;
    let super::state::View { model, vs } = v;
    vs.rebuild(model);
}

fn switch(s: &mut State, pane: PaneId) -> Vec<Effect> {
    s.pane = pane;
    panes::ensure(s, pane)
}

pub fn cmd(s: &mut State, c: Cmd) -> Vec<Effect> {
    match c {
        // Never quit under a running import (it would commit after the screen is gone): ask first.
        Cmd::Quit if s.panes.imports.job.is_some() => panes::imports::form::ask_cancel(s),
        Cmd::Quit => {
            s.quit = true;
            vec![Effect::Quit]
        }
        Cmd::Help => {
            s.mode = Mode::Help { scroll: 0 };
            Vec::new()
        }
        Cmd::Messages => {
            s.mode = Mode::Messages { scroll: 0 };
            Vec::new()
        }
        Cmd::Palette => {
            s.mode = Mode::Palette { input: Input::default(), candidates: palette::complete(s, "") };
            Vec::new()
        }
        Cmd::Filter => {
            let before = s.view(s.current_view()).map(|v| v.vs.filter.clone()).unwrap_or_default();
            s.mode = Mode::Filter { input: Input::new(&before), before };
            Vec::new()
        }
        Cmd::Export => export(s),
        Cmd::Refresh => {
            s.watch.stale = false;
            s.watch.changed.clear();
            let mut fx = start(s);
            fx.extend(panes::invalidate_all(s));
            s.info("reloading");
            fx
        }
        Cmd::GotoPane => {
            s.goto = true;
            let letters: Vec<String> =
                PaneId::ALL.iter().map(|p| format!("{} {}", p.pane().goto(), p.slug())).collect();
            s.info(format!("go to pane: {}", letters.join("  ")));
            Vec::new()
        }
        Cmd::NextPane => switch(s, s.pane.next()),
        Cmd::PrevPane => switch(s, s.pane.prev()),
        Cmd::PaneClose => switch(s, PaneId::Close),
        Cmd::PaneCustomers => switch(s, PaneId::Customers),
        Cmd::PaneAccounts => switch(s, PaneId::Accounts),
        Cmd::PaneCosts => switch(s, PaneId::Costs),
        Cmd::PaneInvoices => switch(s, PaneId::Invoices),
        Cmd::PaneCredits => switch(s, PaneId::Credits),
        Cmd::PaneRecon => switch(s, PaneId::Recon),
        Cmd::PaneImports => switch(s, PaneId::Imports),
        Cmd::PaneAudit => switch(s, PaneId::Audit),
        Cmd::Up => nav(s, |vs| vs.move_by(-1)),
        Cmd::Down => nav(s, |vs| vs.move_by(1)),
        Cmd::PageUp | Cmd::PageDown if s.pane.pane().page(s, c == Cmd::PageDown) => Vec::new(),
        Cmd::PageUp => {
            let page = page(s);
            nav(s, |vs| vs.move_by(-page))
        }
        Cmd::PageDown => {
            let page = page(s);
            nav(s, |vs| vs.move_by(page))
        }
        Cmd::Top => nav(s, table::ViewState::top),
        Cmd::Bottom => nav(s, table::ViewState::bottom),
        Cmd::PrevPeriod | Cmd::NextPeriod => {
            let p = s.period_or_now();
            s.period = Some(if c == Cmd::PrevPeriod { p.prev() } else { p.next() });
            panes::period_changed(s)
        }
        Cmd::Sort => {
            let key = s.current_view();
            let v = s.view_mut(key);
            let super::state::View { model, vs } = v;
            vs.cycle_sort(model);
            let text = match vs.sort {
                Some((col, desc)) => format!(
                    "sorted by {} {}",
                    model.columns.get(col).map_or("", |c| c.name),
                    if desc { "descending" } else { "ascending" }
                ),
                None => "original order".to_string(),
            };
            s.info(text);
            Vec::new()
        }
        // Everything else belongs to the pane shown: open / back / switch view and its own keys (a new
        // pane's command needs no line here).
        _ => match s.pane.pane().cmd(s, c) {
            Some(fx) => fx,
            None if c == Cmd::Back => back(s),
            None => Vec::new(),
        },
    }
}

fn page(s: &State) -> isize {
    isize::try_from(s.size.1.saturating_sub(8).max(1)).unwrap_or(1)
}

fn nav(s: &mut State, f: impl FnOnce(&mut table::ViewState)) -> Vec<Effect> {
    let key = s.current_view();
    f(&mut s.view_mut(key).vs);
    Vec::new()
}

/// Esc where the pane has nothing to close: clear the filter.
fn back(s: &mut State) -> Vec<Effect> {
    let key = s.current_view();
    if s.view(key).is_some_and(|v| !v.vs.filter.is_empty()) {
        set_filter(s, String::new());
        s.info("filter cleared");
    }
    Vec::new()
}

fn export(s: &mut State) -> Vec<Effect> {
    if let Some(fx) = s.pane.pane().export(s) {
        return fx;
    }
    let key = s.current_view();
    let Some(v) = s.view(key) else {
        s.warn("nothing to export yet");
        return Vec::new();
    };
    match table::to_csv(&v.model, &v.vs) {
        Ok(csv) => {
            let rows = v.vs.visible.len();
            let req = s.req();
            s.pending.push(req);
            // `<pane>` for a pane's main list, `<pane>-<list>` for its other lists.
            let name = if key.title() == s.pane.slug() || key == ViewKey::Costs || key == ViewKey::Batches {
                s.pane.slug().to_string()
            } else {
                format!("{}-{}", s.pane.slug(), key.title())
            };
            vec![Effect::Export { req, pane: name, period: s.period_or_now().to_string(), csv, rows }]
        }
        Err(e) => {
            s.error(format!("export failed: {e}"));
            Vec::new()
        }
    }
}

fn reply(s: &mut State, req: u64, result: Result<Reply, EffectError>) -> Vec<Effect> {
    let r = match result {
        Ok(r) => r,
        Err(e) => return failed(s, req, e),
    };
    match r {
        Reply::Periods(ps) => {
            if !s.periods.waits_for(req) {
                return Vec::new();
            }
            if s.period.is_none() {
                s.period = Some(ps.first().copied().unwrap_or_else(|| s.period_or_now()));
            }
            s.periods = Load::Ready(ps);
            panes::ensure(s, s.pane)
        }
        Reply::Pane(r) => r.land(s, req),
        Reply::Written(text) => {
            s.pending.retain(|r| *r != req);
            super::watch::wrote(s);
            if s.sent_form.as_ref().is_some_and(|(r, _)| *r == req) {
                s.sent_form = None;
            }
            s.info(text);
            let locks = s.req();
            s.locks.start(locks);
            let mut fx = vec![Effect::Locks { req: locks }];
            fx.extend(panes::invalidate_all(s));
            fx
        }
        Reply::Exported { path, rows } => {
            s.pending.retain(|r| *r != req);
            s.info(format!("exported {rows} rows to {}", path.display()));
            Vec::new()
        }
        Reply::PathCompletions { input, candidates } => {
            forms::path_completions(s, req, &input, candidates);
            Vec::new()
        }
        // The import job is the console's effect; where its answers land is the Imports pane's business.
        Reply::ImportProgress(p) => {
            panes::imports::io::progress(s, req, p);
            Vec::new()
        }
        Reply::ImportDone(lines) => panes::imports::io::done(s, req, lines),
        Reply::Locks(ls) => {
            if s.locks.waits_for(req) {
                s.locks = Load::Ready(ls);
            }
            Vec::new()
        }
        Reply::Changes(c) => super::watch::landed(s, req, c),
        Reply::Balance(b) => {
            if let Mode::Balance { data, .. } = &mut s.mode
                && data.waits_for(req)
            {
                *data = Load::Ready(b);
            }
            Vec::new()
        }
    }
}

/// An effect failed: the slot waiting for it shows the error; other failures go to the message line.
fn failed(s: &mut State, req: u64, e: EffectError) -> Vec<Effect> {
    if super::watch::failed(s, req) {
        return Vec::new();
    }
    let mut hit = false;
    macro_rules! fail {
        ($slot:expr) => {
            if $slot.waits_for(req) {
                $slot = Load::Failed(e.text.clone());
                hit = true;
            }
        };
    }
    fail!(s.periods);
    fail!(s.locks);
    if let Mode::Balance { data, .. } = &mut s.mode {
        fail!(*data);
    }
    match panes::failed(s, req, &e) {
        Failure::Reported => return Vec::new(),
        Failure::Shown => hit = true,
        Failure::NotMine => {}
    }
    if let Mode::Form(f) = &mut s.mode
        && f.pending == Some(req)
    {
        f.pending = None;
        return Vec::new();
    }
    let was_pending = s.pending.contains(&req);
    s.pending.retain(|r| *r != req);
    let field = e.field();
    if !hit || was_pending {
        s.error(e.text.clone());
    }
    if was_pending && !hit {
        // A refused write (locked, stale, forbidden, maker-checker …): show what the store holds now, and
        // when the input can be corrected (invalid, a clash, not found) reopen the form that sent it with what
        // was typed and the message at the field it concerns (else under the form). Locked, stale, forbidden
        // and maker-checker refusals (and failures) close it: no edit of the input helps there.
        let correctable = matches!(e.refusal, Refusal::Invalid { .. } | Refusal::Conflict | Refusal::NotFound);
        if let Some((_, mut form)) = s.sent_form.take().filter(|(r, _)| *r == req)
            && correctable
        {
            form.fail(FieldError { field, text: e.text });
            s.mode = Mode::Form(form);
        }
        return panes::invalidate_all(s);
    }
    if s.periods.waits_for(req) || matches!(s.periods, Load::Failed(_)) {
        // Without periods, still show the panes for the clock's month.
        if s.period.is_none() {
            s.period = Some(s.period_or_now());
            return panes::ensure(s, s.pane);
        }
    }
    Vec::new()
}
