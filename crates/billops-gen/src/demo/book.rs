//! The demo book: payers, customers, linked accounts and who owns which account when.
use billops_domain::Period;
use chrono::NaiveDate;

use crate::amount::Rate;
use crate::format::{FileFormat, TagCase};
use crate::plan::{MeterChoice, MeterPlan, plan_meters};
use crate::rng::SplitMix64;

/// The seed of the demo book. Changing it (or anything in this module) changes the committed fixtures.
pub const DEMO_SEED: u64 = 0x00B1_110B_5DE0_2026;

pub const PERIODS: [(i32, u32); 4] = [(2026, 7), (2026, 8), (2026, 9), (2026, 10)];
/// The last period is delivered as an estimate (no invoice yet).
pub const ESTIMATED: usize = 3;
pub const FROM_DATE: (i32, u32, u32) = (2026, 1, 1);

#[derive(Debug)]
pub struct Payer {
    pub id: &'static str,
    pub name: &'static str,
    pub format: FileFormat,
    pub tag_case: TagCase,
    pub regions: &'static [usize],
    /// Enterprise discount on usage: net unblended = unblended × 0.97.
    pub edp: bool,
    pub tax_rate: Rate,
    pub tax_label: &'static str,
}

pub static PAYERS: [Payer; 3] = [
    Payer {
        id: "731245098812",
        name: "Meridian Cloud Payer US",
        format: FileFormat::Cur,
        tag_case: TagCase::Capital,
        regions: &[0, 1],
        edp: true,
        tax_rate: (625, 4),
        tax_label: "US sales tax",
    },
    Payer {
        id: "842156730019",
        name: "Meridian Cloud Payer EU",
        format: FileFormat::Cur2,
        tag_case: TagCase::Lower,
        regions: &[2, 3],
        edp: false,
        tax_rate: (23, 2),
        tax_label: "VAT",
    },
    Payer {
        id: "953067412205",
        name: "Meridian Cloud Payer APAC",
        format: FileFormat::Focus,
        tag_case: TagCase::Lower,
        regions: &[4, 0],
        edp: false,
        tax_rate: (1, 1),
        tax_label: "GST",
    },
];

/// A customer: code, name, monthly spend (USD), spend index per period (percent of July), and one payer
/// letter (A, B, C) per linked account.
#[derive(Debug)]
pub struct CustomerSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub monthly_usd: i64,
    pub trend: [i64; 4],
    pub accounts: &'static str,
}

const fn c(
    code: &'static str,
    name: &'static str,
    monthly_usd: i64,
    trend: [i64; 4],
    accounts: &'static str,
) -> CustomerSpec {
    CustomerSpec { code, name, monthly_usd, trend, accounts }
}

pub static CUSTOMERS: [CustomerSpec; 25] = [
    c("acme", "Acme Corporation", 95_000, [100, 106, 113, 121], "AAAAAAACC"),
    c("globex", "Globex Corporation", 80_000, [100, 98, 101, 97], "AAAABBBB"),
    c("initech", "Initech LLC", 22_000, [100, 101, 99, 102], "BBB"),
    c("umbrella", "Umbrella Health Systems", 60_000, [100, 112, 126, 118], "CCCCCCC"),
    c("hooli", "Hooli Inc.", 70_000, [100, 94, 83, 71], "BBBBBBBB"),
    c("wayne", "Wayne Enterprises", 110_000, [100, 101, 103, 104], "AAAAAAAA"),
    c("stark", "Stark Industries", 75_000, [100, 130, 138, 141], "CCCCCCC"),
    c("wonka", "Wonka Confectionery", 12_000, [100, 99, 180, 96], "BBBB"),
    c("tyrell", "Tyrell Corporation", 40_000, [100, 102, 104, 58], "AAAAA"),
    c("cyberdyne", "Cyberdyne Systems", 35_000, [100, 115, 132, 152], "CCCCC"),
    c("soylent", "Soylent Foods", 9_000, [100, 97, 95, 93], "BB"),
    c("oscorp", "Oscorp Industries", 28_000, [100, 104, 99, 106], "AAAA"),
    c("vandelay", "Vandelay Industries", 6_000, [100, 99, 101, 100], "CC"),
    c("dunder", "Dunder Mifflin Paper Co.", 5_000, [100, 92, 90, 85], "BB"),
    c("piedpiper", "Pied Piper", 15_000, [100, 145, 210, 260], "AAA"),
    c("aperture", "Aperture Science", 32_000, [100, 108, 97, 111], "CCCCC"),
    c("massive", "Massive Dynamic", 45_000, [100, 103, 107, 112], "BBBBBBB"),
    c("gringotts", "Gringotts Bank", 55_000, [100, 100, 102, 99], "AAAAAA"),
    c("oceanic", "Oceanic Airlines", 38_000, [100, 121, 88, 93], "CCCCC"),
    c("monarch", "Monarch Solutions", 8_000, [100, 96, 104, 100], "BBBB"),
    c("nakatomi", "Nakatomi Trading", 26_000, [100, 110, 118, 125], "AAAA"),
    c("duff", "Duff Beverages", 7_000, [100, 125, 95, 80], "CCC"),
    c("sterling", "Sterling Cooper", 11_000, [100, 101, 99, 97], "BBBB"),
    c("bluth", "Bluth Company", 4_000, [100, 70, 55, 40], "AA"),
    c("prestige", "Prestige Worldwide", 3_000, [100, 100, 160, 165], "CC"),
];

