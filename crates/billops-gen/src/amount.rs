//! Exact amounts built from integer mantissas and scales. No floating point anywhere: a cost is
//! `usage × rate` computed on integers, then handed to `rust_decimal` with its scale.
use rust_decimal::Decimal;

use crate::rng::SplitMix64;

/// An exact fixed-point value `m × 10^-s` (s ≤ 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fixed {
    pub m: i128,
    pub s: u32,
}

/// 10^n for small n (saturating: the generator never asks past 10^30).
pub fn pow10(n: u32) -> i128 {
    10i128.checked_pow(n).unwrap_or(i128::MAX)
}

impl Fixed {
    pub const ZERO: Fixed = Fixed { m: 0, s: 0 };

    pub const fn new(m: i128, s: u32) -> Fixed {
        Fixed { m, s }
    }

    /// Exact product (scales add).
    pub fn times(self, o: Fixed) -> Fixed {
        Fixed { m: self.m.saturating_mul(o.m), s: self.s + o.s }
    }

    pub fn negated(self) -> Fixed {
        Fixed { m: -self.m, s: self.s }
    }

    /// The same value written with `s` decimals (only ever widens; narrower requests keep the value).
    pub fn widen(self, s: u32) -> Fixed {
        if s <= self.s { self } else { Fixed { m: self.m.saturating_mul(pow10(s - self.s)), s } }
    }

    /// Exact sum at the wider of the two scales.
    pub fn plus(self, o: Fixed) -> Fixed {
        let s = self.s.max(o.s);
        let (a, b) = (self.widen(s), o.widen(s));
        Fixed { m: a.m.saturating_add(b.m), s }
    }

    /// Truncate toward zero to `s` decimals (an explicit, named rule: used for tax and credit lines).
    pub fn truncate(self, s: u32) -> Fixed {
        if s >= self.s { self } else { Fixed { m: self.m / pow10(self.s - s), s } }
    }

    /// `self × num / den`, truncated toward zero at the current scale plus `extra` decimals.
    pub fn ratio(self, num: i128, den: i128, extra: u32) -> Fixed {
        if den == 0 {
            return Fixed::ZERO;
        }
        let w = self.widen(self.s + extra);
        Fixed { m: w.m.saturating_mul(num) / den, s: w.s }
    }

    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// As a `Decimal`, keeping the scale (so `2.50000` prints with its trailing zeros, as exports do).
    /// Values are bounded by construction; an out-of-range value becomes zero rather than panicking.
    pub fn dec(self) -> Decimal {
        Decimal::try_from_i128_with_scale(self.m, self.s).unwrap_or(Decimal::ZERO)
    }
}

/// A rate table entry: mantissa and scale of a unit price, e.g. `(192, 3)` for 0.192.
pub type Rate = (i64, u32);

pub fn rate(r: Rate) -> Fixed {
    Fixed::new(i128::from(r.0), r.1)
}

/// Usage and cost for one line: a usage quantity with enough decimals that `usage × rate` lands near
/// `target_micro` micro-dollars with `cost_scale` decimals (fewer when the rate alone has more), every digit
/// significant. Whole-unit meters (requests, keys) get integer quantities.
pub fn usage_for(rng: &mut SplitMix64, target_micro: i64, r: Rate, cost_scale: u32, whole: bool) -> (Fixed, Fixed) {
    let (rm, rs) = (i128::from(r.0.max(1)), r.1);
    let us = if whole { 0 } else { cost_scale.saturating_sub(rs) };
    // usage = target·10⁻⁶ / (rm·10^-rs), at `us` decimals.
    let num = i128::from(target_micro.max(1)).saturating_mul(pow10(rs + us));
    let mut um = num / rm.saturating_mul(1_000_000);
    if us > 0 {
        // Fill the low digits so the value carries its full precision (as metered quantities do).
        let low = pow10(us.min(6));
        um = um - um % low + i128::from(rng.below(u64::try_from(low).unwrap_or(1)));
    }
    let um = um.max(1);
    let usage = Fixed::new(um, us);
    (usage, usage.times(rate(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_times_rate_is_the_cost_exactly() {
        let mut r = SplitMix64::new(3);
        let (u, c) = usage_for(&mut r, 25_000_000, (192, 3), 13, false);
        assert_eq!(u.s, 10);
        assert_eq!(c.s, 13);
        assert_eq!(u.dec() * Decimal::new(192, 3), c.dec());
        let approx = c.truncate(0).m;
        assert!((24..=25).contains(&approx), "{approx}");
        let (u, c) = usage_for(&mut r, 5_000_000, (2, 7), 12, true);
        assert_eq!(u, Fixed::new(25_000_000, 0));
        assert_eq!(c.dec(), Decimal::new(5, 0));
    }

    #[test]
    fn arithmetic_is_exact() {
        let a = Fixed::new(12345, 3); // 12.345
        let b = Fixed::new(-5, 1); // -0.5
        assert_eq!(a.plus(b).dec(), Decimal::new(11845, 3));
        assert_eq!(a.times(Fixed::new(97, 2)).dec(), Decimal::new(1197465, 5));
        assert_eq!(a.truncate(1).dec(), Decimal::new(123, 1));
        assert_eq!(a.negated().truncate(1).dec(), Decimal::new(-123, 1));
        assert_eq!(a.ratio(1, 3, 2).dec(), Decimal::new(411_500, 5));
    }
}
