//! The console (ratatui). Owned by the console work (issue 4).
use std::path::PathBuf;
use std::sync::Arc;

use billops_domain::User;
use billops_domain::clock::Clock;
use billops_store::Store;

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
}
