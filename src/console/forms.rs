//! Keys in an open form: edit the focused field, Tab completes (customers, payers, paths) or moves on,
//! Enter submits, Esc cancels. Submitting re-checks the role: a form never writes for a viewer.
use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::input::{Complete, common_prefix, complete_from};
use super::panes::{accounts, variance};
use super::state::{Mode, State};

pub fn key(s: &mut State, ev: KeyEvent) -> Vec<Effect> {
    let Mode::Form(form) = &mut s.mode else { return Vec::new() };
    match ev.code {
        KeyCode::Esc => {
            let goes_on = form.kind == super::action::FormKind::Imports(super::panes::imports::form::Kind::CancelJob);
            s.mode = Mode::Normal;
            if goes_on {
                s.info("the import goes on; it ends with its rows, quarantined rows and feed issues here");
            } else {
                s.info("cancelled");
            }
            Vec::new()
        }
        KeyCode::Enter => submit(s),
        KeyCode::Down => {
            form.focus = (form.focus + 1).min(form.fields.len().saturating_sub(1));
            form.candidates.clear();
            form.show_choices();
            Vec::new()
        }
        KeyCode::Up | KeyCode::BackTab => {
            form.focus = form.focus.saturating_sub(1);
            form.candidates.clear();
            form.show_choices();
            Vec::new()
        }
        KeyCode::Tab => tab(s),
        _ => {
            if let Some(f) = form.focused()
                && f.input.handle(ev)
            {
                form.clear_error();
                refresh_candidates(s);
            }
            Vec::new()
        }
    }
}

fn options(s: &State, c: Complete) -> Vec<String> {
    match c {
        Complete::Customers => accounts::customer_codes(s),
        Complete::Payers => accounts::payer_ids(s),
        Complete::Drivers => variance::driver_names(),
        Complete::Choice(values) => values.iter().map(ToString::to_string).collect(),
        Complete::None | Complete::Path => Vec::new(),
    }
}

fn refresh_candidates(s: &mut State) {
    let Mode::Form(form) = &s.mode else { return };
    let Some(field) = form.fields.get(form.focus) else { return };
    let (kind, text) = (field.complete, field.input.text());
    if matches!(kind, Complete::Choice(_)) {
        // Every value stays in view (in its order), so the field shows what it takes.
        let c: Vec<String> = options(s, kind).into_iter().take(8).collect();
        if let Mode::Form(form) = &mut s.mode {
            form.candidates = c;
        }
    } else if matches!(kind, Complete::Customers | Complete::Payers | Complete::Drivers) {
        let c = complete_from(options(s, kind), &text, 8);
        if let Mode::Form(form) = &mut s.mode {
            form.candidates = c;
        }
    }
}

fn tab(s: &mut State) -> Vec<Effect> {
    let Mode::Form(form) = &s.mode else { return Vec::new() };
    let Some(field) = form.fields.get(form.focus) else { return Vec::new() };
    let (kind, text) = (field.complete, field.input.text());
    match kind {
        Complete::None => {
            if let Mode::Form(form) = &mut s.mode {
                form.focus = (form.focus + 1) % form.fields.len().max(1);
                form.candidates.clear();
                form.show_choices();
            }
            Vec::new()
        }
        Complete::Path => {
            let req = s.req();
            if let Mode::Form(form) = &mut s.mode {
                form.pending = Some(req);
            }
            vec![Effect::CompletePath { req, input: text }]
        }
        Complete::Drivers if variance::next_driver(&text).is_some() => {
            // A whole driver name: Tab picks the next one (the picker).
            if let Mode::Form(form) = &mut s.mode
                && let Some(f) = form.focused()
            {
                f.input.set(&variance::next_driver(&text).unwrap_or_default());
                form.candidates.clear();
            }
            Vec::new()
        }
        Complete::Customers | Complete::Payers | Complete::Drivers | Complete::Choice(_) => {
            let c = complete_from(options(s, kind), &text, 8);
            if let Mode::Form(form) = &mut s.mode {
                match c.len() {
                    0 => form.focus = (form.focus + 1) % form.fields.len().max(1),
                    1 => {
                        if let Some(f) = form.focused() {
                            if f.input.text() == c[0] {
                                form.focus = (form.focus + 1) % form.fields.len().max(1);
                            } else {
                                f.input.set(&c[0]);
                            }
                        }
                    }
                    _ => {
                        let p = common_prefix(&c);
                        if let Some(f) = form.focused()
                            && p.len() > text.len()
                        {
                            f.input.set(&p);
                        }
                    }
                }
                form.candidates = c;
            }
            Vec::new()
        }
    }
}

/// A path completion came back; apply it if the field still holds what was completed.
pub fn path_completions(s: &mut State, req: u64, input: &str, candidates: Vec<String>) {
    let Mode::Form(form) = &mut s.mode else { return };
    if form.pending != Some(req) {
        return;
    }
    form.pending = None;
    let Some(field) = form.fields.get_mut(form.focus) else { return };
    if field.input.text() != input {
        return;
    }
    match candidates.len() {
        0 => form.error = Some(format!("no file or folder matches {input:?}")),
        1 => field.input.set(&candidates[0]),
        _ => {
            let p = common_prefix(&candidates);
            if p.len() > input.len() {
                field.input.set(&p);
            }
        }
    }
    form.candidates = candidates.into_iter().take(8).collect();
}

fn submit(s: &mut State) -> Vec<Effect> {
    let Mode::Form(form) = &s.mode else { return Vec::new() };
    let sent = form.clone();
    // The role again: a form never writes for a user who may not.
    if let Some(why) = sent.kind.refusal(s) {
        s.mode = Mode::Normal;
        s.warn(why);
        return Vec::new();
    }
    match sent.kind.submit(s, &sent) {
        Ok(fx) => {
            // A submit that opened its next step (a confirmation after the fields) leaves that one open.
            if matches!(&s.mode, Mode::Form(f) if f.kind == sent.kind) {
                s.mode = Mode::Normal;
            }
            // Kept until the write's answer: a refusal that concerns a field reopens the form there.
            s.sent_form = fx.iter().find_map(|e| match e {
                Effect::Write { req, .. } => Some((*req, sent.clone())),
                _ => None,
            });
            fx
        }
        Err(e) => {
            if let Mode::Form(form) = &mut s.mode {
                form.fail(e);
            }
            Vec::new()
        }
    }
}
