use super::*;

#[test]
fn codes_are_one_bounded_word() {
    assert_eq!(Code::new("customer code", "  ACME ").unwrap().as_str(), "ACME");
    assert_eq!(Code::new("customer code", &"x".repeat(CODE_MAX)).unwrap().as_str().len(), 64);
    let e = Code::new("customer code", &"x".repeat(100_000)).unwrap_err();
    assert_eq!(e.to_string(), "customer code: at most 64 characters (this one has 100000)");
    let e = Code::new("account code", "GL 4000").unwrap_err();
    assert!(e.to_string().starts_with("account code: must be one word"), "{e}");
    assert_eq!(Code::new("customer code", " ").unwrap_err().to_string(), "customer code: is empty");
    let e = Code::new("customer code", "crm\u{1b}[2J").unwrap_err();
    assert_eq!(e.to_string(), "customer code: no control characters (found U+001B)");
    let e = Code::new("funding id", "ac\u{200d}me").unwrap_err();
    assert_eq!(e.to_string(), "funding id: no invisible characters (found U+200D)");
    let e = Code::new("customer code", "acme\u{202e}lmth").unwrap_err();
    assert!(e.to_string().contains("U+202E"), "{e}");
}

#[test]
fn names_and_free_text_are_bounded_single_lines() {
    assert_eq!(Name::new("customer name", " Acme Ltd ").unwrap().as_str(), "Acme Ltd");
    assert_eq!(Name::new("customer name", "👩\u{200d}💻 Studio").unwrap().as_str(), "👩\u{200d}💻 Studio");
    let e = Name::new("customer name", &"é".repeat(NAME_MAX + 1)).unwrap_err();
    assert_eq!(e.to_string(), "customer name: at most 200 characters (this one has 201)");
    assert!(Name::new("customer name", "").is_err());
    assert!(Name::new("customer name", "a\u{7}b").unwrap_err().to_string().contains("U+0007"));
    assert!(Name::new("customer name", "a\u{9b}31m").unwrap_err().to_string().contains("U+009B"));
    assert_eq!(FreeText::new("reason", "").unwrap().as_str(), "");
    assert!(FreeText::new("reason", &"r".repeat(TEXT_MAX)).is_ok());
    let e = FreeText::new("reason", &"r".repeat(TEXT_MAX + 1)).unwrap_err();
    assert_eq!(e.to_string(), "reason: at most 2000 characters (this one has 2001)");
    assert!(FreeText::new("reason", "line one\nline two").unwrap_err().to_string().contains("U+000A"));
}

#[test]
fn visible_escapes_what_a_terminal_would_obey() {
    let hostile = "crm\u{1b}[2J\u{1b}[H\u{1b}[41mHACKED\u{1b}]2;PWNED\u{7}";
    let v = visible(hostile);
    assert_eq!(v, "crm\\x1b[2J\\x1b[H\\x1b[41mHACKED\\x1b]2;PWNED\\x07");
    assert!(!v.chars().any(char::is_control));
    assert_eq!(visible("tab\there\r\n"), "tab\\x09here\\x0d\\x0a");
    assert_eq!(visible("c1 \u{9b}31m del \u{7f}"), "c1 \\x9b31m del \\x7f");
    assert_eq!(visible("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
    // ordinary text, right-to-left scripts, joiners and marks pass untouched (borrowed, no copy)
    for s in ["Acme Ltd", "שלום", "👩\u{200d}💻", "x\u{200f}y", "=HYPERLINK(\"a\")"] {
        assert!(matches!(visible(s), Cow::Borrowed(b) if b == s), "{s}");
    }
}

#[test]
fn csv_text_guards_formula_starts_only() {
    for s in ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(csv_text(s), format!("'{s}"), "{s:?}");
    }
    for s in ["acme", " =not first", "", "a=b", "'already"] {
        assert_eq!(csv_text(s), s, "{s:?}");
    }
}

#[test]
fn numbers_are_never_altered_but_a_formula_in_a_number_column_is() {
    for s in ["-1.50", "0", "+3", "12.000000000000001", "-2.499999981899999", "1.81E-8", "1e5", "-75.0%"] {
        assert!(is_plain_number(s), "{s}");
        assert_eq!(csv_number(s), s);
    }
    for s in ["", "-", "1.", ".5", "1e", "-1+2", "=1", "1,000.00", "--1", "1.2.3", "2024-09-01"] {
        assert!(!is_plain_number(s), "{s}");
    }
    assert_eq!(csv_number("-1+2"), "'-1+2");
    assert_eq!(csv_number("=1"), "'=1");
    assert_eq!(csv_number("2024-09-01"), "2024-09-01");
    assert_eq!(csv_number("-"), "-");
    assert_eq!(csv_text("-"), "'-");
}

#[test]
fn a_count_says_its_noun_in_the_right_number() {
    assert_eq!(counted(1i64, "row", "rows"), "1 row");
    assert_eq!(counted(0usize, "row", "rows"), "0 rows");
    assert_eq!(counted(2u64, "file", "files"), "2 files");
    assert_eq!(counted(-1i64, "row", "rows"), "-1 rows");
}
