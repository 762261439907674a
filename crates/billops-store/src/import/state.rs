//! What an import keeps in memory while it streams: the text dictionary cache, assignments, accounts seen,
//! encoded rows waiting to be written, and the rollup and scope aggregates (exact `Decimal` sums).
use std::collections::{HashMap, HashSet};

use billops_domain::partner::{AccountPartner, PartnerFields};
use billops_domain::{FeedIssue, IssueKind, LineItem, Period, Severity, SplitDecimal};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::dict::{FastMap, Interner, fix};
use crate::db::split;
use crate::{Result, StoreError};

/// Indexes of the interned text fields of a line item.
pub(crate) const PAYER: usize = 0;
pub(crate) const ACCOUNT: usize = 1;
pub(crate) const SERVICE: usize = 2;
pub(crate) const PRODUCT: usize = 3;
pub(crate) const COMPONENT: usize = 4;
pub(crate) const CHARGE: usize = 5;
pub(crate) const REGION: usize = 6;
pub(crate) const USAGE_TYPE: usize = 7;
pub(crate) const RESOURCE: usize = 8;
pub(crate) const UNIT: usize = 9;
pub(crate) const CURRENCY: usize = 10;
pub(crate) const INVOICE: usize = 11;
pub(crate) const TEXT_FIELDS: usize = 12;

/// One line item as stored: dictionary ids instead of text.
#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub period: Period,
    pub usage_date: NaiveDate,
    pub ids: [i64; TEXT_FIELDS],
    /// 0 when the account has no customer that day.
    pub customer: i64,
    pub quantity: Option<Decimal>,
    /// Amounts split once on the way in: SQLite binds the parts, and sums add them as integers.
    pub billed: SplitDecimal,
    pub effective: SplitDecimal,
    pub list: SplitDecimal,
    pub source_line: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RollKey {
    pub period: Period,
    pub customer: i64,
    pub service: i64,
    pub product: i64,
    pub component: i64,
    pub account: i64,
    pub payer: i64,
    pub charge: i64,
    pub region: i64,
    pub resource: i64,
    pub usage_type: i64,
    pub unit: i64,
    /// The line items' currency (a dict id): a key of every rollup, so no sum adds two currencies.
    pub currency: i64,
}

/// Exact sums as split integer parts (what SQL `sum()` over the parts would give). `quantity` and
/// `no_quantity` are kept for rollups (Σ quantity of the rows that have one, and how many have none), not for
/// scopes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sums {
    pub rows: i64,
    pub billed: SplitDecimal,
    pub effective: SplitDecimal,
    pub list: SplitDecimal,
    pub quantity: SplitDecimal,
    pub no_quantity: i64,
}

fn overflow() -> StoreError {
    StoreError::Invalid("cost or quantity sum overflows".into())
}

impl Sums {
    /// Add a row's amounts (not its quantity: see [`Sums::add_quantity`]).
    pub(crate) fn add_amounts(
        &mut self,
        billed: SplitDecimal,
        effective: SplitDecimal,
        list: SplitDecimal,
    ) -> Result<()> {
        self.rows += 1;
        self.billed = self.billed.checked_add(billed).ok_or_else(overflow)?;
        self.effective = self.effective.checked_add(effective).ok_or_else(overflow)?;
        self.list = self.list.checked_add(list).ok_or_else(overflow)?;
        Ok(())
    }

    fn add(&mut self, r: &ItemRow) -> Result<()> {
        self.add_amounts(r.billed, r.effective, r.list)
    }

    /// Add a row's quantity (`None`: counted in `no_quantity`).
    pub(crate) fn add_quantity(&mut self, q: Option<Decimal>) -> Result<()> {
        match q {
            Some(q) => self.quantity = self.quantity.checked_add(split(q)?).ok_or_else(overflow)?,
            None => self.no_quantity += 1,
        }
        Ok(())
    }

