//! Variance by volume and by unit rate (SPEC §2.10): whether a change in cost came from more (or less) usage or
//! from a different price per unit. For one unit (a usage unit such as `Hrs` or `GB-Mo`, or a resource unit such
//! as vCPU-hours) with quantity `Q` and cost `C` in each period, the unit rate is `P = C / Q` and
//!
//! ```text
//!   Δ = C₁ − C₀ = (Q₁ − Q₀) × P₀  +  (P₁ − P₀) × Q₁
//!                 └ by volume ┘     └─ by rate ──┘
//! ```
//!
//! (the usual volume–price split: volume at the old rate, then the new rate on the new volume). `by_volume` is
//! rounded half away from zero to [`SPLIT_DP`] places (the division behind `P₀` has no exact end) and `by_rate`
//! is `Δ − by_volume`, so the two always add up to `Δ` exactly.
//! A unit that is new (no volume before) or gone (none now) has no rate to compare: all of its Δ is volume.
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::VarianceError;

/// Decimal places of `by_volume` (far below a cent, far inside Decimal's 28 digits).
pub const SPLIT_DP: u32 = 12;

/// One unit's volume and cost in both periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFigures {
    pub prev_qty: Decimal,
    pub cur_qty: Decimal,
    pub prev_cost: Decimal,
    pub cur_cost: Decimal,
}

/// How a change in cost splits into volume and unit rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeSplit {
    /// `Q₁ − Q₀`.
    pub qty_delta: Decimal,
    /// `ΔQ / |Q₀| × 100`; none when there was no volume before.
    pub qty_pct: Option<Decimal>,
    /// Cost per unit before and now; none without volume.
    pub prev_rate: Option<Decimal>,
    pub cur_rate: Option<Decimal>,
    /// `ΔP / |P₀| × 100`; none unless both rates exist.
    pub rate_pct: Option<Decimal>,
    /// `(Q₁ − Q₀) × P₀` (all of Δ for a new or gone unit).
    pub by_volume: Decimal,
    /// `Δ − by_volume` = `(P₁ − P₀) × Q₁`.
    pub by_rate: Decimal,
}

fn rate(cost: Decimal, qty: Decimal) -> Option<Decimal> {
    if qty.is_zero() { None } else { cost.checked_div(qty) }
}

fn pct(delta: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() { None } else { delta.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(base.abs()) }
}

/// The split of one unit's change. Refuses only on overflow.
pub fn split(f: &UnitFigures) -> Result<VolumeSplit, VarianceError> {
    let delta = f.cur_cost.checked_sub(f.prev_cost).ok_or(VarianceError::Overflow)?;
    let qty_delta = f.cur_qty.checked_sub(f.prev_qty).ok_or(VarianceError::Overflow)?;
    let prev_rate = rate(f.prev_cost, f.prev_qty);
    let cur_rate = rate(f.cur_cost, f.cur_qty);
    let by_volume = match (prev_rate, cur_rate) {
        (Some(p0), Some(_)) => qty_delta
            .checked_mul(p0)
            .ok_or(VarianceError::Overflow)?
            .round_dp_with_strategy(SPLIT_DP, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        // new or gone: there is no rate on one side to compare with
        _ => delta,
    };
    let rate_pct = match (prev_rate, cur_rate) {
        (Some(p0), Some(p1)) => pct(p1.checked_sub(p0).ok_or(VarianceError::Overflow)?, p0),
        _ => None,
    };
    Ok(VolumeSplit {
        qty_delta,
        qty_pct: pct(qty_delta, f.prev_qty),
        prev_rate,
        cur_rate,
        rate_pct,
        by_volume,
        by_rate: delta.checked_sub(by_volume).ok_or(VarianceError::Overflow)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn f(q0: &str, q1: &str, c0: &str, c1: &str) -> UnitFigures {
        UnitFigures { prev_qty: d(q0), cur_qty: d(q1), prev_cost: d(c0), cur_cost: d(c1) }
    }

    #[test]
    fn more_usage_at_the_same_rate_is_all_volume() {
        let s = split(&f("100", "150", "10", "15")).unwrap();
        assert_eq!((s.qty_delta, s.qty_pct, s.rate_pct), (d("50"), Some(d("50")), Some(d("0"))));
        assert_eq!((s.prev_rate, s.cur_rate), (Some(d("0.1")), Some(d("0.1"))));
        assert_eq!((s.by_volume, s.by_rate), (d("5"), d("0")));
    }

    #[test]
    fn a_price_rise_on_the_same_usage_is_all_rate() {
        let s = split(&f("100", "100", "10", "12")).unwrap();
        assert_eq!((s.qty_pct, s.rate_pct), (Some(d("0")), Some(d("20"))));
        assert_eq!((s.by_volume, s.by_rate), (d("0"), d("2")));
    }

    #[test]
    fn both_at_once_split_volume_at_the_old_rate_and_rate_on_the_new_volume() {
        // 100 → 120 units, 0.10 → 0.12 a unit: 10 → 14.40; volume 20 × 0.10 = 2, rate 0.02 × 120 = 2.40
        let s = split(&f("100", "120", "10", "14.40")).unwrap();
        assert_eq!((s.by_volume, s.by_rate), (d("2"), d("2.40")));
        assert_eq!(s.rate_pct, Some(d("20")));
    }

    #[test]
    fn new_and_gone_units_are_all_volume() {
        let s = split(&f("0", "10", "0", "7")).unwrap();
        assert_eq!((s.by_volume, s.by_rate, s.qty_pct, s.prev_rate), (d("7"), d("0"), None, None));
        let s = split(&f("10", "0", "7", "0")).unwrap();
        assert_eq!((s.by_volume, s.by_rate, s.qty_pct, s.cur_rate), (d("-7"), d("0"), Some(d("-100")), None));
    }

    proptest! {
        #[test]
        fn volume_and_rate_always_add_up_to_the_change(
            q0 in 0u64..1_000_000, q1 in 0u64..1_000_000, c0 in 0i64..100_000_000, c1 in 0i64..100_000_000,
        ) {
            let f = UnitFigures {
                prev_qty: Decimal::new(q0 as i64, 3),
                cur_qty: Decimal::new(q1 as i64, 3),
                prev_cost: Decimal::new(c0, 6),
                cur_cost: Decimal::new(c1, 6),
            };
            let s = split(&f).unwrap();
            prop_assert_eq!(s.by_volume + s.by_rate, f.cur_cost - f.prev_cost);
        }
    }
}
