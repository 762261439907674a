//! One table model for every list in the console: built once when data arrives (formatting happens here,
//! not on every frame), filtered and sorted into `visible` indices when the filter or sort changes, rendered
//! a window at a time, and exported to CSV with the exact values and the same filter.
use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::chart::{self, Chart, ChartFit};
use super::theme::Role;
use crate::csv_out;

/// A mark drawn with the theme's symbols (▲ ▼ ✓ ✗ or their ASCII fallbacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Up,
    Down,
    Check,
    Cross,
    Open,
    Warn,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    /// What the screen shows (amounts rounded for display).
    pub text: String,
    /// What CSV export writes when it differs from `text` (amounts with every digit).
    pub exact: Option<String>,
    /// A number to sort by and to right-align.
    pub num: Option<Decimal>,
    pub role: Option<Role>,
    pub mark: Option<Mark>,
    /// A chart drawn in place of the text at render time (`text` still measures, filters and exports).
    pub chart: Option<Chart>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell { text: s.into(), ..Cell::default() }
    }
    /// An amount: shown with 2 decimals (half away from zero), exported exactly; negatives take a role.
    pub fn money(d: Decimal) -> Cell {
        Cell::money_text(d, fmt_money(d))
    }
    /// An amount of `currency`: shown to the currency's minor unit, exported exactly.
    pub fn money_in(d: Decimal, currency: &str) -> Cell {
        Cell::money_text(d, fmt_money_in(d, currency))
    }
    fn money_text(d: Decimal, text: String) -> Cell {
        Cell {
            text,
            exact: Some(billops_domain::money::canonical(d)),
            num: Some(d),
            role: (d < Decimal::ZERO).then_some(Role::Negative),
            mark: None,
            chart: None,
        }
    }
    /// A sparkline of `values` (oldest first), sorted and exported by their exact sum.
    pub fn spark(values: &[Decimal]) -> Cell {
        let levels = chart::levels(values);
        let sum = values.iter().try_fold(Decimal::ZERO, |a, v| a.checked_add(*v)).unwrap_or_default();
        Cell {
            text: chart::draw(&Chart::Spark(levels.clone()), u16::MAX, false),
            exact: Some(billops_domain::money::canonical(sum)),
            num: Some(sum),
            role: Some(Role::Sparkline),
            mark: None,
            chart: Some(Chart::Spark(levels)),
        }
    }
    /// `part`'s share of `whole` as a percentage, and a bar as long as `part` is against `largest` (the level's
    /// largest row fills the column, as ncdu draws it); nothing for a credit or an empty whole.
    pub fn share(part: Decimal, whole: Decimal, largest: Decimal) -> Cell {
        let pct = if part > Decimal::ZERO && whole > Decimal::ZERO {
            part.checked_mul(Decimal::ONE_HUNDRED).and_then(|x| x.checked_div(whole))
        } else {
            None
        };
        let Some(pct) = pct else { return Cell::text("") };
        let label = format!("{:.1}%", billops_domain::money::round_for_display(pct, 1));
        Cell {
            text: label.clone(),
            exact: Some(billops_domain::money::canonical(pct)),
            num: Some(pct),
            role: Some(Role::Chart),
            mark: None,
            chart: Some(Chart::Share { permille: chart::permille(part, largest), label }),
        }
    }
    pub fn int(n: i64) -> Cell {
        Cell { text: n.to_string(), num: Some(Decimal::from(n)), ..Cell::default() }
    }
    pub fn role(mut self, role: Role) -> Cell {
        self.role = Some(role);
        self
    }
    pub fn mark(mut self, mark: Mark) -> Cell {
        self.mark = Some(mark);
        self
    }
    /// The text export and filtering use: mark as a word (so `/up` finds increases) plus text.
    pub fn export_text(&self) -> String {
        self.exact.clone().unwrap_or_else(|| self.text.clone())
    }
}

/// An amount with 2 decimals and thousands separators: `-1,234.57` (a currency's amount: [`fmt_money_in`]).
pub fn fmt_money(d: Decimal) -> String {
    billops_domain::money::format_grouped(d, 2)
}

