//! Forecasts, budgets and budget reports through the real binary on the demo book: the rolling view's actuals
//! are the exact imported cost, events move the forecast by exactly what they say, budgets are exact and
//! all-or-nothing on import, alerts reach the forecast, the report and the close board.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{Demo, text};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// CSV rows as (header → cell) lookups.
fn rows(csv: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|x| h.iter().zip(x.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect())
        .collect()
}

#[test]
fn forecast_budget_events_and_reports_on_the_demo_book() {
    let demo = Demo::new();
    let asof = ["--as-of", "2026-10"];

    // The view: 4 actual months (all the demo has), then 18 forecast months with a band.
    let all = rows(&demo.ok("dave", &["forecast", "--as-of", "2026-10", "--format", "csv"]));
    assert_eq!(all.len(), 4 + 18);
    assert_eq!(all[3]["period"], "2026-10");
    assert_eq!(all[3]["kind"], "actual");
    assert_eq!(all[4]["kind"], "forecast");
    assert!(d(&all[4]["low"]) <= d(&all[4]["amount"]) && d(&all[4]["amount"]) <= d(&all[4]["high"]));
    // The total's actual is the sum of the customers' (exact sums of the same imported cost).
    let per = rows(&demo.ok("dave", &["forecast", "--as-of", "2026-10", "--rows", "--format", "csv"]));
    assert!(per.len() > 10);
    let sum: Decimal = per.iter().filter(|r| r["customer"] != "total").map(|r| d(&r["last_actual"])).sum();
    assert_eq!(sum, d(&all[3]["amount"]));
    let total = per.iter().find(|r| r["customer"] == "total").unwrap();
    assert_eq!((total["currency"].as_str(), d(&total["last_actual"])), ("USD", sum), "one currency: one total, named");
    let out = demo.ok("dave", &["forecast", "acme", "--as-of", "2026-10"]);
    assert!(out.contains("flat run-rate") && out.contains("too short for a trend"), "{out}");

    // Events: -20% from 2027-01 moves those months by exactly that, not the months before.
    let before = rows(&demo.ok("dave", &["forecast", "acme", "--as-of", "2026-10", "--format", "csv"]));
    let o =
        demo.run("dave", &["forecast", "event", "capacity", "--from", "2027-01", "--pct", "-20", "--customer", "acme"]);
    assert_ne!(o.status.code(), Some(0), "viewers record no events: {}", text(&o));
    let said = demo.ok(
        "bob",
        &[
            "forecast",
            "event",
            "capacity",
            "--from",
            "2027-01",
            "--pct",
            "-20%",
            "--customer",
            "acme",
            "--note",
            "migration",
        ],
    );
    assert!(said.contains("forecast event 1 recorded for acme"), "{said}");
    let after = rows(&demo.ok("dave", &["forecast", "acme", "--as-of", "2026-10", "--format", "csv"]));
    for (b, a) in before.iter().zip(&after) {
        let expect = if b["period"].as_str() >= "2027-01" && b["kind"] == "forecast" {
            (d(&b["amount"]) * d("0.8")).round_dp(2)
        } else {
            d(&b["amount"])
        };
        // Both sides round the six-place forecast to cents: allow the one cent that double rounding can move.
        assert!((d(&a["amount"]) - expect).abs() <= d("0.01"), "{} {} vs {}", b["period"], a["amount"], expect);
    }
    let list = demo.ok("dave", &["forecast", "event", "list"]);
    assert!(list.contains("2027-01: all services -20%") && list.contains("bob"), "{list}");
    demo.ok("bob", &["forecast", "event", "retire", "1"]);
    let restored = rows(&demo.ok("dave", &["forecast", "acme", "--as-of", "2026-10", "--format", "csv"]));
    assert_eq!(restored, before, "a retired event adjusts nothing");
    let o = demo.run("bob", &["forecast", "event", "capacity", "--from", "2027-01", "--pct", "-150"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("cannot exceed 100%"), "{}", text(&o));

    // Budgets: exact, operators set them, viewers do not; imports are all or nothing with line and column.
    let o = demo.run("dave", &["budget", "set", "acme", "2026-11", "100"]);
    assert_ne!(o.status.code(), Some(0));
    demo.ok("bob", &["budget", "set", "acme", "2026-10", "50000.005"]);
    let file = demo.dir.path().join("budgets.csv");
    std::fs::write(
        &file,
        "customer,scope,period,amount\nacme,,2026-11,90000\nglobex,service:AmazonEC2,2026-11,12.5x\n",
    )
    .unwrap();
    let o = demo.run("bob", &["budget", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("line 3, column 4 (amount)"), "{}", text(&o));
    let listed = demo.ok("dave", &["budget", "list", "--from", "2026-01", "--to", "2026-12", "--format", "csv"]);
    assert_eq!(rows(&listed).len(), 1, "nothing from the refused file: {listed}");
    std::fs::write(
        &file,
        "customer,scope,period,amount\nacme,,2026-11,90000\nacme,,2026-12,90000\nglobex,code:GL-4101,2026-11,1\n",
    )
    .unwrap();
    demo.ok("bob", &["budget", "import", file.to_str().unwrap()]);
    let listed =
        rows(&demo.ok("dave", &["budget", "list", "acme", "--from", "2026-01", "--to", "2026-12", "--format", "csv"]));
    assert_eq!(listed.iter().map(|r| d(&r["amount"])).sum::<Decimal>(), d("230000.005"));

    // The onboarding item is computed from them now.
    let ob = String::from_utf8(demo.run("dave", &["onboarding", "acme", "--format", "csv"]).stdout).unwrap();
    let line = ob.lines().find(|l| l.starts_with("budgets_and_policies,")).unwrap();
    assert!(line.contains(",done,computed,"), "{line}");

    // Alerts: acme's 2026-10 cost (~111k) is over its 50k budget: on the forecast and on the close board.
    // (exit 4: the demo's October is not ready to sign off; the board is printed all the same)
    let o = demo.run("dave", &["close", "status", "2026-10", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems =
        v["board"]["items"].as_array().unwrap().iter().flat_map(|i| i["problems"].as_array().unwrap().iter());
    let budget: Vec<String> =
        problems.filter_map(|p| p.as_str()).filter(|p| p.starts_with("budget:")).map(String::from).collect();
    assert_eq!(budget.len(), 1, "{budget:?}");
    assert!(budget[0].starts_with("budget: acme cost ") && budget[0].contains("over budget"), "{budget:?}");

    // The budget report: per customer and per account code, the total the sum of its lines.
    let r = rows(&demo.ok("dave", &["report", "budget", "--fiscal-year", "2026", "--format", "csv", asof[0], asof[1]]));
    let total = r.iter().find(|x| x["customer"] == "total").unwrap();
    let lines: Vec<_> = r.iter().filter(|x| x["customer"] != "total").collect();
    for col in ["actual_to_date", "forecast_rest", "budget"] {
        assert_eq!(lines.iter().map(|x| d(&x[col])).sum::<Decimal>(), d(&total[col]), "{col}");
    }
    let acme = lines.iter().find(|x| x["customer"] == "acme").unwrap();
    assert_eq!(d(&acme["budget"]), d("230000.005"), "csv carries every digit");
    assert!(acme["alert"].starts_with("over"), "{acme:?}");
    let by_code =
        rows(&demo.ok("dave", &["report", "budget", "--fiscal-year", "2026", "--by", "code", "--format", "csv"]));
    let gl = by_code.iter().find(|x| x["account_code"] == "GL-4101").unwrap();
    assert_eq!(d(&gl["budget"]), d("1"), "an explicit code budget wins over the customers' own");
    let html = demo.dir.path().join("biennium.html");
    demo.ok(
        "dave",
        &["report", "budget", "--biennium", "2026", "--format", "html", "--output", html.to_str().unwrap()],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Biennial budget report") && page.contains("FY2026–FY2027"), "{page}");
    let o = demo.run("dave", &["report", "budget"]);
    assert_eq!(o.status.code(), Some(2), "a span is required: {}", text(&o));

    // The back-test scores what the history allows (the demo has four months: only the run-rate).
    let bt = rows(&demo.ok("dave", &["forecast", "--backtest", "--as-of", "2026-10", "--format", "csv"]));
    assert_eq!(bt.len(), 3);
    assert!(bt[0]["mape_pct"] != "-" && bt[2]["mape_pct"] == "-", "{bt:?}");
}

/// `billops forecast --volume` and `--by code` / `--code`: the Forecast pane's `u` and `c` views from the CLI,
/// in every format. Volume is per unit (a scope's unit is the sum of its rows of that unit, units never added);
/// an account code's figures are the sums of its customers'.
#[test]
fn forecast_volume_and_account_code_views() {
    let demo = Demo::new();
    let f = |extra: &[&str]| {
        let mut a = vec!["forecast", "--as-of", "2026-10"];
        a.extend_from_slice(extra);
        rows(&demo.ok("dave", &a))
    };

    // Volume by month: one line per unit over the 4 actual + 18 forecast months, nothing summed across units.
    let months = f(&["--volume", "--format", "csv"]);
    let units: std::collections::BTreeSet<String> = months.iter().map(|r| r["unit"].clone()).collect();
    assert!(units.contains("Hrs") && units.contains("GB-Mo"), "{units:?}");
    assert_eq!(months.len(), units.len() * (4 + 18), "every month of every unit, nothing else");
    assert_eq!(
        months[0].keys().cloned().collect::<Vec<_>>(),
        ["complete", "high", "kind", "low", "period", "quantity", "unit"]
    );
    // The level below, per customer and unit: a unit's actual is the sum of its rows of that unit.
    let per = f(&["--volume", "--rows", "--format", "csv"]);
    for unit in ["Hrs", "GB-Mo"] {
        let total = months.iter().find(|r| r["unit"] == unit && r["period"] == "2026-10").unwrap();
        let sum: Decimal = per.iter().filter(|r| r["unit"] == unit).map(|r| d(&r["last_actual"])).sum();
        assert_eq!(sum, d(&total["quantity"]), "{unit}");
        assert!(sum > Decimal::ZERO, "{unit}");
    }
    // One customer's services, per unit; the forecast has its band.
    let acme = f(&["acme", "--volume", "--rows", "--format", "csv"]);
    assert!(acme.iter().all(|r| r.contains_key("service")) && acme.len() > 3, "{acme:?}");
    let fc = months.iter().find(|r| r["unit"] == "Hrs" && r["kind"] == "forecast").unwrap();
    assert!(d(&fc["low"]) <= d(&fc["quantity"]) && d(&fc["quantity"]) <= d(&fc["high"]), "{fc:?}");
    // json carries the same rows; the table says what is shown.
    let j = demo.json("dave", &["forecast", "--as-of", "2026-10", "--volume", "--format", "json"]);
    assert_eq!(j.as_array().unwrap().len(), months.len());
    let table = demo.ok("dave", &["forecast", "--as-of", "2026-10", "--volume"]);
    assert!(table.contains("usage volume per unit (units are never added"), "{table}");

    // By account code: the codes' figures add up to the book's, a code's customers to the code.
    let total = f(&["--format", "csv"]);
    let codes = f(&["--by", "code", "--rows", "--format", "csv"]);
    assert!(codes[0].contains_key("account_code"), "{:?}", codes[0]);
    let sum: Decimal = codes.iter().filter(|r| r["account_code"] != "total").map(|r| d(&r["last_actual"])).sum();
    assert_eq!(sum, d(&total[3]["amount"]));
    let gl = codes.iter().find(|r| r["account_code"] == "GL-4101").unwrap();
    let members = f(&["--code", "GL-4101", "--rows", "--format", "csv"]);
    assert!(!members.is_empty() && members[0].contains_key("customer"));
    let sum: Decimal = members.iter().filter(|r| r["customer"] != "total").map(|r| d(&r["last_actual"])).sum();
    assert_eq!(sum, d(&gl["last_actual"]));
    let code_months = f(&["--code", "GL-4101", "--format", "csv"]);
    assert_eq!(d(&code_months[3]["amount"]), d(&gl["last_actual"]));
    let j = demo.json("dave", &["forecast", "--as-of", "2026-10", "--by", "code", "--rows", "--format", "json"]);
    assert_eq!(j.as_array().unwrap().len(), codes.len());
    // And the code's volume, per unit.
    let v = f(&["--code", "GL-4101", "--volume", "--rows", "--format", "csv"]);
    assert!(!v.is_empty() && v.iter().all(|r| !r["unit"].is_empty()), "{v:?}");

    // Bad input: an unknown code is named (exit 1); a customer and --by code contradict each other (usage, 2).
    let o = demo.run("dave", &["forecast", "--as-of", "2026-10", "--code", "NOPE"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--code \"NOPE\": no customer carries this account code"), "{}", text(&o));
    let o = demo.run("dave", &["forecast", "acme", "--by", "code"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = demo.run("dave", &["forecast", "--backtest", "--volume"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // The forms are in the command's help.
    let help = demo.ok("dave", &["forecast", "--help"]);
    for form in ["--by code [--rows]", "--code CODE", "--volume [--rows]", "--format table|csv|json"] {
        assert!(help.contains(form), "{form}: {help}");
    }
}

/// Currencies are never added in a forecast: the FOCUS fixture (billed in EUR, moved to 2026-09) on an account
/// assigned to acme (USD) gives acme a EUR row beside its USD one, every total (acme's, the book's, an account
/// code's) one per currency, and a currency column in every format.
#[test]
fn forecast_totals_are_per_currency_in_every_format() {
    let demo = Demo::new();
    let eur = demo.dir.path().join("eur.csv");
    let focus = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/quirks/focus-1.0.csv")).unwrap();
    std::fs::write(&eur, focus.replace("2024-09", "2026-09").replace("2024-10", "2026-10")).unwrap();
    demo.ok("alice", &["import", eur.to_str().unwrap()]);
    // (a manager's assignment takes effect at once; an operator's is a proposal)
    demo.ok("alice", &["accounts", "assign", "S1", "acme", "--from", "2026-09-01"]);
    let f = |extra: &[&str]| {
        let mut a = vec!["forecast", "--as-of", "2026-10"];
        a.extend_from_slice(extra);
        rows(&demo.ok("dave", &a))
    };
    let costs = rows(&demo.ok("dave", &["costs", "--period", "2026-09", "--by", "customer", "--format", "csv"]));
    let cost_of = |cur: &str| {
        let row = costs.iter().find(|r| r["customer"] == "acme" && r["currency"] == cur);
        d(&row.unwrap_or_else(|| panic!("{cur}: {costs:?}"))["cost"])
    };
    let (acme_usd, acme_eur) = (cost_of("USD"), cost_of("EUR"));
    assert_eq!(acme_eur, d("40.75"), "the fixture's billed cost");

    // acme's months: a run per currency, each month's actual that currency's cost only.
    let acme = f(&["acme", "--format", "csv"]);
    assert_eq!(acme.len(), 2 * (4 + 18), "every month once per currency: {acme:?}");
    let at = |rows: &[std::collections::BTreeMap<String, String>], cur: &str, m: &str| {
        d(&rows.iter().find(|r| r["currency"] == cur && r["period"] == m).unwrap()["amount"])
    };
    assert_eq!((at(&acme, "EUR", "2026-09"), at(&acme, "USD", "2026-09")), (acme_eur, acme_usd));
    // Its rows (services) each in their currency; a total per currency, the sum of that currency's rows.
    let services = f(&["acme", "--rows", "--format", "csv"]);
    let totals: Vec<&str> =
        services.iter().filter(|r| r["service"] == "total").map(|r| r["currency"].as_str()).collect();
    assert_eq!(totals, ["EUR", "USD"]);
    for cur in ["EUR", "USD"] {
        let sum: Decimal =
            services.iter().filter(|r| r["service"] != "total" && r["currency"] == cur).map(|r| d(&r["next_18"])).sum();
        let total = services.iter().find(|r| r["service"] == "total" && r["currency"] == cur).unwrap();
        assert!((sum - d(&total["next_18"])).abs() <= d("0.05"), "{cur}: {sum} vs {total:?} (rows rounded)");
    }

    // Every customer: acme is two rows; the totals are per currency, never USD + EUR.
    let book = f(&["--format", "csv"]);
    let all_usd: Decimal = costs.iter().filter(|r| r["currency"] == "USD").map(|r| d(&r["cost"])).sum();
    assert_eq!((at(&book, "EUR", "2026-09"), at(&book, "USD", "2026-09")), (acme_eur, all_usd));
    let per = f(&["--rows", "--format", "csv"]);
    let acme_rows: Vec<&str> = per.iter().filter(|r| r["customer"] == "acme").map(|r| r["currency"].as_str()).collect();
    assert_eq!(acme_rows.len(), 2, "{acme_rows:?}");
    let last =
        |cur: &str| d(&per.iter().find(|r| r["customer"] == "total" && r["currency"] == cur).unwrap()["last_actual"]);
    let usd_rows: Decimal =
        per.iter().filter(|r| r["customer"] != "total" && r["currency"] == "USD").map(|r| d(&r["last_actual"])).sum();
    assert_eq!(last("USD"), usd_rows, "the USD total is the USD rows, exactly");
    assert_eq!(last("EUR"), d("0"), "no EUR cost in 2026-10");
    // By account code: acme's code has a row per currency.
    let codes = f(&["--by", "code", "--rows", "--format", "csv"]);
    let eur_codes: Vec<&str> =
        codes.iter().filter(|r| r["currency"] == "EUR").map(|r| r["account_code"].as_str()).collect();
    assert_eq!(eur_codes.len(), 2, "acme's code and the EUR total: {eur_codes:?}");
    assert!(eur_codes.contains(&"total"));

    // json carries the currency; the table names both totals.
    let j = demo.json("dave", &["forecast", "acme", "--as-of", "2026-10", "--rows", "--format", "json"]);
    let arr = j.as_array().unwrap();
    assert_eq!(arr.len(), services.len());
    assert!(arr.iter().all(|r| r["currency"] == "USD" || r["currency"] == "EUR"), "{j}");
    let table = demo.ok("dave", &["forecast", "acme", "--as-of", "2026-10"]);
    assert!(table.contains("2 currencies, never added: one total each (EUR, USD)"), "{table}");
    assert!(table.contains("EUR: FY2026 outlook") && table.contains("USD: FY2026 outlook"), "{table}");
}
