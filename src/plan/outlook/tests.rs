use super::*;
use billops_domain::forecast::events::{self, EventKind, ForecastEvent};
use billops_domain::forecast::{self, Series};

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

fn frame() -> Frame {
    Frame {
        last_actual: p("2026-02"),
        shown_history: 18,
        horizon: 18,
        fiscal: FiscalCalendar::new(1).unwrap(),
        warn_pct: Decimal::from(90),
    }
}

fn budget(customer: &str, scope: BudgetScope, m: &str, amount: i64) -> Budget {
    Budget {
        customer: customer.into(),
        scope,
        period: p(m),
        amount: Decimal::from(amount),
        set_by: "t".into(),
        set_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn stored(customer: Option<&str>, kind: EventKind) -> StoredEvent {
    let event = ForecastEvent::new(p("2026-05"), kind, "t", chrono::DateTime::UNIX_EPOCH, "").unwrap();
    StoredEvent { id: 1, customer: customer.map(String::from), event, retired: None }
}

/// ACME (USD) with EC2 in USD and S3 billed in EUR; BETA (EUR) with EC2; both under GL-1.
fn book() -> (Vec<CostFact>, CurrencyOf, Codes, Vec<Budget>) {
    let mut facts = Vec::new();
    for m in ["2026-01", "2026-02"] {
        facts.push((p(m), "ACME".to_string(), "EC2".to_string(), Decimal::from(100)));
        facts.push((p(m), "ACME".to_string(), "S3".to_string(), Decimal::from(7)));
        facts.push((p(m), "BETA".to_string(), "EC2".to_string(), Decimal::from(50)));
    }
    let money = CurrencyOf {
        series: [
            (("ACME".to_string(), "EC2".to_string()), "USD".to_string()),
            (("ACME".to_string(), "S3".to_string()), "EUR".to_string()),
            (("BETA".to_string(), "EC2".to_string()), "EUR".to_string()),
        ]
        .into(),
        customers: [("ACME".to_string(), "USD".to_string()), ("BETA".to_string(), "EUR".to_string())].into(),
    };
    let codes: Codes = [("ACME".to_string(), "GL-1".to_string()), ("BETA".to_string(), "GL-1".to_string())].into();
    let budgets = vec![
        budget("ACME", BudgetScope::Customer, "2026-03", 90),
        budget("BETA", BudgetScope::Customer, "2026-03", 40),
        budget("ACME", BudgetScope::Service("S3".into()), "2026-03", 5),
    ];
    (facts, money, codes, budgets)
}

fn month<'a>(t: &'a Total, m: &str) -> &'a Month {
    t.months.iter().find(|x| x.period == p(m)).unwrap()
}

/// (currency, actual of 2026-02, budget of 2026-03) per total.
fn totals(o: &Outlook) -> Vec<(&str, Decimal, Option<Decimal>)> {
    o.totals.iter().map(|t| (t.currency.as_str(), month(t, "2026-02").amount(), month(t, "2026-03").budget)).collect()
}

fn rows(o: &Outlook) -> Vec<(&str, &str, Decimal)> {
    o.children.iter().map(|c| (c.key.as_str(), c.currency.as_str(), c.last_actual)).collect()
}

#[test]
fn every_total_is_per_currency_and_a_budget_counts_only_in_its_currency() {
    let (facts, money, codes, budgets) = book();
    let fitted = fit(&facts, &[], &frame(), None, money);
    let o = |scope: Scope| fitted.outlook(&[], &budgets, &codes, &scope);
    let d = Decimal::from;

    // Every customer: USD 100 (ACME's EC2); EUR 57 (ACME's S3 7 + BETA 50), never 157.
    let all = o(Scope::default());
    assert_eq!(totals(&all), [("EUR", d(57), Some(d(40))), ("USD", d(100), Some(d(90)))]);
    assert_eq!(rows(&all), [("ACME", "USD", d(100)), ("BETA", "EUR", d(50)), ("ACME", "EUR", d(7))]);
    let acme_eur = all.children.iter().find(|c| c.key == "ACME" && c.currency == "EUR").unwrap();
    assert_eq!(acme_eur.fy_budget, None, "ACME's budget is in USD: not on its EUR row");
    // A total row is its currency's rows summed.
    let eur = all.totals[0].as_child(all.last_actual);
    assert_eq!((eur.key.as_str(), eur.currency.as_str(), eur.last_actual), ("total", "EUR", d(57)));

    // One customer in two currencies: a total each; its services each in their own.
    let acme = o(Scope { customer: Some("ACME".into()), ..Scope::default() });
    // (A service budget is that service's, not the customer's: the customer's EUR total has none.)
    assert_eq!(totals(&acme), [("EUR", d(7), None), ("USD", d(100), Some(d(90)))]);
    assert_eq!(rows(&acme), [("EC2", "USD", d(100)), ("S3", "EUR", d(7))]);
    assert_eq!(acme.children[1].fy_budget, Some(d(5)), "a service budget is in its series' currency");
    let s3 = o(Scope { customer: Some("ACME".into()), service: Some("S3".into()), ..Scope::default() });
    assert_eq!(totals(&s3), [("EUR", d(7), Some(d(5)))], "one currency: one total, named");

    // By account code: GL-1 has a row per currency; its own budget is in its holder's currency.
    let codes_top = o(Scope { by_code: true, ..Scope::default() });
    assert_eq!(rows(&codes_top), [("GL-1", "USD", d(100)), ("GL-1", "EUR", d(57))]);
    let mut with_code = budgets.clone();
    with_code.push(budget("BETA", BudgetScope::AccountCode("GL-1".into()), "2026-03", 300));
    let gl1 = fitted.outlook(&[], &with_code, &codes, &Scope { code: Some("GL-1".into()), ..Scope::default() });
    assert_eq!(totals(&gl1), [("EUR", d(57), Some(d(300))), ("USD", d(100), None)]);
}

