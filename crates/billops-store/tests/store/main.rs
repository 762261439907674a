//! The store conformance suite: every test body runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// `store_test!(body => name_sqlite, name_postgres);` makes two tokio tests running `body(store)`.
macro_rules! store_test {
    ($body:ident => $sqlite:ident, $pg:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            crate::support::run_sqlite(|s| $body(s)).await;
        }
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $pg() {
            crate::support::run_pg(stringify!($pg), |s| $body(s)).await;
        }
    };
}

mod support;

mod access;
mod accounts;
mod accounts_bulk;
mod bench;
mod ch_statements;
mod changes;
mod chargeback;
mod costs;
mod credit_notes;
mod currency;
mod currency_recon;
mod details;
mod disputes;
mod drafts;
mod fields;
mod funding;
mod funding_import;
mod imports;
mod interest_terms;
mod linking;
mod month_end;
mod onboarding;
mod parties;
mod partitions;
mod partner;
mod planning;
mod price_rules;
mod rating;
mod settings;
mod sources;
mod summary;
mod terms;
mod variance;
mod viewers;
mod views;