/// Account name suffixes, in order, with their share weights.
const SUFFIXES: [(&str, i64); 10] = [
    ("prod", 40),
    ("staging", 14),
    ("dev", 10),
    ("data", 12),
    ("analytics", 10),
    ("shared-services", 6),
    ("security", 3),
    ("sandbox", 3),
    ("dr", 5),
    ("network", 5),
];

/// The account that moves from globex to initech mid-month, and when.
pub const MOVED_ACCOUNT_NAME: &str = "globex-analytics";
pub const MOVE_TO: &str = "initech";
pub const MOVE_ON: (i32, u32, u32) = (2026, 9, 15);
/// The account with cost that no customer mapping covers.
pub const UNASSIGNED_NAME: &str = "poc-genai-sandbox";

/// Extra monthly lines an account carries.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Credit: description and percent of the account's usage.
    pub credit: Option<(&'static str, i128)>,
    /// AWS Support (Business) fee, percent of the account's usage.
    pub support_pct: Option<i128>,
    /// A one-off refund (period index, amount mantissa at 10 decimals, description).
    pub refund: Option<(usize, i128, &'static str)>,
}

#[derive(Debug)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub payer: usize,
    /// Index into [`CUSTOMERS`]; `None` for the unassigned account.
    pub customer: Option<usize>,
    /// Monthly spend at index 100, in micro-dollars.
    pub monthly_micro: i64,
    pub first_period: usize,
    pub meters: Vec<MeterPlan>,
    pub sp_id: String,
    pub ri_id: String,
    pub extras: Extras,
}

/// One row of accounts.csv.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub account: usize,
    pub customer: usize,
    pub from: NaiveDate,
}

#[derive(Debug)]
pub struct Book {
    pub accounts: Vec<Account>,
    pub assignments: Vec<Assignment>,
    pub periods: Vec<Period>,
}

pub fn date(d: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.0, d.1, d.2).unwrap_or_default()
}

fn new_account_id(rng: &mut SplitMix64, taken: &[Account]) -> String {
    loop {
        let id = rng.range(100_000_000_000, 999_999_999_999).to_string();
        if !taken.iter().any(|a| a.id == id) && !PAYERS.iter().any(|p| p.id == id) {
            return id;
        }
    }
}

fn extras_for(name: &str) -> Extras {
    let mut e = Extras::default();
    match name {
        "piedpiper-prod" => e.credit = Some(("AWS Activate Credits", 20)),
        "stark-prod" => e.credit = Some(("MAP 2.0 Migration Credit", 15)),
        "cyberdyne-prod" => e.credit = Some(("AWS Promotional Credit", 8)),
        "wayne-prod" | "globex-prod" | "hooli-prod" | "umbrella-prod" => e.support_pct = Some(10),
        "wayne-staging" => {
            e.refund =
                Some((2, -4_125_000_000_000, "Refund for AmazonS3 request charges billed in error (case 178234509)"))
        }
        _ => {}
    }
    e
}

