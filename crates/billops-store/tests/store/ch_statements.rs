//! CloudHealth customer statements (issue 13): imported in one transaction, mapped onto billops customers by
//! code or name, idempotent (the same file twice changes nothing; an equal row changes nothing), a Final
//! replacing an Estimated and kept in history, an Estimated after the Final refused per row, a row naming no
//! customer refusing the file with file, line and column, a signed-off period refused; and the customer tie-out
//! beside billops' invoices per customer and currency, never comparing two currencies. Both backends.
use std::sync::Arc;

use billops_domain::Role;
use billops_domain::close::{CloseConfig, StatementStatus, StatementTieStatus};
use billops_store::{ChChange, ChStatementFile, NewChStatement, Store, StoreError};

use crate::month_end::{draft_of, setup};
use crate::support::{actor, d, date, p, quiet_month};

use StatementStatus::{Estimated, Final};

fn file(name: &str, hash: &str) -> ChStatementFile {
    ChStatementFile { file_name: name.into(), content_hash: hash.into(), customer_column: "Customer Name".into() }
}

fn row(
    line: u64,
    who: (Option<&str>, Option<&str>),
    period: &str,
    status: StatementStatus,
    total: &str,
    cur: &str,
) -> NewChStatement {
    NewChStatement {
        line,
        customer_id: who.0.map(str::to_string),
        customer_name: who.1.map(str::to_string),
        period: p(period),
        status,
        total: d(total),
        currency: cur.into(),
    }
}

