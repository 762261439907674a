//! Gap-free number series (invoice numbers, `CN-` credit notes): the one place a series is locked, read and
//! advanced. A number is taken inside the issuing transaction, so a rolled-back issue leaves no gap and a
//! concurrent issuer waits on the series row until the first commits or rolls back.
use billops_domain::invoice::NumberSeries;

use crate::db::{Tx, args};
use crate::{Result, StoreError};

/// Zero-padded width of the numbers.
const WIDTH: usize = 6;

/// Take the row lock of `series` (created at 1 when new) and return it positioned at its next number.
pub(crate) async fn lock(tx: &mut Tx, series: &str) -> Result<NumberSeries> {
    tx.exec(
        "INSERT INTO number_series (series, next_value) VALUES ($1, 1) ON CONFLICT (series) DO NOTHING",
        args![series],
    )
    .await?;
    // Lock the series row before reading it: a concurrent issuer waits here until we commit or roll back.
    tx.exec("UPDATE number_series SET next_value = next_value WHERE series = $1", args![series]).await?;
    let next: i64 = tx.one("SELECT next_value FROM number_series WHERE series = $1", args![series]).await?.get(0)?;
    NumberSeries::new(series, u64::try_from(next).unwrap_or(1), WIDTH).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Store where `numbers` stands after the numbers this transaction took.
pub(crate) async fn advance(tx: &mut Tx, numbers: &NumberSeries) -> Result<()> {
    let next = i64::try_from(numbers.next_value()).map_err(|_| StoreError::Invalid("series overflow".into()))?;
    tx.exec("UPDATE number_series SET next_value = $1 WHERE series = $2", args![next, numbers.prefix()]).await?;
    Ok(())
}
