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