#[test]
fn a_series_brought_in_by_a_technology_change_takes_its_sources_currency() {
    let (facts, money, codes, budgets) = book();
    let kind =
        EventKind::Technology { from_service: "S3".into(), to_service: "Glacier".into(), ratio: Decimal::from(50) };
    let events = [stored(Some("ACME"), kind)];
    let fitted = fit(&facts, &events, &frame(), None, money);
    let acme = fitted.outlook(&events, &budgets, &codes, &Scope { customer: Some("ACME".into()), ..Scope::default() });
    let glacier = acme.children.iter().find(|c| c.key == "Glacier").unwrap();
    assert_eq!(glacier.currency, "EUR");
    let eur = acme.totals.iter().find(|t| t.currency == "EUR").unwrap();
    assert_eq!(month(eur, "2026-06").amount(), Decimal::from(7), "half moved, nothing lost, still EUR");
}

#[test]
fn a_technology_change_into_another_currencys_service_keeps_its_currency() {
    let (facts, money, codes, budgets) = book();
    // ACME's S3 is billed in EUR, its EC2 in USD: half of S3 moves to EC2 from the first forecast month.
    let kind = EventKind::Technology { from_service: "S3".into(), to_service: "EC2".into(), ratio: Decimal::from(50) };
    let events = [stored(Some("ACME"), kind)];
    let fitted = fit(&facts, &events, &frame(), None, money);
    let acme = fitted.outlook(&events, &budgets, &codes, &Scope { customer: Some("ACME".into()), ..Scope::default() });
    let usd = acme.totals.iter().find(|t| t.currency == "USD").unwrap();
    let eur = acme.totals.iter().find(|t| t.currency == "EUR").unwrap();
    assert_eq!(month(usd, "2026-06").amount(), Decimal::from(100), "no euro added to the dollars");
    assert_eq!(month(eur, "2026-06").amount(), Decimal::from(7), "the moved half is still in EUR");
    let moved = acme.children.iter().find(|c| c.key == "EC2 [EUR]").unwrap();
    assert_eq!(moved.currency, "EUR");
    // Half of S3's 7 a month from the event (2026-05) to the horizon's end (2027-08): 16 months × 3.5.
    assert_eq!((moved.next_month, moved.horizon_total), (Decimal::ZERO, Decimal::from(56)));
}

#[test]
fn the_fit_is_the_same_on_one_thread_or_many() {
    let mut facts = Vec::new();
    for c in 0..37 {
        let mut m = p("2023-09");
        for t in 0..30 - (c % 7) * 4 {
            for s in 0..3 {
                let v = Decimal::new(1000 + 13 * c + 7 * t * (s + 1) + ((c * t) % 11) * 3, 1);
                facts.push((m, format!("C{c:02}"), format!("svc{s}"), v));
            }
            m = m.next();
        }
    }
    let money = CurrencyOf::default();
    let kind = EventKind::Capacity { service: None, change: events::Change::Percent { pct: Decimal::from(-10) } };
    let events = [stored(Some("C03"), kind)];
    let raw = group(&facts, &frame(), None);
    let serial = fit_book(&raw, &events, &frame(), &money, 1);
    assert_eq!(serial.len(), 37);
    for threads in [2, 3, 8, 64] {
        assert_eq!(fit_book(&raw, &events, &frame(), &money, threads), serial, "{threads} threads");
    }
    // And each series as the domain forecasts it alone, with fresh band factors.
    let one = &serial["C05"]["svc1"];
    let mut pts: Vec<(Period, Decimal)> =
        facts.iter().filter(|f| f.1 == "C05" && f.2 == "svc1").map(|f| (f.0, f.3)).collect();
    pts.push((frame().last_actual, Decimal::ZERO));
    let alone = forecast::forecast(&Series::from_points(&pts).unwrap(), 18);
    assert_eq!(one.forecast, alone.points);
}
