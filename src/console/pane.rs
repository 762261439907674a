//! The pane registry. Adding a pane: a variant here (with its row in [`PaneId::ALL`]), a module in
//! `panes/` (state, loading, tables), a render function in `ui/`, and its keys in `keys::BINDINGS`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaneId {
    Customers,
    Accounts,
    Costs,
    Imports,
    Audit,
}

impl PaneId {
    /// Display order; number keys 1..9 follow it.
    pub const ALL: [PaneId; 5] = [PaneId::Customers, PaneId::Accounts, PaneId::Costs, PaneId::Imports, PaneId::Audit];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Customers => "Customers",
            PaneId::Accounts => "Accounts",
            PaneId::Costs => "Costs",
            PaneId::Imports => "Imports",
            PaneId::Audit => "Audit",
        }
    }

    /// Lower-case name used in exports (`customers-2026-05-1.csv`) and the palette (`:pane costs`).
    pub fn slug(self) -> &'static str {
        match self {
            PaneId::Customers => "customers",
            PaneId::Accounts => "accounts",
            PaneId::Costs => "costs",
            PaneId::Imports => "imports",
            PaneId::Audit => "audit",
        }
    }

    pub fn index(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[(self.index() + 1) % PaneId::ALL.len()]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.index() + PaneId::ALL.len() - 1) % PaneId::ALL.len()]
    }

    pub fn from_slug(s: &str) -> Option<PaneId> {
        let s = s.trim().to_ascii_lowercase();
        PaneId::ALL.into_iter().find(|p| p.slug() == s || (s.len() >= 2 && p.slug().starts_with(&s)))
    }
}
