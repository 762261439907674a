//! Unit tests of the key table and keymap (kept apart so `keys.rs` stays one screen of data).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn names_match_serde_and_defaults_parse() {
    for b in BINDINGS {
        let serde_name = serde_json::to_string(&b.cmd).unwrap();
        assert_eq!(serde_name, format!("\"{}\"", b.name));
        for k in b.keys {
            parse_chord(k).unwrap();
        }
    }
    Keymap::default().check_conflicts().unwrap();
}

#[test]
fn chords_parse_and_print() {
    assert_eq!(parse_chord("ctrl-c").unwrap().to_string(), "ctrl-c");
    assert_eq!(parse_chord("G").unwrap().code, KeyCodeKey::Char('G'));
    assert_eq!(parse_chord("shift-tab").unwrap().code, KeyCodeKey::BackTab);
    assert_eq!(parse_chord("-").unwrap().code, KeyCodeKey::Char('-'));
    assert_eq!(parse_chord("f5").unwrap().code, KeyCodeKey::F(5));
    assert!(parse_chord("ctrl-").is_err());
    assert!(parse_chord("f13").is_err());
    assert!(parse_chord("hyper-x").is_err());
    assert!(parse_chord("").is_err());
}

#[test]
fn patch_and_errors() {
    let p = Path::new("/cfg/keys.toml");
    let m = Keymap::from_toml("[keys]\nexport = [\"ctrl-e\"]\n", p).unwrap();
    let ev = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert_eq!(m.lookup(PaneId::Costs.pane().keys().first(), &ev), Some(Cmd::Export));
    let e = Keymap::from_toml("[keys]\nexprot = \"x\"\n", p).unwrap_err();
    assert!(e.contains("/cfg/keys.toml") && e.contains("keys.exprot"), "{e}");
    let e = Keymap::from_toml("[keys]\nquit = \"ctrl-\"\n", p).unwrap_err();
    assert!(e.contains("keys.quit") && e.contains("bad key"), "{e}");
    let e = Keymap::from_toml("[keys]\nexport = \"e\"\n", p).unwrap_err();
    assert!(e.contains("keys.export") && e.contains("edit"), "{e}");
    let e = Keymap::from_toml("[bindings]\n", p).unwrap_err();
    assert!(e.contains("/cfg/keys.toml") && e.contains("bindings"), "{e}");
}