/// An amount of `currency` to its minor unit with separators (`1,235` JPY, `1,234.57` USD, `1.235` BHD).
pub fn fmt_money_in(d: Decimal, currency: &str) -> String {
    billops_domain::money::format_amount(d, currency)
}

/// A `Money` as people read it: `1,234.57 USD` (its minor unit, separators; the exact value is in the detail
/// and the exports).
pub fn fmt_money_cur(m: &billops_domain::money::Money) -> String {
    format!("{} {}", fmt_money_in(m.amount, &m.currency), m.currency)
}

/// The change from `prev` to `cur`: a mark, a percent text with one decimal, and a role.
pub fn change_cell(cur: Decimal, prev: Option<Decimal>) -> Cell {
    let Some(prev) = prev.filter(|p| !p.is_zero()) else {
        return if cur.is_zero() { Cell::text("") } else { Cell::text("new").role(Role::Increase).mark(Mark::Up) };
    };
    let diff = cur - prev;
    let pct = diff.checked_mul(Decimal::ONE_HUNDRED).and_then(|x| x.checked_div(prev.abs())).unwrap_or_default();
    let pct = billops_domain::money::round_for_display(pct, 1);
    let mut c = Cell { text: format!("{:.1}%", pct.abs()), num: Some(pct), ..Cell::default() };
    if diff > Decimal::ZERO {
        c = c.mark(Mark::Up).role(Role::Increase);
    } else if diff < Decimal::ZERO {
        c = c.mark(Mark::Down).role(Role::Decrease);
    }
    c.exact = Some(billops_domain::money::canonical(pct));
    c
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// Preferred (most) width of a text column; the last text column takes what is left over.
    pub width: u16,
    pub numeric: bool,
    /// Widest content (header included), measured once when the model is set.
    pub fit: u16,
    /// A chart column: `width` wide when there is room, narrower (or dropped) before any text shrinks.
    pub chart: Option<ChartFit>,
    /// A short code (currency, unit): its width, never the left-over space a last text column takes.
    pub code: bool,
}

