//! Preview of a price-book change: rate the same lines under the old and the new book and show the effect
//! per rule transition (which rule priced a line before → after) and per service.
use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ChargeLine, PriceBook, RatingError, RuleId};

/// Lines that moved from `old_rule` to `new_rule` (either may be pass-through `None`; equal when the same
/// rule priced them both times).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEffect {
    pub old_rule: Option<RuleId>,
    pub new_rule: Option<RuleId>,
    pub lines: usize,
    pub cost: Decimal,
    pub old_price: Decimal,
    pub new_price: Decimal,
}

/// The effect on one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEffect {
    pub service: String,
    pub lines: usize,
    pub cost: Decimal,
    pub old_price: Decimal,
    pub new_price: Decimal,
}

/// What replacing `old` by `new` would do to a set of lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingDiff {
    pub lines: usize,
    /// Lines whose price or pricing rule changes.
    pub changed_lines: usize,
    pub cost: Decimal,
    pub old_total: Decimal,
    pub new_total: Decimal,
    /// Sorted by (old rule, new rule).
    pub by_rule: Vec<RuleEffect>,
    /// Sorted by service.
    pub by_service: Vec<ServiceEffect>,
}

impl RatingDiff {
    pub fn delta(&self) -> Option<Decimal> {
        self.new_total.checked_sub(self.old_total)
    }
}

impl RuleEffect {
    pub fn delta(&self) -> Option<Decimal> {
        self.new_price.checked_sub(self.old_price)
    }
}

impl ServiceEffect {
    pub fn delta(&self) -> Option<Decimal> {
        self.new_price.checked_sub(self.old_price)
    }
}

fn add(a: &mut Decimal, b: Decimal, l: &ChargeLine) -> Result<(), RatingError> {
    *a = a.checked_add(b).ok_or(RatingError::Overflow(l.source))?;
    Ok(())
}

/// Rate `lines` under both books and summarise the difference.
pub fn preview(old: &PriceBook, new: &PriceBook, lines: &[ChargeLine]) -> Result<RatingDiff, RatingError> {
    let mut by_rule: BTreeMap<(Option<RuleId>, Option<RuleId>), RuleEffect> = BTreeMap::new();
    let mut by_service: BTreeMap<String, ServiceEffect> = BTreeMap::new();
    let mut diff = RatingDiff {
        lines: lines.len(),
        changed_lines: 0,
        cost: Decimal::ZERO,
        old_total: Decimal::ZERO,
        new_total: Decimal::ZERO,
        by_rule: Vec::new(),
        by_service: Vec::new(),
    };
    for l in lines {
        let a = old.rate(l)?;
        let b = new.rate(l)?;
        if a.price != b.price || a.rule_id != b.rule_id {
            diff.changed_lines += 1;
        }
        add(&mut diff.cost, l.cost, l)?;
        add(&mut diff.old_total, a.price, l)?;
        add(&mut diff.new_total, b.price, l)?;
        let r = by_rule.entry((a.rule_id.clone(), b.rule_id.clone())).or_insert_with(|| RuleEffect {
            old_rule: a.rule_id.clone(),
            new_rule: b.rule_id.clone(),
            lines: 0,
            cost: Decimal::ZERO,
            old_price: Decimal::ZERO,
            new_price: Decimal::ZERO,
        });
        r.lines += 1;
        add(&mut r.cost, l.cost, l)?;
        add(&mut r.old_price, a.price, l)?;
        add(&mut r.new_price, b.price, l)?;
        let s = by_service.entry(l.service.clone()).or_insert_with(|| ServiceEffect {
            service: l.service.clone(),
            lines: 0,
            cost: Decimal::ZERO,
            old_price: Decimal::ZERO,
            new_price: Decimal::ZERO,
        });
        s.lines += 1;
        add(&mut s.cost, l.cost, l)?;
        add(&mut s.old_price, a.price, l)?;
        add(&mut s.new_price, b.price, l)?;
    }
    diff.by_rule = by_rule.into_values().collect();
    diff.by_service = by_service.into_values().collect();
    Ok(diff)
}
