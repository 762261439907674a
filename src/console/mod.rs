//! The console (ratatui). Owned by the console work (issue 4).
//!
//! Shape: `State` + one `Action` enum + `update(&mut State, Action) -> Vec<Effect>` (pure, never awaits);
//! effects run in tokio tasks ([`effects::Runner`]) and come back as `Action::Reply` tagged with a request
//! number, so stale replies are dropped; `ui::render` is a pure function of the state and the theme.
//! The event loop ([`term`]) blocks for the first event, drains the queue, applies it and draws once.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use billops_domain::User;
use billops_domain::clock::Clock;
use billops_store::Store;

pub mod action;
pub mod chart;
pub mod chord;
pub mod effects;
mod forms;
pub mod input;
pub mod keys;
pub mod palette;
pub mod pane;
pub mod panes;
pub mod refusal;
pub mod state;
pub mod table;
mod term;
pub mod theme;
pub mod ui;
pub mod update;
pub mod watch;

pub use action::{Action, Effect, Reply};
pub use keys::{Cmd, Keymap};
pub use state::{Setup, State};
pub use theme::Theme;
pub use update::{start, update};

/// Everything the console needs from the wiring in `main`/`cli`.
pub struct ConsoleContext {
    pub store: Arc<dyn Store>,
    pub user: User,
    pub read_only: bool,
    /// Theme name (a file stem in `themes/` or the user's theme dir) or `None` for the default.
    pub theme: Option<String>,
    /// Directory holding the user's `keys.toml` and `themes/`.
    pub config_dir: PathBuf,
    /// Directory for logs and exports.
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Tag configuration for imports started from the console.
    pub tags: billops_import::TagConfig,
    /// Month-end settings as the store had them at start (shown; every write reads them afresh).
    pub close: crate::month::CloseSettings,
}

/// Whether colours are off: `NO_COLOR` set to anything non-empty (https://no-color.org).
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether to draw ASCII symbols instead of ▲ ▼ ✓ ✗: `BILLOPS_ASCII=1`, or (unless `BILLOPS_ASCII=0`) a
/// locale that names a character set other than UTF-8.
pub fn ascii_from_env() -> bool {
    match std::env::var("BILLOPS_ASCII").ok().as_deref() {
        Some("0") => return false,
        Some(v) if !v.is_empty() => return true,
        _ => {}
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains('.') && !(l.contains("utf-8") || l.contains("utf8"))
    })
}

/// Check the console's configuration before anything starts: `CONFIG_DIR/keys.toml` and the theme.
/// The error names the file and the offending key.
pub fn check_config(config_dir: &Path, theme: Option<&str>) -> Result<(), String> {
    Keymap::load(config_dir)?;
    theme::load_theme(config_dir, theme, false, false)?;
    Ok(())
}

/// Run the console until the user quits. The terminal is restored on every path out (and on panic).
pub async fn run(ctx: ConsoleContext) -> color_eyre::Result<()> {
    let keymap = Keymap::load(&ctx.config_dir).map_err(|e| color_eyre::eyre::eyre!(e))?;
    let theme = theme::load_theme(&ctx.config_dir, ctx.theme.as_deref(), no_color_from_env(), ascii_from_env())
        .map_err(|e| color_eyre::eyre::eyre!(e))?;
    let setup = Setup {
        user: ctx.user.clone(),
        read_only: ctx.read_only,
        store_url: ctx.store.display_url(),
        now: ctx.clock.now(),
        keymap,
    };
    let mut state = State::new(setup);
    state.settings = ctx.close.clone();
    term::run_loop(ctx, state, theme).await
}
