//! The Disputes pane's fixture: two disputes (one open on INV-000001 line 3 with its SLA time left, one settled
//! by a PPA), two PPAs (one proposed by bob, one posted), an SLA claim and a request in warning.
use billops::console::panes::disputes::io::{Query, Reply};
use billops::console::panes::disputes::{Detail, Target};
use billops::month::ppa_posting::ChainStep;
use billops_domain::Money;
use billops_domain::credit::ApprovalPolicy;
use billops_domain::dispute::{Dispute, DisputeInput, DisputeTarget, ReasonCode, Settlement};
use billops_domain::ppa::{Ppa, PpaInput};
use billops_domain::request::{RequestTimer, SlaTarget};
use billops_domain::sla::{ClaimInput, ClaimStatus, SlaClaim, SlaPolicy, assess_claim};
use billops_store::disputes::{ClaimRecord, DisputeRecord, PpaRecord, RequestKind, RequestRecord};
use chrono::{Duration, TimeZone, Utc};

use super::{d, now, p};

fn dispute(id: i64, line: u32, amount: &str, settled: bool) -> DisputeRecord {
    let input = DisputeInput {
        customer: "ACME".into(),
        target: DisputeTarget::Line { invoice: "INV-000001".into(), line },
        amount: Money::new(d(amount), "USD"),
        disputed_of: Money::new(d("1200"), "USD"),
        reason: ReasonCode::Pricing,
        evidence: "contract rate is 10% lower".into(),
        external_ref: Some("INC0012345".into()),
        owner: "bob".into(),
        due: Some(now() + Duration::hours(30)),
    };
    let at = now() - Duration::days(3);
    let mut dsp = Dispute::open(input, "bob", at).unwrap();
    if settled {
        dsp.accept("bob", at, "rate confirmed").unwrap();
        dsp.settle(Settlement::Ppa { id: Some(2) }, "alice", at, &ApprovalPolicy::new(d("500")).unwrap()).unwrap();
    }
    DisputeRecord {
        id,
        version: if settled { 3 } else { 1 },
        invoice_id: 1,
        invoice_number: Some("INV-000001".into()),
        period: p("2026-04"),
        request_id: Some(id),
        dispute: dsp,
    }
}

fn ppa(id: i64, by: &str, posted: bool) -> PpaRecord {
    let input = PpaInput {
        customer: "ACME".into(),
        currency: "USD".into(),
        original_period: p("2026-04"),
        original_invoice: "INV-000001".into(),
        original_line: 3,
        original: d("1200"),
        rerated: d("1160"),
        interest: d("0.27"),
        reason: "contract rate".into(),
    };
    let mut ppa = Ppa::propose(input, by).unwrap();
    if posted {
        ppa.approve("carol", &ApprovalPolicy::new(d("10")).unwrap()).unwrap();
        ppa.post(p("2026-05"), "ACME 2026-05", |_| false).unwrap();
    }
    PpaRecord {
        id,
        version: 1,
        original_invoice_id: 1,
        dispute_id: posted.then_some(2),
        run: None,
        ppa,
        events: vec![],
    }
}

pub fn disputes() -> Vec<(DisputeRecord, String)> {
    vec![(dispute(3, 3, "40", false), "12h30m left".into()), (dispute(2, 5, "25", true), String::new())]
}

pub fn ppas() -> Vec<PpaRecord> {
    vec![ppa(1, "bob", false), ppa(2, "alice", true)]
}

