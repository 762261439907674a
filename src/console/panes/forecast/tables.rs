//! The Forecast pane's volume tables (`u`): the rows of the level below, one per unit, and the months of the
//! chart per unit. A row's id carries its key and unit ([`row_id`]), so Enter drills by key and the chart
//! draws the selected row's unit. Quantities show to two decimals and export exactly.
use rust_decimal::Decimal;

use crate::console::table::{Cell, Column, Mark, Row, TableModel, fmt_money};
use crate::console::theme::Role;
use crate::plan::volume::{VolumeRow, VolumeView};

/// Between a row's key and its unit in a row id (a control character: never in a key or unit, which are
/// checked text).
const SEP: char = '\u{1f}';

pub fn row_id(key: &str, unit: &str) -> String {
    format!("{key}{SEP}{unit}")
}

/// The id of a scope's total row in `currency`: an empty key (never a customer, code or service).
pub fn total_id(currency: &str) -> String {
    row_id("", currency)
}

/// (key, unit) of a volume row id, (key, currency) of a cost row id; an id without a separator is its key.
pub fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once(SEP) {
        Some((k, u)) => (k, Some(u)),
        None => (id, None),
    }
}

fn qty(d: Decimal) -> Cell {
    Cell {
        text: fmt_money(d),
        exact: Some(billops_domain::money::canonical(d)),
        num: Some(d),
        ..Cell::default()
    }
}

fn partial(p: bool) -> Cell {
    if p { Cell::text("partial").role(Role::Warning).mark(Mark::Warn) } else { Cell::text("") }
}

fn level(v: &VolumeView) -> &'static str {
    match (&v.scope.customer, &v.scope.code) {
        (Some(_), _) => "service",
        (None, None) if v.scope.by_code => "account code",
        _ => "customer",
    }
}

fn row_columns(first: &'static str) -> Vec<Column> {
    vec![
        Column::text(first, 14),
        Column::text("unit", 8),
        Column::num("last month", 12),
        Column::num("next month", 12),
        Column::num("next 18", 13),
        Column::text("complete", 10),
    ]
}

fn vrow(r: &VolumeRow) -> Row {
    Row {
        id: row_id(&r.key, &r.unit),
        cells: vec![
            Cell::text(&r.key),
            Cell::text(&r.unit),
            qty(r.last_actual),
            qty(r.next_month.round_dp(2)),
            qty(r.horizon_total.round_dp(2)),
            partial(r.partial),
        ],
        role: None,
    }
}

/// The level below in volume: one row per key and unit.
pub fn volume_rows(v: &VolumeView) -> TableModel {
    TableModel { columns: row_columns(level(v)), rows: v.children.iter().map(vrow).collect(), total: None }
}

pub fn volume_rows_empty() -> TableModel {
    TableModel { columns: row_columns("customer"), rows: Vec::new(), total: None }
}

fn month_columns() -> Vec<Column> {
    vec![
        Column::text("month", 7),
        Column::text("kind", 8),
        Column::text("unit", 8),
        Column::num("quantity", 13),
        Column::num("low", 12),
        Column::num("high", 12),
        Column::text("complete", 10),
    ]
}

/// The months of the chart, per unit: exactly what the volume chart draws (one unit at a time).
pub fn volume_months(v: &VolumeView) -> TableModel {
    let rows = v
        .units
        .iter()
        .flat_map(|u| {
            u.months.iter().map(move |m| Row {
                id: row_id(&m.period.to_string(), &u.unit),
                cells: vec![
                    Cell::text(m.period.to_string()),
                    Cell::text(if m.actual.is_some() { "actual" } else { "forecast" }),
                    Cell::text(&u.unit),
                    qty(if m.actual.is_some() { m.amount() } else { m.amount().round_dp(2) }),
                    m.forecast.map(|p| qty(p.low.round_dp(2))).unwrap_or_else(|| Cell::text("")),
                    m.forecast.map(|p| qty(p.high.round_dp(2))).unwrap_or_else(|| Cell::text("")),
                    partial(m.partial),
                ],
                role: None,
            })
        })
        .collect();
    TableModel { columns: month_columns(), rows, total: None }
}

pub fn volume_months_empty() -> TableModel {
    TableModel { columns: month_columns(), rows: Vec::new(), total: None }
}
