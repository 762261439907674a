//! Small charts drawn inside a table cell (issue 12): a sparkline of monthly cost (one block per month, scaled
//! to the row's own largest month) and a share bar (the row's percentage of its level, then a bar scaled to the
//! level's largest row, which fills the column).
//! Display only: the cell keeps the exact amounts (`num`, `exact`) for sorting and export; the scaling to
//! eighths here is integer and Decimal arithmetic on a copy and never flows back into money. Drawn at render
//! time for the column's width with the theme's symbols (block characters, or ASCII), so it reads without
//! colour (`NO_COLOR`, monochrome) and narrows with the column: a sparkline keeps its latest months.
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// What a chart cell draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chart {
    /// Heights 0..=8 per month, oldest first (0: no cost or a credit).
    Spark(Vec<u8>),
    /// The row's share in tenths of a percent (0..=1000), and the percentage as printed (`52.0%`).
    Share { permille: u16, label: String },
}

/// How wide a chart column may become when space is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartFit {
    /// It narrows to this many cells first…
    pub min: u16,
    /// …then, if the table still does not fit, it is dropped (a sparkline) or kept at `min` (a share, whose
    /// percentage is information).
    pub droppable: bool,
    /// Whether it takes the width left over (a share bar reads better long; a sparkline has one cell a month).
    pub grow: bool,
}

const SPARK: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const SPARK_ASCII: [char; 9] = [' ', '.', ':', '-', '=', '+', '*', '#', '@'];
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// Heights 0..=8 of `values` against their largest: any positive month is at least 1 (visible), zero and
/// negative months are 0.
pub fn levels(values: &[Decimal]) -> Vec<u8> {
    let max = values.iter().copied().max().unwrap_or_default();
    values
        .iter()
        .map(|v| {
            if *v <= Decimal::ZERO || max <= Decimal::ZERO {
                return 0;
            }
            let eighths = v.checked_mul(Decimal::from(8)).and_then(|x| x.checked_div(max)).unwrap_or_default();
            eighths.ceil().to_u8().unwrap_or(8).clamp(1, 8)
        })
        .collect()
}

/// `part` of `whole` in tenths of a percent (0..=1000); none when either is not positive.
pub fn permille(part: Decimal, whole: Decimal) -> u16 {
    if part <= Decimal::ZERO || whole <= Decimal::ZERO {
        return 0;
    }
    let p = part.checked_mul(Decimal::ONE_THOUSAND).and_then(|x| x.checked_div(whole)).unwrap_or_default();
    billops_domain::money::round_for_display(p, 0).to_u16().unwrap_or(1000).min(1000)
}

/// The chart in exactly `width` cells (or fewer characters when the chart is shorter).
pub fn draw(chart: &Chart, width: u16, ascii: bool) -> String {
    let width = usize::from(width);
    match chart {
        Chart::Spark(levels) => {
            let set = if ascii { &SPARK_ASCII } else { &SPARK };
            let skip = levels.len().saturating_sub(width);
            levels.iter().skip(skip).map(|&l| set[usize::from(l.min(8))]).collect()
        }
        Chart::Share { permille, label } => {
            let label = format!("{label:>6}");
            if width < label.chars().count() + 2 {
                return format!("{label:>width$}");
            }
            let cells = width - label.chars().count() - 1;
            let eighths = (cells * 8 * usize::from(*permille) + 500) / 1000;
            // a share too small to see still shows a sliver
            let eighths = if *permille > 0 { eighths.max(1) } else { 0 };
            let bar: String = if ascii {
                "#".repeat(((eighths + 4) / 8).max(usize::from(*permille > 0)))
            } else {
                let mut s = "█".repeat(eighths / 8);
                if eighths % 8 > 0 {
                    s.push(EIGHTHS[eighths % 8]);
                }
                s
            };
            format!("{label} {bar}")
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_sparkline_scales_to_its_largest_month_and_narrows_to_the_latest() {
        let l = levels(&[d("0"), d("1"), d("50"), d("100"), d("-5"), d("99.999")]);
        assert_eq!(l, vec![0, 1, 4, 8, 0, 8]);
        assert_eq!(draw(&Chart::Spark(l.clone()), 12, false), " ▁▄█ █");
        assert_eq!(draw(&Chart::Spark(l.clone()), 3, false), "█ █", "the latest months");
        assert_eq!(draw(&Chart::Spark(l), 12, true), " .=@ @");
        assert_eq!(levels(&[d("0"), d("-1")]), vec![0, 0], "no cost draws nothing");
    }

    #[test]
    fn a_share_bar_fills_its_part_of_the_column() {
        assert_eq!(permille(d("1"), d("3")), 333);
        assert_eq!(permille(d("-1"), d("3")), 0);
        assert_eq!(permille(d("0.0001"), d("3")), 0);
        let half = Chart::Share { permille: 500, label: "50.0%".into() };
        assert_eq!(draw(&half, 15, false), " 50.0% ████");
        assert_eq!(draw(&half, 15, true), " 50.0% ####");
        assert_eq!(draw(&half, 6, false), " 50.0%", "narrow: the percentage only");
        let sliver = Chart::Share { permille: 1, label: "0.1%".into() };
        assert_eq!(draw(&sliver, 15, false), "  0.1% ▏");
        let full = Chart::Share { permille: 1000, label: "100.0%".into() };
        assert_eq!(draw(&full, 11, false), "100.0% ████");
    }
}
