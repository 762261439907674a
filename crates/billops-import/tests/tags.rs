//! Product/component from tags: configured order, fallbacks, case and prefix variants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use billops_domain::UNTAGGED;
use billops_import::{Source, TagConfig};
use common::{quirk, try_read_with};

fn pairs(src: &Source, tags: &TagConfig) -> Vec<(String, String)> {
    let (r, _) = try_read_with(src, tags).unwrap();
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    r.items.into_iter().map(|i| (i.product, i.component)).collect()
}

fn p(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn cur_tag_columns_fall_back_in_configured_order() {
    // Columns: user:Project, user:APP, user:product, aws:Environment, user:Role.
    let got = pairs(&quirk("tags_cur.csv"), &TagConfig::default());
    assert_eq!(got, [p("prod-tag", "web"), p("app", "prod"), p("proj", UNTAGGED), p(UNTAGGED, UNTAGGED)]);
}

#[test]
fn configured_keys_are_matched_case_insensitively_with_prefixes() {
    let cfg = TagConfig { product: vec!["USER:app".into(), "Project".into()], component: vec!["ENVIRONMENT".into()] };
    let got = pairs(&quirk("tags_cur.csv"), &cfg);
    assert_eq!(got, [p("app", "prod"), p("app", "prod"), p("proj", UNTAGGED), p(UNTAGGED, UNTAGGED)]);
}

#[test]
fn json_tags_fall_back_and_ignore_nulls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("focus.csv");
    let rows = [
        r#""{""user:Product"":""a"",""App"":""b""}""#,
        r#""{""Product"":null,""user_APPLICATION"":""b"",""tier"":""t""}""#,
        r#""{""product"":""NULL"",""project"":""c"",""Environment"":42}""#,
        r#""{}""#,
        "",
    ];
    let mut text = String::from("BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,BilledCost,Tags\n");
    for t in rows {
        text.push_str(&format!("B,S,2024-09-01,2024-09-02,1,{t}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let got = pairs(&Source { path, entry: None }, &TagConfig::default());
    assert_eq!(got, [p("a", UNTAGGED), p("b", "t"), p("c", "42"), p(UNTAGGED, UNTAGGED), p(UNTAGGED, UNTAGGED)]);
}

#[test]
fn tags_that_are_not_a_json_object_quarantine_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("focus.csv");
    std::fs::write(
        &path,
        "BillingAccountId,SubAccountId,BillingPeriodStart,ChargePeriodStart,BilledCost,Tags\nB,S,2024-09-01,2024-09-02,1,{oops\n",
    )
    .unwrap();
    let (r, _) = try_read_with(&Source { path, entry: None }, &TagConfig::default()).unwrap();
    assert_eq!((r.bad[0].line, r.bad[0].column, r.bad[0].column_name.as_str()), (2, 6, "Tags"));
}