    pub(crate) fn merge(&mut self, o: &Sums) -> Result<()> {
        self.rows += o.rows;
        self.billed = self.billed.checked_add(o.billed).ok_or_else(overflow)?;
        self.effective = self.effective.checked_add(o.effective).ok_or_else(overflow)?;
        self.list = self.list.checked_add(o.list).ok_or_else(overflow)?;
        self.quantity = self.quantity.checked_add(o.quantity).ok_or_else(overflow)?;
        self.no_quantity += o.no_quantity;
        Ok(())
    }
}

/// The grains the import's finest aggregate (every key: resource, usage type and unit) is folded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grain {
    /// `resource_rollups`: no usage type or unit.
    Resource,
    /// `rating_rollups`: no resource.
    Rating,
    /// `cost_rollups`: none of the three.
    Cost,
}

/// Fold rollups to a coarser grain (the dropped keys become 0).
pub(crate) fn fold(rollups: &FastMap<RollKey, Sums>, grain: Grain) -> Result<FastMap<RollKey, Sums>> {
    let mut out: FastMap<RollKey, Sums> = FastMap::default();
    for (k, v) in rollups {
        let key = match grain {
            Grain::Resource => RollKey { usage_type: 0, unit: 0, ..*k },
            Grain::Rating => RollKey { resource: 0, ..*k },
            Grain::Cost => RollKey { resource: 0, usage_type: 0, unit: 0, ..*k },
        };
        out.entry(key).or_default().merge(v)?;
    }
    Ok(out)
}

/// A (summed) split put back together.
pub(crate) fn dec(s: SplitDecimal) -> Result<Decimal> {
    s.to_decimal().ok_or_else(|| StoreError::Invalid("cost sum out of the decimal range".into()))
}

/// The most rollup keys the map is sized for up front (a budget set higher grows the map past it as before).
const MAX_PRESIZED_KEYS: usize = 1 << 20;

/// One (payer, period) of the batch.
#[derive(Debug, Clone)]
pub(crate) struct ScopeAcc {
    pub sums: Sums,
    /// Every row so far carries an invoice id.
    pub all_invoiced: bool,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

pub(crate) struct NewAccount {
    pub id: String,
    pub name: String,
    pub payer: String,
    pub period: Period,
    pub line: u64,
}

/// Assignments by account: `(from, to, customer id)`, half-open.
pub(crate) type AssignMap = HashMap<String, Vec<(NaiveDate, Option<NaiveDate>, i64)>>;

pub(crate) struct State {
    pub interner: Interner,
    pub assignments: AssignMap,
    pub known_accounts: HashSet<String>,
    /// Accounts seen in this import: id → (name, payer).
    pub seen_accounts: HashMap<String, (String, String)>,
    /// Payers seen: id → name.
    pub payers: HashMap<String, String>,
    pub new_accounts: Vec<NewAccount>,
    /// Azure partner fields by account (a later chunk's fields win where given).
    pub partners: HashMap<String, PartnerFields>,
    pub pending: Vec<ItemRow>,
    /// Rollups by every dimension: resource, usage type and unit included ([`fold`] gives the coarser grains).
    pub rollups: FastMap<RollKey, Sums>,
    /// Rollups moved out of memory when `rollups` passed `budget` keys (see `spill.rs`).
    pub spill: super::spill::Spill,
    pub budget: usize,
    pub scopes: FastMap<(i64, Period), ScopeAcc>,
    /// PostgreSQL: periods whose partitions the streaming COPY has made sure of (`bulk::make_partitions`).
    pub partitions: HashSet<Period>,
    pub rows: i64,
    pub quarantined: i64,
    pub issues: i64,
    empty_invoice: Option<i64>,
    /// The last (account, day) resolved and its customer (`None` day: nothing yet).
    last_customer: (String, Option<NaiveDate>, i64),
    last_account: String,
    last_payer: String,
}

impl State {
    pub(crate) fn new(assignments: AssignMap, known_accounts: HashSet<String>) -> Self {
        let budget = super::spill::budget_keys();
        let mut interner = Interner::new();
        interner.pin(""); // the empty invoice id (`aggregate`: a row without one is not invoiced)
        State {
            interner,
            assignments,
            known_accounts,
            seen_accounts: HashMap::new(),
            payers: HashMap::new(),
            new_accounts: Vec::new(),
            partners: HashMap::new(),
            pending: Vec::new(),
            // Sized once for the budget: the map never grows (growing holds the old and the new table at once).
            // Its untouched pages cost nothing for a small file.
            rollups: FastMap::with_capacity_and_hasher(budget.min(MAX_PRESIZED_KEYS), Default::default()),
            spill: super::spill::Spill::default(),
            budget,
            scopes: FastMap::default(),
            partitions: HashSet::new(),
            rows: 0,
            quarantined: 0,
            issues: 0,
            empty_invoice: None,
            last_customer: (String::new(), None, 0),
            last_account: String::new(),
            last_payer: String::new(),
        }
    }

