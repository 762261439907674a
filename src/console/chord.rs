//! Key chords: a key with its modifiers as the keymap binds it (`ctrl-c`, `G`, `f5`), parsed from and shown
//! as text, and turned back into a key event (tests, the palette).
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, normalised (shift folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// The subset of key codes that can be bound (orderable, hashable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Chord {
    pub fn from_event(ev: &KeyEvent) -> Option<Chord> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeKey::BackTab,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Insert => KeyCodeKey::Insert,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            _ => return None,
        };
        Some(Chord {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// The crossterm event this chord stands for (tests and the palette use it).
    pub fn to_event(self) -> KeyEvent {
        let code = match self.code {
            KeyCodeKey::Char(c) => KeyCode::Char(c),
            KeyCodeKey::F(n) => KeyCode::F(n),
            KeyCodeKey::Enter => KeyCode::Enter,
            KeyCodeKey::Esc => KeyCode::Esc,
            KeyCodeKey::Tab => KeyCode::Tab,
            KeyCodeKey::BackTab => KeyCode::BackTab,
            KeyCodeKey::Backspace => KeyCode::Backspace,
            KeyCodeKey::Delete => KeyCode::Delete,
            KeyCodeKey::Insert => KeyCode::Insert,
            KeyCodeKey::Up => KeyCode::Up,
            KeyCodeKey::Down => KeyCode::Down,
            KeyCodeKey::Left => KeyCode::Left,
            KeyCodeKey::Right => KeyCode::Right,
            KeyCodeKey::PageUp => KeyCode::PageUp,
            KeyCodeKey::PageDown => KeyCode::PageDown,
            KeyCodeKey::Home => KeyCode::Home,
            KeyCodeKey::End => KeyCode::End,
        };
        let mut m = KeyModifiers::NONE;
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        if matches!(self.code, KeyCodeKey::BackTab) {
            m |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(code, m)
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "f{n}"),
            KeyCodeKey::Enter => f.write_str("enter"),
            KeyCodeKey::Esc => f.write_str("esc"),
            KeyCodeKey::Tab => f.write_str("tab"),
            KeyCodeKey::BackTab => f.write_str("shift-tab"),
            KeyCodeKey::Backspace => f.write_str("backspace"),
            KeyCodeKey::Delete => f.write_str("delete"),
            KeyCodeKey::Insert => f.write_str("insert"),
            KeyCodeKey::Up => f.write_str("↑"),
            KeyCodeKey::Down => f.write_str("↓"),
            KeyCodeKey::Left => f.write_str("←"),
            KeyCodeKey::Right => f.write_str("→"),
            KeyCodeKey::PageUp => f.write_str("pageup"),
            KeyCodeKey::PageDown => f.write_str("pagedown"),
            KeyCodeKey::Home => f.write_str("home"),
            KeyCodeKey::End => f.write_str("end"),
        }
    }
}

/// Parse `q`, `G`, `ctrl-c`, `alt-x`, `enter`, `shift-tab`, `f5`, `space`, `pageup`.
pub fn parse_chord(s: &str) -> Result<Chord, String> {
    let bad = || format!("bad key {s:?} (examples: \"q\", \"G\", \"ctrl-c\", \"alt-x\", \"enter\", \"f5\", \"space\")");
    let mut rest = s;
    let (mut ctrl, mut alt, mut shift) = (false, false, false);
    loop {
        let lower = rest.to_ascii_lowercase();
        if rest.chars().count() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
            ctrl = true;
            rest = &rest[5..];
        } else if rest.chars().count() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
            alt = true;
            rest = &rest[4..];
        } else if rest.chars().count() > 1 && (lower.starts_with("shift-") || lower.starts_with("shift+")) {
            shift = true;
            rest = &rest[6..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(bad()),
        (Some(c), None) => {
            let c = if shift { c.to_ascii_uppercase() } else { c };
            KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c })
        }
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCodeKey::Enter,
            "esc" | "escape" => KeyCodeKey::Esc,
            "tab" if shift => KeyCodeKey::BackTab,
            "tab" => KeyCodeKey::Tab,
            "backtab" => KeyCodeKey::BackTab,
            "space" => KeyCodeKey::Char(' '),
            "backspace" => KeyCodeKey::Backspace,
            "delete" | "del" => KeyCodeKey::Delete,
            "insert" | "ins" => KeyCodeKey::Insert,
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "pageup" | "pgup" => KeyCodeKey::PageUp,
            "pagedown" | "pgdn" => KeyCodeKey::PageDown,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            f if f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n) if (1..=12).contains(&n) => KeyCodeKey::F(n),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        },
    };
    Ok(Chord { code, ctrl, alt })
}