/// Build the book. Pure and deterministic.
pub fn build() -> Book {
    let mut rng = SplitMix64::derive(DEMO_SEED, "accounts");
    let mut accounts: Vec<Account> = Vec::new();
    let mut assignments = Vec::new();
    let from = date(FROM_DATE);
    for (ci, cust) in CUSTOMERS.iter().enumerate() {
        let letters: Vec<usize> = cust.accounts.bytes().map(|b| usize::from(b.saturating_sub(b'A')).min(2)).collect();
        let weight_total: i64 = SUFFIXES.iter().take(letters.len()).map(|s| s.1).sum();
        for (k, &payer) in letters.iter().enumerate() {
            let (suffix, weight) = SUFFIXES[k % SUFFIXES.len()];
            let name = format!("{}-{suffix}", cust.code);
            let id = new_account_id(&mut rng, &accounts);
            let monthly_micro = cust.monthly_usd * 1_000_000 * weight / weight_total.max(1);
            let is_prod = k == 0;
            let choice = MeterChoice {
                account_id: &id,
                account_name: &name,
                regions: PAYERS[payer].regions,
                extra_services: if is_prod { 5 + rng.below(3) as usize } else { 2 + rng.below(3) as usize },
                max_daily: if is_prod {
                    3
                } else if monthly_micro > 4_000_000_000 {
                    2
                } else {
                    1
                },
                savings_plan: is_prod && matches!(cust.code, "acme" | "hooli" | "stark" | "wayne"),
                reserved: is_prod && matches!(cust.code, "gringotts" | "massive" | "umbrella"),
                untagged_pct: 18,
            };
            let meters = plan_meters(&mut rng, &choice);
            let payer_id = PAYERS[payer].id;
            let sp_id = format!("arn:aws:savingsplans::{payer_id}:savingsplan/{:016x}", rng.next_u64());
            let ri_id = format!("arn:aws:rds:{}:{payer_id}:ri:ri-{:012x}", meters[0].region.code, rng.next_u64() >> 16);
            assignments.push(Assignment { account: accounts.len(), customer: ci, from });
            if name == MOVED_ACCOUNT_NAME {
                let to = CUSTOMERS.iter().position(|c| c.code == MOVE_TO).unwrap_or(0);
                assignments.push(Assignment { account: accounts.len(), customer: to, from: date(MOVE_ON) });
            }
            accounts.push(Account {
                extras: extras_for(&name),
                id,
                name,
                payer,
                customer: Some(ci),
                monthly_micro,
                first_period: 0,
                meters,
                sp_id,
                ri_id,
            });
        }
    }
    // The unassigned account: new in August, nobody has mapped it.
    let id = new_account_id(&mut rng, &accounts);
    let choice = MeterChoice {
        account_id: &id,
        account_name: UNASSIGNED_NAME,
        regions: PAYERS[1].regions,
        extra_services: 2,
        max_daily: 1,
        savings_plan: false,
        reserved: false,
        untagged_pct: 60,
    };
    let meters = plan_meters(&mut rng, &choice);
    accounts.push(Account {
        id,
        name: UNASSIGNED_NAME.to_string(),
        payer: 1,
        customer: None,
        monthly_micro: 2_400_000_000,
        first_period: 1,
        meters,
        sp_id: String::new(),
        ri_id: String::new(),
        extras: Extras::default(),
    });
    let periods = PERIODS.iter().filter_map(|&(y, m)| Period::new(y, m)).collect();
    Book { accounts, assignments, periods }
}

impl Book {
    /// The customer code owning `account` on `day` (the latest assignment starting on or before it).
    pub fn customer_on(&self, account: usize, day: NaiveDate) -> Option<&'static str> {
        self.assignments
            .iter()
            .filter(|a| a.account == account && a.from <= day)
            .max_by_key(|a| a.from)
            .map(|a| CUSTOMERS[a.customer].code)
    }

    /// Spend index (percent) of an account's customer in a period.
    pub fn trend(&self, account: &Account, period: usize) -> i64 {
        match account.customer {
            Some(c) => CUSTOMERS[c].trend[period.min(3)],
            // The unassigned sandbox grows as someone experiments.
            None => [0, 100, 135, 170][period.min(3)],
        }
    }

    /// The invoice id of a final payer-period; empty while estimated.
    pub fn invoice_id(&self, payer: usize, period: usize) -> String {
        if period >= ESTIMATED {
            return String::new();
        }
        let p = self.periods.get(period).map(|p| format!("{:04}{:02}", p.year(), p.month())).unwrap_or_default();
        format!("{p}{}", &PAYERS[payer].id[6..])
    }
}
