//! The Audit pane's key scopes: the log, and one entry's detail (Enter); the global keys (filter, sort,
//! export) do the rest.
use crate::console::keys::Cmd;
use crate::console::pane::KeyScope;

pub const LOG: &str = "log";
pub const ENTRY: &str = "entry";

pub const SCOPES: &[KeyScope] =
    &[KeyScope { screen: LOG, cmds: &[Cmd::Open] }, KeyScope { screen: ENTRY, cmds: &[Cmd::Back] }];