    fn customer_of(&mut self, account: &str, day: NaiveDate) -> i64 {
        let last = &mut self.last_customer;
        if last.1 == Some(day) && last.0 == account {
            return last.2;
        }
        let c = self
            .assignments
            .get(account)
            .and_then(|v| v.iter().find(|(from, to, _)| *from <= day && to.is_none_or(|t| day < t)))
            .map_or(0, |x| x.2);
        last.0.clear();
        last.0.push_str(account);
        last.1 = Some(day);
        last.2 = c;
        c
    }

    fn note_account(&mut self, it: &LineItem) {
        // Both compared: an account under a second payer must still make that payer known (its scope's name).
        if it.account == self.last_account && it.payer == self.last_payer {
            return;
        }
        self.last_account.clear();
        self.last_account.push_str(&it.account);
        self.last_payer.clear();
        self.last_payer.push_str(&it.payer);
        if !it.payer_name.is_empty() || !self.payers.contains_key(&it.payer) {
            self.payers.insert(it.payer.clone(), it.payer_name.clone());
            self.interner.pin(&it.payer); // its scopes are named by text at the end
        }
        match self.seen_accounts.get_mut(&it.account) {
            Some(v) => {
                if !it.account_name.is_empty() {
                    v.0.clone_from(&it.account_name);
                }
            }
            None => {
                self.seen_accounts.insert(it.account.clone(), (it.account_name.clone(), it.payer.clone()));
                if !self.known_accounts.contains(&it.account) {
                    self.known_accounts.insert(it.account.clone());
                    self.new_accounts.push(NewAccount {
                        id: it.account.clone(),
                        name: it.account_name.clone(),
                        payer: it.payer.clone(),
                        period: it.period,
                        line: it.source_line,
                    });
                }
            }
        }
    }

    /// Encode a chunk's items (provisional ids for text not yet in the dictionary).
    pub(crate) fn add_items(&mut self, items: &[LineItem]) -> Result<usize> {
        let start = self.pending.len();
        self.pending.reserve(items.len());
        for it in items {
            self.note_account(it);
            let customer = self.customer_of(&it.account, it.usage_date);
            let i = &mut self.interner;
            let ids = [
                i.get(&it.payer),
                i.get(&it.account),
                i.get(&it.service),
                i.get(&it.product),
                i.get(&it.component),
                i.get(it.charge_category.as_str()),
                i.get(&it.region),
                i.get(&it.usage_type),
                i.get(&it.resource_id),
                i.get(&it.unit),
                i.get(&it.currency),
                i.get(&it.invoice_id),
            ];
            self.pending.push(ItemRow {
                period: it.period,
                usage_date: it.usage_date,
                ids,
                customer,
                quantity: it.quantity,
                billed: split(it.billed)?,
                effective: split(it.effective)?,
                list: split(it.list)?,
                source_line: i64::try_from(it.source_line).unwrap_or(i64::MAX),
            });
        }
        Ok(start)
    }

