//! Whatever follows a valid header, the reader never panics and accounts for every row exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_import::{RefuseError, Source, TagConfig};
use common::{assert_accounted, try_read_with};
use proptest::prelude::*;

const HEADER: &str = "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UnblendedCost,lineItem/NetUnblendedCost,resourceTags/user:product\n";

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NULL".to_string()),
        Just("2024-09-01T00:00:00Z".to_string()),
        Just("2024-09-31".to_string()),
        Just("1.81E-8".to_string()),
        Just("-12.50".to_string()),
        Just("Usage".to_string()),
        "[a-zA-Z0-9 .,:\"\r\n-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn every_row_is_accounted_for(rows in prop::collection::vec(prop::collection::vec(field(), 0..10), 0..30)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let mut text = String::from(HEADER);
        for r in &rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        std::fs::write(&path, &text).unwrap();
        match try_read_with(&Source { path, entry: None }, &TagConfig::default()) {
            Ok((r, s)) => {
                assert_accounted(&r, &s);
                for b in &r.bad {
                    prop_assert!(b.line >= 2);
                    prop_assert!(b.column as usize <= 8);
                }
            }
            Err(e) => prop_assert!(matches!(e, RefuseError::NotCsv { .. } | RefuseError::Malformed { .. }), "{e}"),
        }
    }
}