impl Column {
    pub const fn text(name: &'static str, width: u16) -> Column {
        Column { name, width, numeric: false, fit: 0, chart: None, code: false }
    }
    pub const fn num(name: &'static str, width: u16) -> Column {
        Column { name, width, numeric: true, fit: 0, chart: None, code: false }
    }
    /// A short code column (a currency): `width` wide, left-aligned, never stretched.
    pub const fn code(name: &'static str, width: u16) -> Column {
        Column { name, width, numeric: false, fit: 0, chart: None, code: true }
    }
    /// A chart column (its cells made by [`Cell::spark`] or [`Cell::share`]).
    pub const fn chart(name: &'static str, width: u16, fit: ChartFit) -> Column {
        Column { name, width, numeric: false, fit: 0, chart: Some(fit), code: false }
    }
    /// A last text column that is a nice-to-have: it narrows and goes like a sparkline, before any other text
    /// column shrinks (what the row's detail also says), and takes the spare width when it stays.
    pub const fn optional(name: &'static str, width: u16, min: u16) -> Column {
        Column {
            name,
            width,
            numeric: false,
            fit: 0,
            chart: Some(ChartFit { min, droppable: true, grow: true }),
            code: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The record this row stands for (account id, customer code, issue id …).
    pub id: String,
    pub cells: Vec<Cell>,
    /// A row style for the whole line (e.g. unassigned accounts as warnings).
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableModel {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// A total line (not filtered, not exported).
    pub total: Option<Vec<Cell>>,
}

impl TableModel {
    /// Measure each column's widest content (marks take two cells more).
    pub fn measure(&mut self) {
        for (i, col) in self.columns.iter_mut().enumerate() {
            let cells =
                self.rows.iter().filter_map(|r| r.cells.get(i)).chain(self.total.iter().filter_map(|t| t.get(i)));
            let w = cells.map(|c| c.text.chars().count() + if c.mark.is_some() { 2 } else { 0 }).max().unwrap_or(0);
            col.fit = u16::try_from(w.max(col.name.chars().count())).unwrap_or(u16::MAX);
        }
    }

    /// Column widths for `avail` cells (one cell between columns): numbers get their content width, text
    /// columns at most their preferred width, charts their width; if too wide, charts narrow to their
    /// minimum, then droppable charts go (width 0: not drawn, nor their gap), then the widest text column
    /// shrinks; left-over space goes to a growing chart, else to the last text column.
    pub fn widths(&self, avail: u16) -> Vec<u16> {
        let n = self.columns.len();
        let mut w: Vec<u16> = self
            .columns
            .iter()
            .map(|c| match c.chart {
                Some(_) => c.width,
                None if c.numeric => c.fit,
                None => c.fit.min(c.width.max(1)),
            })
            .collect();
        let gaps = u32::try_from(n.saturating_sub(1)).unwrap_or(u32::MAX);
        let mut total: u32 = w.iter().map(|&x| u32::from(x)).sum::<u32>() + gaps;
        let avail32 = u32::from(avail);
        for (i, c) in self.columns.iter().enumerate() {
            if let Some(fit) = c.chart {
                let cut =
                    u16::try_from(total.saturating_sub(avail32)).unwrap_or(u16::MAX).min(w[i].saturating_sub(fit.min));
                w[i] -= cut;
                total -= u32::from(cut);
            }
        }
        for (i, c) in self.columns.iter().enumerate() {
            if total > avail32 && c.chart.is_some_and(|f| f.droppable) && w[i] > 0 {
                total -= u32::from(w[i]) + 1;
                w[i] = 0;
            }
        }
        let shrinkable = |i: usize| self.columns[i].chart.is_none();
        while total > avail32 {
            let widest =
                (0..n).filter(|&i| shrinkable(i) && !self.columns[i].numeric && w[i] > 4).max_by_key(|&i| (w[i], i));
            let Some(i) = widest.or_else(|| (0..n).filter(|&i| shrinkable(i) && w[i] > 1).max_by_key(|&i| (w[i], i)))
            else {
                break;
            };
            w[i] -= 1;
            total -= 1;
        }
        let grows = (0..n).rev().find(|&i| self.columns[i].chart.is_some_and(|f| f.grow) && w[i] > 0);
        let last_text = (0..n)
            .rev()
            .find(|&i| !self.columns[i].numeric && self.columns[i].chart.is_none() && !self.columns[i].code);
        if let Some(last_text) = grows.or(last_text) {
            let spare = avail32.saturating_sub(total);
            w[last_text] = w[last_text].saturating_add(u16::try_from(spare).unwrap_or(0));
        }
        w
    }
}

/// Selection, filter and sort of one list; survives reloads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewState {
    pub selected: usize,
    pub filter: String,
    /// Sort column and descending flag; `None` keeps the model's order.
    pub sort: Option<(usize, bool)>,
    /// Indices into the model's rows, filtered and sorted.
    pub visible: Vec<usize>,
    /// A row id to select after the next rebuild (drill back, reload).
    pub want: Option<String>,
}

/// One term of a filter: `word` (any column) or `column:word`.
fn matches(model: &TableModel, row: &Row, terms: &[(Option<usize>, String)]) -> bool {
    terms.iter().all(|(col, word)| match col {
        Some(i) => row.cells.get(*i).is_some_and(|c| cell_matches(c, word)),
        None => row.cells.iter().any(|c| cell_matches(c, word)) || row.id.to_lowercase().contains(word.as_str()),
    }) && !model.columns.is_empty()
}

fn cell_matches(c: &Cell, word: &str) -> bool {
    c.text.to_lowercase().contains(word)
}

fn parse_filter(model: &TableModel, filter: &str) -> Vec<(Option<usize>, String)> {
    filter
        .split_whitespace()
        .map(|t| {
            if let Some((col, word)) = t.split_once(':') {
                let col = col.to_lowercase();
                if let Some(i) =
                    model.columns.iter().position(|c| c.name.to_lowercase().starts_with(&col) && !col.is_empty())
                {
                    return (Some(i), word.to_lowercase());
                }
            }
            (None, t.to_lowercase())
        })
        .collect()
}

fn cmp_cells(a: &Cell, b: &Cell) -> Ordering {
    match (a.num, b.num) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.text.to_lowercase().cmp(&b.text.to_lowercase()),
    }
}

impl ViewState {
    /// Recompute `visible` from the model, keeping the selected row where possible.
    pub fn rebuild(&mut self, model: &TableModel) {
        let keep = self.want.take().or_else(|| self.selected_id(model));
        let terms = parse_filter(model, &self.filter);
        let mut vis: Vec<usize> = (0..model.rows.len()).filter(|&i| matches(model, &model.rows[i], &terms)).collect();
        if let Some((col, desc)) = self.sort {
            vis.sort_by(|&a, &b| {
                let ca = model.rows[a].cells.get(col);
                let cb = model.rows[b].cells.get(col);
                let o = match (ca, cb) {
                    (Some(x), Some(y)) => cmp_cells(x, y),
                    _ => Ordering::Equal,
                };
                if desc { o.reverse() } else { o }
            });
        }
        self.visible = vis;
        self.selected = keep
            .and_then(|id| self.visible.iter().position(|&i| model.rows[i].id == id))
            .unwrap_or_else(|| self.selected.min(self.visible.len().saturating_sub(1)));
    }

