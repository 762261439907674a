//! Rating input: price books ([`PriceBooks`]) and chargeback's resource units and billing models
//! ([`Chargeback`]), each effective from a month's first day.
pub(crate) mod chargeback;
pub(crate) mod price_book;

pub use chargeback::{Chargeback, month_start};
pub use price_book::{NewPriceRule, PriceBooks};
