//! Supplier reconciliation cases (SPEC §2.6): a discrepancy between a supplier invoice and the imported
//! usage, worked off as open → waiting_credit_note → resolved | written_off.
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::CloseError;
use crate::party::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    WaitingCreditNote,
    Resolved,
    WrittenOff,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::WaitingCreditNote => "waiting_credit_note",
            CaseStatus::Resolved => "resolved",
            CaseStatus::WrittenOff => "written_off",
        }
    }
    /// Open or waiting: still being worked.
    pub fn is_open(self) -> bool {
        matches!(self, CaseStatus::Open | CaseStatus::WaitingCreditNote)
    }
    /// Whether a case may move from `self` to `to` (staying put is always allowed while open).
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus as S;
        matches!((self, to), (S::Open, _) | (S::WaitingCreditNote, S::WaitingCreditNote | S::Resolved | S::WrittenOff))
    }
    /// Check a change by `by`: operators work cases, writing one off takes a manager; closed cases are final.
    pub fn check_move(self, to: CaseStatus, by: &User) -> Result<(), CloseError> {
        let needed =
            if to == CaseStatus::WrittenOff && self != to { by.role.can_approve() } else { by.role.can_write() };
        if !needed {
            let what = if to == CaseStatus::WrittenOff { "write off a reconciliation case" } else { "update a case" };
            return Err(CloseError::NotPermitted { user: by.name.clone(), role: by.role.to_string(), what });
        }
        if !self.can_move_to(to) {
            return Err(CloseError::Invalid(format!("a case that is {self} cannot become {to}")));
        }
        Ok(())
    }
    /// The part of the supplier−import residual this case explains: the expected credit note while it is
    /// worked, the credit notes received once resolved, the residual itself once written off.
    pub fn explains(self, residual: Decimal, expected: Decimal, received: Decimal) -> Decimal {
        match self {
            CaseStatus::Open | CaseStatus::WaitingCreditNote => expected,
            CaseStatus::Resolved => received,
            CaseStatus::WrittenOff => residual,
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "open" => Ok(CaseStatus::Open),
            "waiting_credit_note" | "waiting" => Ok(CaseStatus::WaitingCreditNote),
            "resolved" => Ok(CaseStatus::Resolved),
            "written_off" => Ok(CaseStatus::WrittenOff),
            other => Err(format!("case status {other:?}: open, waiting_credit_note, resolved or written_off")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::Role;

    #[test]
    fn moves_and_permissions() {
        let op = User { name: "bob".into(), role: Role::Operator };
        let mgr = User { name: "alice".into(), role: Role::Manager };
        let viewer = User { name: "dave".into(), role: Role::Viewer };
        assert!(CaseStatus::Open.check_move(CaseStatus::WaitingCreditNote, &op).is_ok());
        assert!(CaseStatus::WaitingCreditNote.check_move(CaseStatus::Resolved, &op).is_ok());
        assert!(CaseStatus::WaitingCreditNote.check_move(CaseStatus::Open, &op).is_err());
        assert!(CaseStatus::Open.check_move(CaseStatus::WrittenOff, &op).is_err());
        assert!(CaseStatus::Open.check_move(CaseStatus::WrittenOff, &mgr).is_ok());
        assert!(CaseStatus::Resolved.check_move(CaseStatus::Resolved, &mgr).is_err(), "closed cases are final");
        assert!(CaseStatus::Open.check_move(CaseStatus::Open, &viewer).is_err());
        assert_eq!("waiting".parse::<CaseStatus>(), Ok(CaseStatus::WaitingCreditNote));
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert_eq!(CaseStatus::Open.explains(d("5"), d("4"), d("0")), d("4"));
        assert_eq!(CaseStatus::Resolved.explains(d("5"), d("4"), d("3")), d("3"));
        assert_eq!(CaseStatus::WrittenOff.explains(d("5"), d("4"), d("3")), d("5"));
    }
}