    pub fn selected_row<'m>(&self, model: &'m TableModel) -> Option<&'m Row> {
        self.visible.get(self.selected).and_then(|&i| model.rows.get(i))
    }

    pub fn selected_id(&self, model: &TableModel) -> Option<String> {
        self.selected_row(model).map(|r| r.id.clone())
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.visible.len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        let cur = isize::try_from(self.selected).unwrap_or(0);
        let max = isize::try_from(n - 1).unwrap_or(0);
        self.selected = usize::try_from((cur + delta).clamp(0, max)).unwrap_or(0);
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    /// Cycle the sort: each column in turn (numbers descending, text ascending), then the model's order.
    pub fn cycle_sort(&mut self, model: &TableModel) {
        let ncol = model.columns.len();
        self.sort = match self.sort {
            None if ncol > 0 => Some((0, model.columns[0].numeric)),
            Some((c, _)) if c + 1 < ncol => Some((c + 1, model.columns[c + 1].numeric)),
            _ => None,
        };
        self.rebuild(model);
    }
}

/// The visible rows as CSV: header, then exact values, in screen order, through the one guarded writer
/// (`crate::csv_out`: text that would run as a spreadsheet formula gets a leading `'`, numbers never do).
pub fn to_csv(model: &TableModel, view: &ViewState) -> Result<String, String> {
    let header: Vec<&str> = model.columns.iter().map(|c| c.name).collect();
    let rows: Vec<Vec<(bool, String)>> = view
        .visible
        .iter()
        .filter_map(|&i| model.rows.get(i))
        .map(|row| {
            row.cells
                .iter()
                .map(|c| {
                    let t = c.export_text();
                    match c.mark {
                        Some(Mark::Down) if c.num.is_some() => (true, format!("-{}", t.trim_start_matches('-'))),
                        _ => (c.num.is_some(), t),
                    }
                })
                .collect()
        })
        .collect();
    let typed = rows
        .iter()
        .map(|r| r.iter().map(|(num, t)| if *num { csv_out::Cell::Number(t) } else { csv_out::Cell::Text(t) }));
    csv_out::to_string(&header, typed).map_err(|e| e.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_formats_for_display_and_exports_exactly() {
        assert_eq!(fmt_money(d("1234567.005")), "1,234,567.01");
        assert_eq!(fmt_money(d("-0.004")), "0.00");
        assert_eq!(fmt_money(d("-12.345")), "-12.35");
        assert_eq!(fmt_money(d("999.995")), "1,000.00");
        assert_eq!(Cell::money(d("1.123456789012345")).export_text(), "1.123456789012345");
    }

    #[test]
    fn a_currency_amount_shows_its_minor_unit_and_keeps_every_digit() {
        let yen = Cell::money_in(d("1234567.5"), "JPY");
        assert_eq!((yen.text.as_str(), yen.num), ("1,234,568", Some(d("1234567.5"))));
        assert_eq!(yen.export_text(), "1234567.5");
        let dinar = Cell::money_in(d("-4933.49362715765808"), "KWD");
        assert_eq!((dinar.text.as_str(), dinar.role), ("-4,933.494", Some(Role::Negative)));
        assert_eq!(dinar.export_text(), "-4933.49362715765808");
        assert_eq!(Cell::money_in(d("4933.49362715765808"), "USD").text, "4,933.49");
    }

    #[test]
    fn change_marks_direction() {
        let c = change_cell(d("110"), Some(d("100")));
        assert_eq!((c.text.as_str(), c.mark), ("10.0%", Some(Mark::Up)));
        let c = change_cell(d("50"), Some(d("200")));
        assert_eq!((c.text.as_str(), c.mark), ("75.0%", Some(Mark::Down)));
        assert_eq!(change_cell(d("5"), None).text, "new");
        assert_eq!(change_cell(d("0"), Some(d("0"))).text, "");
    }

    #[test]
    fn a_chart_column_narrows_then_goes_before_any_text_shrinks() {
        let spark = ChartFit { min: 6, droppable: true, grow: false };
        let share = ChartFit { min: 6, droppable: false, grow: true };
        let mut model = TableModel {
            columns: vec![
                Column::text("name", 20),
                Column::num("cost", 10),
                Column::chart("12 mo", 12, spark),
                Column::chart("share", 20, share),
            ],
            rows: vec![Row {
                id: "a".into(),
                cells: vec![
                    Cell::text("a".repeat(20)),
                    Cell::money(d("1234.5")),
                    Cell::spark(&[d("1"), d("2")]),
                    Cell::share(d("1"), d("2"), d("1")),
                ],
                role: None,
            }],
            total: None,
        };
        model.measure();
        // room for everything: name 20, cost 8, spark 12, share 20, three gaps; the spare goes to the share
        assert_eq!(model.widths(70), vec![20, 8, 12, 27]);
        // short by 10: the charts give first (in column order), the text keeps its width
        assert_eq!(model.widths(53), vec![20, 8, 6, 16]);
        assert_eq!(model.widths(43), vec![20, 8, 6, 6]);
        // shorter still: the sparkline goes (and its gap; what it frees goes to the share), then the name
        // shrinks; the share keeps its percentage
        assert_eq!(model.widths(42), vec![20, 8, 0, 12]);
        assert_eq!(model.widths(30), vec![14, 8, 0, 6]);
        // export: the sparkline as its exact sum, the share as its exact percentage
        assert_eq!(model.rows[0].cells[2].export_text(), "3");
        assert_eq!(model.rows[0].cells[3].export_text(), "50");
        assert_eq!(Cell::share(d("-1"), d("2"), d("2")).text, "", "a credit has no share");
        let c = Cell::share(d("1"), d("4"), d("2"));
        assert_eq!((c.text.as_str(), c.chart), ("25.0%", Some(Chart::Share { permille: 500, label: "25.0%".into() })));
    }

    #[test]
    fn filter_sort_and_csv() {
        let model = TableModel {
            columns: vec![Column::text("code", 8), Column::num("cost", 10)],
            rows: vec![
                Row { id: "a".into(), cells: vec![Cell::text("acme"), Cell::money(d("1.005"))], role: None },
                Row { id: "b".into(), cells: vec![Cell::text("beta"), Cell::money(d("30"))], role: None },
                Row { id: "c".into(), cells: vec![Cell::text("cabal"), Cell::money(d("2"))], role: None },
            ],
            total: None,
        };
        let mut v = ViewState::default();
        v.rebuild(&model);
        assert_eq!(v.visible, [0, 1, 2]);
        v.filter = "code:a".into();
        v.rebuild(&model);
        assert_eq!(v.visible, [0, 1, 2]);
        v.filter = "code:ab".into();
        v.rebuild(&model);
        assert_eq!(v.visible, [2]);
        v.filter.clear();
        v.selected = 1;
        v.rebuild(&model);
        v.cycle_sort(&model); // code asc
        v.cycle_sort(&model); // cost desc
        assert_eq!(v.visible, [1, 2, 0]);
        assert_eq!(v.selected_id(&model).as_deref(), Some("b"));
        let csv = to_csv(&model, &v).unwrap();
        assert_eq!(csv, "code,cost\nbeta,30\ncabal,2\nacme,1.005\n");
    }
}
