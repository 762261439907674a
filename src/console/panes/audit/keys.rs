//! The Audit pane's key scopes: one screen, the log; the global keys (filter, sort, export) do the rest.
use crate::console::pane::KeyScope;

pub const LOG: &str = "log";

pub const SCOPES: &[KeyScope] = &[KeyScope { screen: LOG, cmds: &[] }];