    /// Resolve provisional ids of the rows from `start` on, then add them to the rollups and scopes.
    /// Replace provisional dictionary ids of the rows from `start` on (`map` from the interner's resolution),
    /// then add those rows to the rollups and scopes.
    pub(crate) fn aggregate(&mut self, map: Option<Vec<i64>>, start: usize) -> Result<()> {
        if let Some(map) = map {
            for r in self.pending.iter_mut().skip(start) {
                for id in &mut r.ids {
                    *id = fix(*id, &map);
                }
            }
        }
        if self.empty_invoice.is_none() {
            self.empty_invoice = self.interner.id_of("");
        }
        let empty_invoice = self.empty_invoice;
        for r in self.pending.iter().skip(start) {
            let key = RollKey {
                period: r.period,
                customer: r.customer,
                service: r.ids[SERVICE],
                product: r.ids[PRODUCT],
                component: r.ids[COMPONENT],
                account: r.ids[ACCOUNT],
                payer: r.ids[PAYER],
                charge: r.ids[CHARGE],
                region: r.ids[REGION],
                resource: r.ids[RESOURCE],
                usage_type: r.ids[USAGE_TYPE],
                unit: r.ids[UNIT],
                currency: r.ids[CURRENCY],
            };
            let sums = self.rollups.entry(key).or_default();
            sums.add(r)?;
            sums.add_quantity(r.quantity)?;
            let invoiced = Some(r.ids[INVOICE]) != empty_invoice;
            match self.scopes.get_mut(&(r.ids[PAYER], r.period)) {
                Some(s) => {
                    s.sums.add(r)?;
                    s.all_invoiced &= invoiced;
                    s.first_day = s.first_day.min(r.usage_date);
                    s.last_day = s.last_day.max(r.usage_date);
                }
                None => {
                    let mut sums = Sums::default();
                    sums.add(r)?;
                    self.scopes.insert(
                        (r.ids[PAYER], r.period),
                        ScopeAcc { sums, all_invoiced: invoiced, first_day: r.usage_date, last_day: r.usage_date },
                    );
                }
            }
        }
        self.rows += i64::try_from(self.pending.len() - start).unwrap_or(0);
        if self.rollups.len() >= self.budget {
            self.spill.spill(&mut self.rollups)?;
        }
        Ok(())
    }

    /// Keep partner fields sent by the reader.
    pub(crate) fn add_partners(&mut self, partners: Vec<AccountPartner>) {
        for p in partners {
            let merged = match self.partners.get(&p.account) {
                Some(k) => k.merged(&p.fields),
                None => p.fields,
            };
            self.partners.insert(p.account, merged);
        }
    }

    /// Accounts of this file with partner fields and no assignment in force: `billops accounts suggest`'s.
    pub(crate) fn partner_unassigned(&self) -> usize {
        self.partners
            .keys()
            .filter(|a| !self.assignments.get(*a).is_some_and(|v| v.iter().any(|(_, to, _)| to.is_none())))
            .count()
    }

    /// The warning raised for a linked account seen for the first time with no customer.
    pub(crate) fn unassigned_issues(&self, file: &str) -> Vec<FeedIssue> {
        self.new_accounts
            .iter()
            .filter(|a| !self.assignments.contains_key(&a.id))
            .map(|a| FeedIssue {
                kind: IssueKind::UnassignedAccount,
                severity: Severity::Warning,
                period: Some(a.period),
                payer: Some(a.payer.clone()),
                account: Some(a.id.clone()),
                file: Some(file.to_string()),
                line: Some(a.line),
                column: None,
                message: if a.name.is_empty() {
                    format!("linked account {} (payer {}) is new and not assigned to a customer", a.id, a.payer)
                } else {
                    format!(
                        "linked account {} ({}, payer {}) is new and not assigned to a customer",
                        a.id, a.name, a.payer
                    )
                },
            })
            .collect()
    }
}
