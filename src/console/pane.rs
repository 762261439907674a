//! The pane registry. Adding a pane: a variant here (with its row in [`PaneId::ALL`]), a module in
//! `panes/` (state, loading, tables), a render function in `ui/`, and its keys in `keys::BINDINGS`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaneId {
    Close,
    Customers,
    Accounts,
    Costs,
    Invoices,
    Credits,
    Recon,
    Imports,
    Audit,
}

impl PaneId {
    /// Display order; number keys 1..9 follow it. The console opens on the first (the close board).
    pub const ALL: [PaneId; 9] = [
        PaneId::Close,
        PaneId::Customers,
        PaneId::Accounts,
        PaneId::Costs,
        PaneId::Invoices,
        PaneId::Credits,
        PaneId::Recon,
        PaneId::Imports,
        PaneId::Audit,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Close => "Close",
            PaneId::Customers => "Customers",
            PaneId::Accounts => "Accounts",
            PaneId::Costs => "Costs",
            PaneId::Invoices => "Invoices",
            PaneId::Credits => "Credits",
            PaneId::Recon => "Recon",
            PaneId::Imports => "Imports",
            PaneId::Audit => "Audit",
        }
    }

    /// A short title for narrow terminals (the tab line at 80 columns).
    pub fn short(self) -> &'static str {
        match self {
            PaneId::Close => "Close",
            PaneId::Customers => "Cust",
            PaneId::Accounts => "Accts",
            PaneId::Costs => "Costs",
            PaneId::Invoices => "Inv",
            PaneId::Credits => "Cred",
            PaneId::Recon => "Recon",
            PaneId::Imports => "Imp",
            PaneId::Audit => "Audit",
        }
    }

    /// Lower-case name used in exports (`customers-2026-05-1.csv`) and the palette (`:pane costs`).
    pub fn slug(self) -> &'static str {
        match self {
            PaneId::Close => "close",
            PaneId::Customers => "customers",
            PaneId::Accounts => "accounts",
            PaneId::Costs => "costs",
            PaneId::Invoices => "invoices",
            PaneId::Credits => "credits",
            PaneId::Recon => "recon",
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
