//! Text typed by a person and text on its way out. Hand-typed fields are bounded and refuse control characters
//! (checked here, so the CLI and the console get the same refusals); text that leaves billops — to a terminal,
//! to a spreadsheet — goes through [`visible`] or [`csv_text`], because a customer controls its own tags and
//! resource names: every imported string is hostile.
use std::borrow::Cow;
use std::fmt;

/// Codes (customer code, account code, funding id, …): one word of at most this many characters.
pub const CODE_MAX: usize = 64;
/// Names (customer name, rule name, label, …): at most this many characters.
pub const NAME_MAX: usize = 200;
/// Free text (reasons, notes, explanations): at most this many characters.
pub const TEXT_MAX: usize = 2000;

/// A refused field: which field, and why (the limit it broke).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for FieldError {}

fn refuse<T>(field: &str, problem: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError { field: field.to_string(), problem: problem.into() })
}

/// Characters that reorder or hide text on screen (bidirectional embeddings, overrides and isolates; line and
/// paragraph separators): a name holding one can display as something else.
fn is_reordering(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Invisible characters: zero-width spaces and joiners, direction marks, word joiner, byte-order mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
}

/// Control characters: C0, DEL and C1 (U+009B is a terminal's CSI).
pub fn is_control(c: char) -> bool {
    c.is_control()
}

fn bounded(field: &str, s: &str, max: usize) -> Result<(), FieldError> {
    let n = s.chars().count();
    if n > max {
        return refuse(field, format!("at most {max} characters (this one has {n})"));
    }
    if let Some(c) = s.chars().find(|&c| is_control(c)) {
        return refuse(field, format!("no control characters (found U+{:04X})", u32::from(c)));
    }
    if let Some(c) = s.chars().find(|&c| is_reordering(c)) {
        return refuse(field, format!("no text-direction or line-separator characters (found U+{:04X})", u32::from(c)));
    }
    Ok(())
}

/// A code: one word (no spaces, no invisible characters), 1 to [`CODE_MAX`] characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(String);

impl Code {
    pub fn new(field: &str, s: &str) -> Result<Code, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return refuse(field, "is empty");
        }
        bounded(field, s, CODE_MAX)?;
        if s.chars().any(char::is_whitespace) {
            return refuse(field, format!("must be one word (no spaces), at most {CODE_MAX} characters"));
        }
        if let Some(c) = s.chars().find(|&c| is_invisible(c)) {
            return refuse(field, format!("no invisible characters (found U+{:04X})", u32::from(c)));
        }
        Ok(Code(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A name: 1 to [`NAME_MAX`] characters on one line, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(String);

impl Name {
    pub fn new(field: &str, s: &str) -> Result<Name, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return refuse(field, "is empty");
        }
        bounded(field, s, NAME_MAX)?;
        Ok(Name(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Free text (a reason, a note): at most [`TEXT_MAX`] characters on one line, trimmed; may be empty (a caller
/// that needs one says so).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FreeText(String);

impl FreeText {
    pub fn new(field: &str, s: &str) -> Result<FreeText, FieldError> {
        let s = s.trim();
        bounded(field, s, TEXT_MAX)?;
        Ok(FreeText(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Text for a terminal: control characters (ESC, BEL, CSI, tab, newline, …) and direction overrides shown as
/// escapes (`\x1b`, `\u{202e}`), never sent raw; everything else as is.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) || is_reordering(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let n = u32::from(c);
        if is_control(c) && n <= 0xff {
            out.push_str(&format!("\\x{n:02x}"));
        } else if is_control(c) || is_reordering(c) {
            out.push_str(&format!("\\u{{{n:x}}}"));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a spreadsheet would read a text cell beginning so as a formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn starts_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text cell for CSV: one that a spreadsheet would run as a formula gets a leading `'`; the rest as is.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    if starts_like_formula(s) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// A plain number as billops writes amounts: optional sign, digits, optional fraction, optional exponent,
/// optional `%`.
pub fn is_plain_number(s: &str) -> bool {
    let s = s.strip_suffix('%').unwrap_or(s);
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(mantissa),
    };
    mantissa_ok && exp.is_none_or(digits)
}

/// A number cell for CSV: a plain number is never altered (`-1.50` stays `-1.50`), nor is a lone `-` (how
/// billops writes "no number"); anything else in a number column is treated as text, so a mislabelled column
/// cannot carry a formula.
pub fn csv_number(s: &str) -> Cow<'_, str> {
    if s == "-" || is_plain_number(s) { Cow::Borrowed(s) } else { csv_text(s) }
}

/// A count with its noun in the right number: `counted(1, "row", "rows")` is `1 row`, `counted(0, …)` `0 rows`.
pub fn counted<N: Copy + fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    format!("{n} {}", if n == N::from(1) { one } else { many })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