pub fn claims() -> Vec<ClaimRecord> {
    let input = ClaimInput {
        service: "AmazonEC2".into(),
        region: "us-east-1".into(),
        incident_start: Utc.with_ymd_and_hms(2026, 4, 3, 1, 0, 0).unwrap(),
        incident_end: Utc.with_ymd_and_hms(2026, 4, 3, 9, 0, 0).unwrap(),
        uptime: d("98.5"),
        affected_charges: Money::new(d("1000"), "USD"),
    };
    let claim = assess_claim(&SlaPolicy::aws_compute_region(), &input).unwrap();
    // Newest first: one credited, one approved, one submitted, the draft.
    [(4, ClaimStatus::Credited), (3, ClaimStatus::Approved), (2, ClaimStatus::Submitted), (1, ClaimStatus::Draft)]
        .into_iter()
        .map(|(id, status)| ClaimRecord {
            id,
            version: id,
            claim: SlaClaim { status, ..claim.clone() },
            events: vec![],
            credited: (status == ClaimStatus::Credited).then(|| d("290")),
            allocations: vec![],
            credits: vec![],
        })
        .collect()
}

pub fn requests() -> Vec<(RequestRecord, String)> {
    let mut timer = RequestTimer::default();
    timer.start(now() - Duration::hours(3)).unwrap();
    let r = RequestRecord {
        id: 4,
        version: 1,
        kind: RequestKind::CustomerQuery,
        external_ref: Some("RITM0001".into()),
        customer: Some("ACME".into()),
        subject: "why is EC2 up 20%?".into(),
        target: SlaTarget::hours(4, 50).unwrap(),
        timer,
        events: vec![],
    };
    vec![(r, "WARNING 1h00m left".into())]
}

pub fn detail(t: &Target) -> Detail {
    let step = |step: &str, invoice: &str, period: &str, line: &str, text: &str, amount: &str| ChainStep {
        step: step.into(),
        invoice: invoice.into(),
        period: period.into(),
        line: line.into(),
        description: text.into(),
        amount: d(amount),
        currency: "USD".into(),
    };
    Detail {
        title: match t {
            Target::Dispute(id) => format!("dispute {id}: invoice INV-000001 line 5 (settled)"),
            Target::Ppa(id) => format!("PPA {id}: INV-000001 line 3 (2026-04)"),
            Target::Claim(id) => format!("SLA claim {id}: AmazonEC2 us-east-1 2026-04"),
            Target::Request(id) => format!("request {id}: billing question"),
        },
        trail: vec![["2026-05-12 09:00".into(), "bob".into(), "open → accepted".into(), "rate confirmed".into()]],
        chain: vec![
            step("original", "INV-000001", "2026-04", "3", "AmazonEC2 / web / compute", "1200"),
            step("posted", "draft #2", "2026-05", "7", "PPA-2 reversal of INV-000001 line 3 (2026-04)", "-1200"),
            step("posted", "draft #2", "2026-05", "8", "PPA-2 re-rated INV-000001 line 3 (2026-04)", "1160"),
        ],
        extra: match t {
            Target::Ppa(_) => Some((
                "interest, step by step".into(),
                vec![
                    "interest on the PPA: -0.27 USD".into(),
                    "ACME's terms: prompt-payment: due 2026-04-30, to 2026-05-10 (10 days late)".into(),
                    "1. 2026-05-01 – 2026-05-10  10 d at 6.5% on 40: 0.0722222222 → base none".into(),
                ],
            )),
            Target::Claim(_) => {
                Some(("assessment and pass-through".into(), vec!["uptime 98.5%: below 99.0% → 30%".into()]))
            }
            Target::Dispute(_) | Target::Request(_) => None,
        },
    }
}

pub fn answer(q: Query) -> Reply {
    match q {
        Query::Disputes => Reply::Disputes(disputes()),
        Query::Ppas => Reply::Ppas(ppas()),
        Query::Claims => Reply::Claims(claims()),
        Query::Requests => Reply::Requests(requests()),
        Query::Detail(t) => {
            let d = detail(&t);
            Reply::Detail(t, d)
        }
        Query::Late(run) => {
            let said = format!(
                "{}: 3 row(s) for {}; 2 line(s) move on 1 issued invoice(s), Δ 125.50 USD",
                run.file, run.period
            );
            Reply::Late(run, 2, said)
        }
    }
}