async fn ch_statements_import_and_tie(s: Arc<dyn Store>) {
    setup(&s, &[("ACME", "A1"), ("BETA", "A2")]).await;
    for c in ["ACME", "BETA"] {
        let (draft, costs) = draft_of(&s, c).await;
        s.save_draft(&draft, &costs, &actor("bob", 5)).await.unwrap();
    }
    let bob = actor("bob", 6);
    // ACME by its name in another case and spacing, BETA by its code in the id column
    let estimated = [
        row(2, (None, Some("acme   LTD")), "2026-05", Estimated, "100.01", "USD"),
        row(3, (Some("BETA"), Some("Beta Holdings")), "2026-05", Estimated, "90.000", "USD"),
    ];
    let out = s.import_ch_statements(&file("may-estimated.csv", "h1"), &estimated, &bob).await.unwrap();
    let got: Vec<_> = out.rows.iter().map(|r| (r.line, r.customer.as_str(), r.change.clone())).collect();
    assert_eq!(got, [(2, "ACME", ChChange::Added), (3, "BETA", ChChange::Added)]);
    // the same file twice changes nothing
    let again = s.import_ch_statements(&file("copy.csv", "h1"), &estimated, &bob).await;
    assert!(matches!(&again, Err(StoreError::AlreadyImported { file_name, .. }) if file_name == "may-estimated.csv"));

    let tie = s.statement_tie(p("2026-05")).await.unwrap();
    let got: Vec<_> =
        tie.iter().map(|t| (t.customer.as_str(), t.invoiced, t.statement, t.difference, t.status)).collect();
    assert_eq!(
        got,
        [
            ("ACME", Some(d("100.01")), Some(d("100.01")), Some(d("0")), StatementTieStatus::Estimated),
            ("BETA", Some(d("100.01")), Some(d("90")), Some(d("10.01")), StatementTieStatus::Estimated),
        ],
        "an estimate is compared but flagged as not final"
    );

    // the Final replaces the Estimated; an equal row changes nothing; a statement in EUR is its own row
    let finals = [
        row(2, (None, Some("ACME")), "2026-05", Final, "100.01", "USD"),
        row(3, (Some("BETA"), None), "2026-05", Estimated, "90", "USD"),
    ];
    let out = s.import_ch_statements(&file("may-final.csv", "h2"), &finals, &bob).await.unwrap();
    let got: Vec<_> = out.rows.iter().map(|r| r.change.clone()).collect();
    let was = ChChange::Replaced { was: Estimated, total: d("100.01"), currency: "USD".into() };
    assert_eq!(got, [was, ChChange::Unchanged]);
    let beta_eur = [row(2, (Some("BETA"), None), "2026-05", Final, "95.5", "EUR")];
    s.import_ch_statements(&file("beta-eur.csv", "h3"), &beta_eur, &bob).await.unwrap();
    // an Estimated after the Final does not replace it
    let late = [row(2, (None, Some("ACME")), "2026-05", Estimated, "99", "USD")];
    let out = s.import_ch_statements(&file("late-estimate.csv", "h4"), &late, &bob).await.unwrap();
    assert_eq!(out.rows[0].change, ChChange::KeptFinal);

    let current = s.ch_statements(Some(p("2026-05")), false).await.unwrap();
    let got: Vec<_> = current.iter().map(|c| (c.customer.as_str(), c.status, c.total, c.currency.as_str())).collect();
    assert_eq!(got, [("ACME", Final, d("100.01"), "USD"), ("BETA", Final, d("95.5"), "EUR")]);
    let history = s.ch_statements(Some(p("2026-05")), true).await.unwrap();
    assert_eq!(history.len(), 4, "the replaced statements are kept");
    let acme: Vec<_> = history.iter().filter(|h| h.customer == "ACME").collect();
    assert_eq!((acme[0].status, acme[0].replaced_by), (Estimated, Some(acme[1].id)));
    assert!(acme[0].replaced_at.is_some() && acme[1].replaced_at.is_none());
    assert_eq!(
        (acme[1].file_name.as_str(), acme[1].line, acme[0].ch_customer.as_str()),
        ("may-final.csv", 2, "acme   LTD")
    );

    let tie = s.statement_tie(p("2026-05")).await.unwrap();
    let got: Vec<_> = tie
        .iter()
        .map(|t| (t.customer.as_str(), t.currency.as_str(), t.invoiced, t.statement, t.difference, t.status))
        .collect();
    assert_eq!(
        got,
        [
            ("ACME", "USD", Some(d("100.01")), Some(d("100.01")), Some(d("0")), StatementTieStatus::Matches),
            ("BETA", "EUR", None, Some(d("95.5")), None, StatementTieStatus::NotInvoiced),
            ("BETA", "USD", Some(d("100.01")), None, None, StatementTieStatus::NoStatement),
        ],
        "EUR and USD are never compared"
    );

    // a row naming no customer refuses the file, naming file, line and column; nothing of it is written
    let bad = [
        row(2, (None, Some("ACME")), "2026-05", Final, "1", "USD"),
        row(3, (Some("9912"), Some("Gamma Ltd")), "2026-05", Final, "5", "USD"),
    ];
    let e = s.import_ch_statements(&file("june.csv", "h5"), &bad, &bob).await.unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, StoreError::Invalid(_)), "{m}");
    assert!(m.contains("june.csv:3: column Customer Name: \"Gamma Ltd\" matches no billops customer"), "{m}");
    assert!(!m.contains("june.csv:2"), "{m}");
    assert_eq!(s.ch_statements(None, true).await.unwrap().len(), 4, "all or nothing");
    // two rows for one customer and period (by code and by name): refused too
    let twice = [
        row(2, (None, Some("ACME")), "2026-06", Final, "1", "USD"),
        row(4, (None, Some("ACME Ltd")), "2026-06", Final, "2", "USD"),
    ];
    let m = s.import_ch_statements(&file("twice.csv", "h6"), &twice, &bob).await.unwrap_err().to_string();
    assert!(
        m.contains(
            "twice.csv:4: column Customer Name: a second statement of ACME for 2026-06 (the first is on line 2)"
        ),
        "{m}"
    );
    // the file fixed (same name, other content) imports
    s.import_ch_statements(&file("june.csv", "h5-fixed"), &bad[..1], &bob).await.unwrap();
    assert_eq!(s.ch_statements(None, true).await.unwrap().len(), 5);

    // a viewer imports nothing; a signed-off period's statements do not change
    let root = actor("root", 7);
    s.set_user("vic", Role::Viewer, &root).await.unwrap();
    let e = s.import_ch_statements(&file("v.csv", "h7"), &late, &actor("vic", 7)).await;
    assert!(matches!(e, Err(StoreError::Forbidden(_))), "{e:?}");
    quiet_month(&s, "2026-03", "P0", &root).await;
    s.sign_off(p("2026-03"), &CloseConfig::default(), date("2026-04-08"), "quiet", &root).await.unwrap();
    let march = [
        row(2, (None, Some("ACME")), "2026-06", Final, "1", "USD"),
        row(3, (None, Some("ACME")), "2026-03", Final, "1", "USD"),
    ];
    let e = s.import_ch_statements(&file("march.csv", "h8"), &march, &bob).await;
    assert!(matches!(&e, Err(StoreError::Locked { period, .. }) if period == "2026-03"), "{e:?}");
    assert_eq!(s.ch_statements(None, true).await.unwrap().len(), 5);
}
store_test!(ch_statements_import_and_tie => ch_statements_sqlite, ch_statements_postgres);
