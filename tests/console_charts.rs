//! Charts in the console's lists (issue 12): the Customers list's 12-month sparkline and the Costs drill-down's
//! share bars read without colour (NO_COLOR: block characters, no colour in any cell), fall back to ASCII with
//! the ASCII symbols, and narrow or go cleanly when the terminal is narrow (text columns keep their width).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod console_common;
use console_common::*;

use billops::console::state::State;
use billops::console::theme::load_theme;
use billops_domain::Role as UserRole;
use ratatui::style::{Color, Modifier};

fn at(s: &[&str]) -> State {
    let mut st = state(UserRole::Operator);
    keys(&mut st, s);
    st
}

/// No colour in any cell; the selected row is reverse video but its chart is not (reverse video would draw the
/// bars upside down).
fn no_colour_anywhere(s: &State, selected: &str, chart: &str) {
    let t = theme_no_color();
    let term = terminal(s, &t, 80, 24);
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert!(matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset), "colour under NO_COLOR: {cell:?}");
    }
    let (y, line) = (0..24u16)
        .map(|y| (y, (0..80u16).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>()))
        .find(|(_, l)| l.contains(selected))
        .unwrap();
    let col = |needle: &str| line[..line.find(needle).unwrap()].chars().count() as u16;
    assert!(buf[(col(selected), y)].modifier.contains(Modifier::REVERSED), "the selection shows: {line}");
    let x = col(chart);
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED), "the chart keeps its video: {line}");
}

/// The row of `needle` on the screen.
fn row<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not on screen:\n{text}"))
}

#[test]
fn the_customers_sparkline_reads_without_colour_and_in_ascii() {
    let s = at(&[]);
    no_colour_anywhere(&s, "ACME", "▄▅▄▅");
    let text = screen(&s, &theme_no_color(), 80, 24);
    // ACME has cost in each of the 12 months: one block per month, the latest month the tallest
    assert!(row(&text, "ACME").contains("▄▅▄▅▆▅▆▆▆▇▆█"), "{text}");
    assert!(row(&text, "code").contains("12 mo"), "{text}");
    let ascii = load_theme(std::path::Path::new("/nonexistent"), None, true, true).unwrap();
    let text = screen(&s, &ascii, 80, 24);
    let acme = row(&text, "ACME");
    assert!(acme.contains("=+=+*+***#*@"), "ASCII heights: {acme}");
    assert!(!acme.contains('█') && !acme.contains('▄'), "{acme}");
}

#[test]
fn the_customers_sparkline_narrows_then_goes_before_names_shrink() {
    let s = at(&[]);
    let t = theme();
    // 80: all 12 months
    assert!(row(&screen(&s, &t, 80, 24), "ACME").contains("▄▅▄▅▆▅▆▆▆▇▆█"));
    // 74: the latest 6 months (its minimum), the names whole
    let text = screen(&s, &t, 74, 24);
    let acme = row(&text, "ACME");
    assert!(acme.contains("Acme Corporation") && acme.contains("▆▆▆▇▆█") && !acme.contains("▅▆▆▆▇▆█"), "{text}");
    // 70: no sparkline (nor its header), the names still whole
    let text = screen(&s, &t, 70, 24);
    assert!(!text.contains("12 mo") && !row(&text, "ACME").contains('█'), "{text}");
    assert!(row(&text, "ACME").contains("Acme Corporation"), "{text}");
    insta::assert_snapshot!("customers_narrow_70x24", text);
}

#[test]
fn the_costs_share_bars_read_without_colour_and_in_ascii() {
    let s = at(&["4"]);
    no_colour_anywhere(&s, "ACME", "████");
    let text = screen(&s, &theme_no_color(), 80, 24);
    // ACME 6,422.40 of a gross 12,354.08: 52.0%, the largest row, whose bar fills the column; the others
    // against it (GLOBEX 5,476.48: 85%); INITECH's 45.00 still shows a sliver
    let full = "█".repeat(25);
    let acme = row(&text, "ACME");
    assert!(acme.contains(&format!("52.0% {full}│")), "{text}");
    assert!(row(&text, "GLOBEX").contains(&format!("44.3% {}▍", "█".repeat(21))), "{text}");
    assert!(row(&text, "INITECH").contains("0.4% ▏"), "{text}");
    assert!(row(&text, "UMBRELLA").trim_end_matches(['│', ' ']).ends_with("100.0%"), "no cost, no share: {text}");
    let ascii = load_theme(std::path::Path::new("/nonexistent"), None, true, true).unwrap();
    let text = screen(&s, &ascii, 80, 24);
    let acme = row(&text, "ACME");
    assert!(acme.contains(&format!("52.0% {}│", "#".repeat(25))) && !acme.contains('█'), "{acme}");
}

#[test]
fn the_costs_share_narrows_to_its_percentage() {
    let s = at(&["4"]);
    let t = theme();
    let text = screen(&s, &t, 48, 24);
    let acme = row(&text, "ACME");
    assert!(acme.contains("6,422.40") && acme.contains("52.0%") && !acme.contains('█'), "{text}");
    insta::assert_snapshot!("costs_narrow_48x24", text);
}
