//! The `:` command palette: parse, complete and run commands. Pure (it only changes state and asks for
//! effects), so the same commands could later come from a script.
use billops_domain::Period;
use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::input::{common_prefix, complete_from};
use super::keys::Cmd;
use super::pane::PaneId;
use super::panes::{self, accounts, costs, customers, imports};
use super::state::{Mode, State};
use super::update::{cmd, set_filter};

/// Commands with their argument kinds and a one-line description (shown by completion and `?`).
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("cust", "CUSTOMER", "open a customer"),
    ("costs", "[CUSTOMER] [PERIOD]", "cost drill-down, optionally for a customer and period"),
    ("bal", "CUSTOMER", "a customer's balance, overdue, last invoice and payment"),
    ("period", "YYYY-MM", "show another period"),
    ("pane", "NAME", "switch pane by name or prefix (Tab lists them)"),
    ("filter", "TEXT", "filter the current list"),
    ("import", "PATH", "import a file or folder"),
    ("export", "", "export the current list as CSV"),
    ("help", "", "keys of this pane"),
    ("q", "", "quit"),
];

fn customer_codes(s: &State) -> Vec<String> {
    accounts::customer_codes(s)
}

fn periods(s: &State) -> Vec<String> {
    s.periods.ready().map(|ps| ps.iter().map(ToString::to_string).collect()).unwrap_or_default()
}

/// Completions of the whole input line, as full command lines.
pub fn complete(s: &State, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let trailing_space = line.ends_with(' ');
    let (done, last): (Vec<&str>, &str) = if trailing_space || words.is_empty() {
        (words.clone(), "")
    } else {
        (words[..words.len() - 1].to_vec(), words[words.len() - 1])
    };
    let prefix = if done.is_empty() { String::new() } else { format!("{} ", done.join(" ")) };
    let options: Vec<String> = match done.first().copied() {
        None => COMMANDS.iter().map(|(c, _, _)| (*c).to_string()).collect(),
        Some("cust" | "customer" | "bal" | "balance") if done.len() == 1 => customer_codes(s),
        Some("costs") if done.len() == 1 => {
            let mut v = customer_codes(s);
            v.extend(periods(s));
            v
        }
        Some("costs") if done.len() == 2 => periods(s),
        Some("period") if done.len() == 1 => periods(s),
        Some("pane") if done.len() == 1 => PaneId::ALL.iter().map(|p| p.slug().to_string()).collect(),
        _ => Vec::new(),
    };
    complete_from(options, last, 12).into_iter().map(|o| format!("{prefix}{o}")).collect()
}

pub fn key(s: &mut State, ev: KeyEvent) -> Vec<Effect> {
    let Mode::Palette { input, candidates } = &mut s.mode else { return Vec::new() };
    match ev.code {
        KeyCode::Esc => {
            s.mode = Mode::Normal;
            Vec::new()
        }
        KeyCode::Enter => {
            let line = input.text();
            s.mode = Mode::Normal;
            run(s, &line)
        }
        KeyCode::Tab => {
            let line = input.text();
            let c = complete(s, &line);
            let new = match c.len() {
                0 => line,
                1 => format!("{} ", c[0]),
                _ => {
                    let p = common_prefix(&c);
                    if p.len() > line.len() { p } else { line }
                }
            };
            if let Mode::Palette { input, candidates } = &mut s.mode {
                input.set(&new);
                *candidates = c;
            }
            Vec::new()
        }
        _ => {
            if input.handle(ev) {
                let line = input.text();
                *candidates = Vec::new();
                let c = complete(s, &line);
                if let Mode::Palette { candidates, .. } = &mut s.mode {
                    *candidates = c;
                }
            }
            Vec::new()
        }
    }
}

fn find_customer(s: &State, arg: &str) -> Option<String> {
    let codes = customer_codes(s);
    if codes.is_empty() {
        return Some(arg.to_string());
    }
    codes.iter().find(|c| c.eq_ignore_ascii_case(arg)).cloned().or_else(|| {
        let m = complete_from(codes.clone(), arg, 2);
        (m.len() == 1).then(|| m[0].clone())
    })
}

/// Run one palette line.
pub fn run(s: &mut State, line: &str) -> Vec<Effect> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((&head, args)) = words.split_first() else { return Vec::new() };
    let rest = line.trim_start().get(head.len()..).unwrap_or("").trim();
    match head {
        "q" | "quit" | "q!" => cmd(s, Cmd::Quit),
        "help" | "?" => cmd(s, Cmd::Help),
        "export" | "x" => cmd(s, Cmd::Export),
        "filter" => {
            set_filter(s, rest.to_string());
            Vec::new()
        }
        "period" => match args.first().map(|a| a.parse::<Period>()) {
            Some(Ok(p)) => {
                s.period = Some(p);
                s.info(format!("period {p}"));
                panes::period_changed(s)
            }
            _ => {
                s.error(format!("period: expected YYYY-MM, got {rest:?}"));
                Vec::new()
            }
        },
        "pane" => match args.first().and_then(|a| PaneId::from_slug(a)) {
            Some(p) => {
                s.pane = p;
                panes::ensure(s, p)
            }
            None => {
                s.error(format!("pane: no pane {rest:?}"));
                Vec::new()
            }
        },
        "bal" | "balance" => {
            let Some(arg) = args.first() else {
                s.error("bal: which customer? (:bal CUSTOMER, Tab completes)");
                return Vec::new();
            };
            match find_customer(s, arg) {
                Some(customer) => {
                    let req = s.req();
                    s.mode = Mode::Balance { customer: customer.clone(), data: super::state::Load::Loading(req) };
                    vec![Effect::Balance { req, customer, today: s.today() }]
                }
                None => {
                    s.error(format!("bal: no customer {arg:?} (Tab completes)"));
                    Vec::new()
                }
            }
        }
        "cust" | "customer" => {
            let Some(arg) = args.first() else {
                s.pane = PaneId::Customers;
                return panes::ensure(s, PaneId::Customers);
            };
            match find_customer(s, arg) {
                Some(code) => {
                    s.pane = PaneId::Customers;
                    let mut fx = panes::ensure(s, PaneId::Customers);
                    fx.extend(customers::open(s, code));
                    fx
                }
                None => {
                    s.error(format!("cust: no customer {arg:?} (Tab completes)"));
                    Vec::new()
                }
            }
        }
        "costs" => {
            let mut code = None;
            for a in args {
                if let Ok(p) = a.parse::<Period>() {
                    s.period = Some(p);
                } else {
                    match find_customer(s, a) {
                        Some(c) => code = Some(c),
                        None => {
                            s.error(format!("costs: no customer {a:?}"));
                            return Vec::new();
                        }
                    }
                }
            }
            s.pane = PaneId::Costs;
            let mut fx = panes::period_changed(s);
            if let Some(c) = code {
                fx.retain(|e| !matches!(e, Effect::Pane { q: super::action::PaneQuery::Costs(_), .. }));
                fx.extend(costs::goto_customer(s, &c));
            } else if !args.is_empty() {
                // period only: keep the drill path
            }
            fx
        }
        "import" => {
            if let Some(why) = s.write_refusal() {
                s.warn(why);
                return Vec::new();
            }
            s.pane = PaneId::Imports;
            let mut fx = panes::ensure(s, PaneId::Imports);
            match imports::form::start_import(s, rest) {
                Ok(more) => fx.extend(more),
                Err(e) => s.error(format!("import: {e}")),
            }
            fx
        }
        other => {
            s.error(format!("unknown command {other:?} (Tab lists commands)"));
            Vec::new()
        }
    }
}
