//! Themes by meaning: widgets ask for a [`Role`], never for a colour. Built-in themes live in `themes/*.toml`
//! (embedded); a user file `CONFIG_DIR/themes/NAME.toml` overrides a built-in of the same name. Roles missing
//! from a file inherit the default theme. Under `NO_COLOR` colours are dropped: a background colour becomes
//! reverse video, and modifiers and symbols stay, so state remains visible.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// What a piece of text means. Widgets style by role; the theme decides how each role looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Text,
    Title,
    Muted,
    Header,
    Border,
    Selection,
    Key,
    Tab,
    TabActive,
    Status,
    ReadOnly,
    Info,
    Warning,
    Error,
    /// A negative amount (credit, refund).
    Negative,
    /// Cost went up against the previous period.
    Increase,
    /// Cost went down against the previous period.
    Decrease,
    Approved,
    Pending,
    Rejected,
    Locked,
    Chart,
    Sparkline,
    Progress,
    Total,
}

impl Role {
    pub const ALL: [Role; 25] = [
        Role::Text,
        Role::Title,
        Role::Muted,
        Role::Header,
        Role::Border,
        Role::Selection,
        Role::Key,
        Role::Tab,
        Role::TabActive,
        Role::Status,
        Role::ReadOnly,
        Role::Info,
        Role::Warning,
        Role::Error,
        Role::Negative,
        Role::Increase,
        Role::Decrease,
        Role::Approved,
        Role::Pending,
        Role::Rejected,
        Role::Locked,
        Role::Chart,
        Role::Sparkline,
        Role::Progress,
        Role::Total,
    ];
}

/// Symbols that carry meaning next to colour, with ASCII fallbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub up: &'static str,
    pub down: &'static str,
    pub check: &'static str,
    pub cross: &'static str,
    pub open: &'static str,
    /// A warning (not a blocker): `!` in both sets.
    pub warn: &'static str,
    pub sep: &'static str,
    pub crumb: &'static str,
    pub ascii: bool,
}

impl Symbols {
    pub const UNICODE: Symbols = Symbols {
        up: "▲",
        down: "▼",
        check: "✓",
        cross: "✗",
        open: "·",
        warn: "!",
        sep: "│",
        crumb: " › ",
        ascii: false,
    };
    pub const ASCII: Symbols = Symbols {
        up: "^",
        down: "v",
        check: "+",
        cross: "x",
        open: "-",
        warn: "!",
        sep: "|",
        crumb: " > ",
        ascii: true,
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<Role, Style>,
    pub symbols: Symbols,
    pub color: bool,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }

    /// The default theme (built-in `dark`).
    pub fn default_theme() -> Theme {
        parse_theme("dark", BUILTIN[0].1, None).unwrap_or_else(|_| Theme {
            name: "dark".into(),
            styles: BTreeMap::new(),
            symbols: Symbols::UNICODE,
            color: true,
        })
    }

    /// Drop every colour (NO_COLOR): a background colour becomes reverse video; modifiers stay.
    pub fn without_color(mut self) -> Theme {
        for style in self.styles.values_mut() {
            let had_bg = matches!(style.bg, Some(c) if c != Color::Reset);
            let mut s = Style::default().add_modifier(style.add_modifier);
            if had_bg {
                s = s.add_modifier(Modifier::REVERSED);
            }
            *style = s;
        }
        self.color = false;
        self
    }

    pub fn with_ascii(mut self) -> Theme {
        self.symbols = Symbols::ASCII;
        self
    }
}

/// Built-in themes, embedded from `themes/`.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    symbols: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, StyleSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

