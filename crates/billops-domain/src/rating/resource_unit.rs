//! Resource units for chargeback: volume = Σ quantity × factor over the lines a selector picks; charge =
//! volume × the rate effective on each line's usage date.
use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ChargeLine, LineRef, RatingError};
use crate::terms::EffectiveTable;

/// Which lines feed a resource unit. `Some` fields must match; `usage_type` may end in `*` to match a
/// prefix (`BoxUsage:*`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeSelector {
    pub service: Option<String>,
    pub usage_type: Option<String>,
    pub region: Option<String>,
    /// The line's unit as the source writes it (`Hrs`, `GB-Mo`).
    pub unit: Option<String>,
}

impl VolumeSelector {
    pub fn matches(&self, l: &ChargeLine) -> bool {
        fn eq(want: &Option<String>, have: &str) -> bool {
            want.as_deref().is_none_or(|w| w == have)
        }
        let usage = match self.usage_type.as_deref() {
            None => true,
            Some(p) => match p.strip_suffix('*') {
                Some(prefix) => l.usage_type.starts_with(prefix),
                None => l.usage_type == p,
            },
        };
        usage && eq(&self.service, &l.service) && eq(&self.region, &l.region) && eq(&self.unit, &l.unit)
    }
}

/// A resource-unit definition (e.g. `vcpu-hour`), its volume rule and its effective-dated rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceUnit {
    id: String,
    name: String,
    unit: String,
    selector: VolumeSelector,
    factor: Decimal,
    rates: EffectiveTable<Decimal>,
}

impl ResourceUnit {
    /// `factor` converts the line's quantity to RU volume (e.g. 1/730 for GB-hours → GB-months); it must be
    /// positive, rates must not be negative.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        unit: impl Into<String>,
        selector: VolumeSelector,
        factor: Decimal,
        rates: EffectiveTable<Decimal>,
    ) -> Result<ResourceUnit, RatingError> {
        let id = id.into();
        let bad = |reason: String| RatingError::InvalidRule { id: id.clone(), reason };
        if id.trim().is_empty() {
            return Err(bad("empty id".into()));
        }
        if factor <= Decimal::ZERO {
            return Err(bad(format!("conversion factor must be positive, not {factor}")));
        }
        if let Some((_, r)) = rates.entries().iter().find(|(_, r)| r.is_sign_negative() && !r.is_zero()) {
            return Err(bad(format!("negative rate {r}")));
        }
        Ok(ResourceUnit { id, name: name.into(), unit: unit.into(), selector, factor, rates })
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn unit(&self) -> &str {
        &self.unit
    }
    pub fn selector(&self) -> &VolumeSelector {
        &self.selector
    }
    pub fn factor(&self) -> Decimal {
        self.factor
    }
    pub fn rates(&self) -> &EffectiveTable<Decimal> {
        &self.rates
    }
    /// Rate one line this unit selects: volume, rate on the usage date, charge.
    fn rate_line(&self, l: &ChargeLine) -> Result<RuLine, RatingError> {
        let q = l.quantity.ok_or_else(|| RatingError::NoQuantity { rule: self.id.clone(), line: l.source })?;
        let rate =
            *self.rates.at(l.usage_date).ok_or(RatingError::NoRate { ru: self.id.clone(), date: l.usage_date })?;
        let volume = q.checked_mul(self.factor).ok_or(RatingError::Overflow(l.source))?;
        let charge = volume.checked_mul(rate).ok_or(RatingError::Overflow(l.source))?;
        Ok(RuLine { source: l.source, ru_id: self.id.clone(), cost: l.cost, volume, rate, charge })
    }
}

/// One line's contribution to a resource unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuLine {
    pub source: LineRef,
    pub ru_id: String,
    /// The line's supplier cost (for margin and tie-out).
    pub cost: Decimal,
    pub volume: Decimal,
    pub rate: Decimal,
    pub charge: Decimal,
}

/// Billed volume × rate for one resource unit at one rate, drillable to its source lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuCharge {
    pub ru_id: String,
    pub rate: Decimal,
    pub volume: Decimal,
    pub cost: Decimal,
    /// Σ of the lines' charges, which is volume × rate exactly.
    pub charge: Decimal,
    pub sources: Vec<LineRef>,
}

/// The resource units of a customer (or of the whole chargeback catalogue), tried in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ResourceUnitSet {
    units: Vec<ResourceUnit>,
}

impl ResourceUnitSet {
    pub fn new(units: Vec<ResourceUnit>) -> Result<ResourceUnitSet, RatingError> {
        let mut seen = HashSet::new();
        for u in &units {
            if !seen.insert(u.id.as_str()) {
                return Err(RatingError::DuplicateRule(u.id.clone()));
            }
        }
        Ok(ResourceUnitSet { units })
    }
    pub fn units(&self) -> &[ResourceUnit] {
        &self.units
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
    /// The first unit whose selector picks the line, rated; `Ok(None)` when no unit picks it.
    pub fn rate(&self, l: &ChargeLine) -> Result<Option<RuLine>, RatingError> {
        self.units.iter().find(|u| u.selector.matches(l)).map(|u| u.rate_line(l)).transpose()
    }
}

/// Group per-line contributions by (unit, rate): a rate change inside the period gives two charges.
pub fn group_ru_lines(lines: &[RuLine]) -> Result<Vec<RuCharge>, RatingError> {
    let mut groups: BTreeMap<(&str, Decimal), RuCharge> = BTreeMap::new();
    for l in lines {
        let g = groups.entry((l.ru_id.as_str(), l.rate)).or_insert_with(|| RuCharge {
            ru_id: l.ru_id.clone(),
            rate: l.rate,
            volume: Decimal::ZERO,
            cost: Decimal::ZERO,
            charge: Decimal::ZERO,
            sources: Vec::new(),
        });
        let overflow = || RatingError::Overflow(l.source);
        g.volume = g.volume.checked_add(l.volume).ok_or_else(overflow)?;
        g.cost = g.cost.checked_add(l.cost).ok_or_else(overflow)?;
        g.charge = g.charge.checked_add(l.charge).ok_or_else(overflow)?;
        g.sources.push(l.source);
    }
    Ok(groups.into_values().collect())
}