fn parse_color(s: &str) -> Option<Color> {
    let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let named = match t.as_str() {
        "reset" | "default" => Some(Color::Reset),
        "black" => Some(Color::Black),
        "red" => Some(Color::Red),
        "green" => Some(Color::Green),
        "yellow" => Some(Color::Yellow),
        "blue" => Some(Color::Blue),
        "magenta" => Some(Color::Magenta),
        "cyan" => Some(Color::Cyan),
        "gray" | "grey" => Some(Color::Gray),
        "dark_gray" | "dark_grey" => Some(Color::DarkGray),
        "light_red" => Some(Color::LightRed),
        "light_green" => Some(Color::LightGreen),
        "light_yellow" => Some(Color::LightYellow),
        "light_blue" => Some(Color::LightBlue),
        "light_magenta" => Some(Color::LightMagenta),
        "light_cyan" => Some(Color::LightCyan),
        "white" => Some(Color::White),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    if t.starts_with('#') && t.len() == 7 {
        return Color::from_str(&t).ok();
    }
    t.parse::<u8>().ok().map(Color::Indexed)
}

/// Parse a theme file. `file` names it in errors (None for built-ins). Missing roles inherit `base`.
fn parse_theme(name: &str, text: &str, file: Option<&Path>) -> Result<Theme, String> {
    let where_ = || file.map_or_else(|| format!("built-in theme {name}"), |p| p.display().to_string());
    let parsed: ThemeFile = toml::from_str(text).map_err(|e| format!("{}: {}", where_(), e.message()))?;
    let symbols = match parsed.symbols.as_deref() {
        None | Some("unicode") => Symbols::UNICODE,
        Some("ascii") => Symbols::ASCII,
        Some(other) => return Err(format!("{}: key `symbols`: {other:?} is not \"unicode\" or \"ascii\"", where_())),
    };
    let mut styles = BTreeMap::new();
    for (key, spec) in parsed.roles {
        let role: Role = toml::Value::String(key.clone()).try_into().map_err(|_| {
            format!("{}: key `roles.{key}`: unknown role (known: {})", where_(), role_names().join(", "))
        })?;
        let mut style = Style::default();
        for (field, value) in [("fg", &spec.fg), ("bg", &spec.bg)] {
            if let Some(v) = value {
                let c = parse_color(v).ok_or_else(|| {
                    format!(
                        "{}: key `roles.{key}.{field}`: bad colour {v:?} (an ANSI name like \"cyan\" or \"light_red\", \"#rrggbb\" or 0-255)",
                        where_()
                    )
                })?;
                style = if field == "fg" { style.fg(c) } else { style.bg(c) };
            }
        }
        for (on, m) in [
            (spec.bold, Modifier::BOLD),
            (spec.dim, Modifier::DIM),
            (spec.italic, Modifier::ITALIC),
            (spec.underlined, Modifier::UNDERLINED),
            (spec.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        styles.insert(role, style);
    }
    Ok(Theme { name: name.to_string(), styles, symbols, color: true })
}

fn role_names() -> Vec<String> {
    Role::ALL.iter().map(|r| format!("{r:?}")).map(|s| snake(&s)).collect()
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Where a user's theme file of this name would be.
pub fn user_theme_path(config_dir: &Path, name: &str) -> PathBuf {
    config_dir.join("themes").join(format!("{name}.toml"))
}

/// Load theme `name` (None = default): the user's file if present, else the built-in. Errors name the file
/// and the key. `no_color` drops colours; `ascii` switches symbols to ASCII.
pub fn load_theme(config_dir: &Path, name: Option<&str>, no_color: bool, ascii: bool) -> Result<Theme, String> {
    let name = name.unwrap_or("dark");
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(format!("theme {name:?}: not a theme name"));
    }
    let base = Theme::default_theme();
    let path = user_theme_path(config_dir, name);
    let mut theme = if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        parse_theme(name, &text, Some(&path))?
    } else if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        parse_theme(name, text, None)?
    } else {
        let known: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "theme {name:?}: no such theme (built-in: {}; or put {} in place)",
            known.join(", "),
            path.display()
        ));
    };
    for role in Role::ALL {
        theme.styles.entry(role).or_insert_with(|| base.style(role));
    }
    if no_color {
        theme = theme.without_color();
    }
    if ascii {
        theme = theme.with_ascii();
    }
    Ok(theme)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_cover_every_role() {
        for (name, text) in BUILTIN {
            let t = parse_theme(name, text, None).unwrap();
            for role in Role::ALL {
                assert!(t.styles.contains_key(&role), "{name} lacks {role:?}");
            }
        }
    }

    #[test]
    fn no_color_keeps_meaning() {
        let t = Theme::default_theme().without_color();
        assert!(t.style(Role::Selection).add_modifier.contains(Modifier::REVERSED));
        assert_eq!(t.style(Role::Error).fg, None);
        assert!(t.style(Role::Error).add_modifier.contains(Modifier::BOLD));
    }

    /// sRGB of a terminal colour as xterm draws it by default (the 16 ANSI colours, the 256-colour cube and
    /// grey ramp, true colour); `None`: the terminal's own default.
    fn rgb(c: Color) -> Option<(u8, u8, u8)> {
        const ANSI: [(u8, u8, u8); 16] = [
            (0, 0, 0),
            (205, 0, 0),
            (0, 205, 0),
            (205, 205, 0),
            (0, 0, 238),
            (205, 0, 205),
            (0, 205, 205),
            (229, 229, 229),
            (127, 127, 127),
            (255, 0, 0),
            (0, 255, 0),
            (255, 255, 0),
            (92, 92, 255),
            (255, 0, 255),
            (0, 255, 255),
            (255, 255, 255),
        ];
        let i = match c {
            Color::Reset => return None,
            Color::Rgb(r, g, b) => return Some((r, g, b)),
            Color::Indexed(i) => i,
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
        };
        Some(match i {
            0..=15 => ANSI[usize::from(i)],
            16..=231 => {
                let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
                let n = i - 16;
                (level(n / 36), level((n / 6) % 6), level(n % 6))
            }
            _ => {
                let g = 8 + 10 * (i - 232);
                (g, g, g)
            }
        })
    }

    /// WCAG 2 relative luminance.
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_theme_reads_fg_against_bg() {
        // Roles drawn inside the status line sit on its background unless they bring their own.
        const IN_STATUS: [Role; 2] = [Role::Locked, Role::ReadOnly];
        // Badges and drawings need 3:1 (WCAG non-text and large/bold text); everything else is text, 4.5:1.
        const THREE: [Role; 9] = [
            Role::Locked,
            Role::ReadOnly,
            Role::Selection,
            Role::TabActive,
            Role::Status,
            Role::Border,
            Role::Chart,
            Role::Sparkline,
            Role::Progress,
        ];
        let mut failures = Vec::new();
        for (name, text) in BUILTIN {
            let t = parse_theme(name, text, None).unwrap();
            // The terminal the theme is for: light on dark, or (the light theme) dark on white.
            let (term_fg, term_bg) =
                if name == "light" { ((0, 0, 0), (255, 255, 255)) } else { ((229, 229, 229), (0, 0, 0)) };
            for role in Role::ALL {
                let own = t.style(role);
                let style = if IN_STATUS.contains(&role) { t.style(Role::Status).patch(own) } else { own };
                let mut fg = style.fg.and_then(rgb).unwrap_or(term_fg);
                let mut bg = style.bg.and_then(rgb).unwrap_or(term_bg);
                if style.add_modifier.contains(Modifier::REVERSED) {
                    std::mem::swap(&mut fg, &mut bg);
                }
                let need = if THREE.contains(&role) { 3.0 } else { 4.5 };
                let r = ratio(fg, bg);
                if r < need {
                    failures.push(format!("{name}: {role:?} {fg:?} on {bg:?} is {r:.2}:1, needs {need}:1"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn contrast_is_computed_as_wcag_says() {
        assert!((ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((ratio((119, 119, 119), (255, 255, 255)) - 4.48).abs() < 0.01);
        assert_eq!(rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(rgb(Color::Indexed(231)), Some((255, 255, 255)));
        assert_eq!(rgb(Color::Indexed(244)), Some((128, 128, 128)));
    }

    #[test]
    fn bad_colour_names_the_key() {
        let e = parse_theme("x", "[roles]\ntitle = { fg = \"chartreuse\" }\n", Some(Path::new("/c/themes/x.toml")))
            .unwrap_err();
        assert!(e.contains("/c/themes/x.toml") && e.contains("roles.title.fg"), "{e}");
        let e = parse_theme("x", "[roles]\ntitel = {}\n", Some(Path::new("/c/x.toml"))).unwrap_err();
        assert!(e.contains("roles.titel"), "{e}");
        let e = parse_theme("x", "colour = 1\n", Some(Path::new("/c/x.toml"))).unwrap_err();
        assert!(e.contains("/c/x.toml") && e.contains("colour"), "{e}");
    }
}
