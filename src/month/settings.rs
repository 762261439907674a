//! The month-end settings, kept in the store so that every operator (and the CLI, the console, a second
//! machine on the same PostgreSQL) judges the month by the same rules: due day and calendar, tie-out tolerance,
//! variance thresholds, the maker-checker threshold. Managers change them (`billops close set KEY VALUE`),
//! audited; absent keys take the defaults. Values are exact decimals as text, checked here before they are
//! written, so a stored set always parses.
use std::collections::BTreeMap;

use billops_domain::close::{CheckId, DueKind, DueRule};
use billops_domain::forecast::fiscal::{self, FiscalCalendar};
use billops_domain::parse_decimal;
use billops_domain::terms::Percent;
use billops_domain::variance::VarianceThresholds;
use billops_store::{Actor, Result, Store, StoreError};
use rust_decimal::Decimal;
use serde::Serialize;

use super::CloseSettings;

/// The keys, in the order they are shown, with what each means (the owner keys follow: [`OWNER_KEYS`]).
pub const KEYS: [(&str, &str); 11] = [
    ("due_day", "the close is due on this day of the next month (1-31; 1-20 with business_days)"),
    ("business_days", "true: the due_day-th business day instead of a calendar day"),
    ("tie_out_tolerance", "largest unexplained tie-out residual per payer"),
    ("variance_pct", "a variance is flagged when |Δ%| reaches this (and |Δ| variance_abs)"),
    ("variance_abs", "… and |Δ| reaches this (new or gone services: |Δ| alone)"),
    ("credit_approval_threshold", "credits above this need an approver other than the proposer"),
    ("issue_after_sign_off", "true: invoices are issued after sign-off (approved, unissued invoices do not block)"),
    ("unreached_credits", "block or warn: supplier credits not passed on and funding credits unused"),
    ("onboarding_blocks", "true: customers with open onboarding items block the sign-off (default: a warning)"),
    ("fiscal_start_month", "the month (1-12) a fiscal year starts; FY named by the year it ends in"),
    ("budget_warn_pct", "a budget alert warns at this percent of the budget (over at 100)"),
];

/// Who owns each checklist item (`owner.final_data` …): a name shown on the board, anything a person types.
pub const OWNER_KEYS: [(&str, CheckId); 8] = [
    ("owner.final_data", CheckId::FinalData),
    ("owner.accounts_assigned", CheckId::AccountsAssigned),
    ("owner.supplier_reconciled", CheckId::SupplierReconciled),
    ("owner.credits_applied", CheckId::CreditsApplied),
    ("owner.variances_explained", CheckId::VariancesExplained),
    ("owner.invoices_approved", CheckId::InvoicesApproved),
    ("owner.onboarding", CheckId::Onboarding),
    ("owner.sign_off", CheckId::SignOff),
];

/// The seller's details printed on every customer document (`|` separates lines).
pub const ISSUER_KEYS: [(&str, &str); 5] = [
    ("issuer.name", "the seller's name on invoices, credit notes and statements"),
    ("issuer.address", "the seller's postal address, lines separated by |"),
    ("issuer.tax_id", "the seller's tax id"),
    ("issuer.email", "where customers write about a document"),
    ("issuer.payment", "payment instructions (bank, account, reference), lines separated by |"),
];

fn known(key: &str) -> bool {
    KEYS.iter().chain(ISSUER_KEYS.iter()).any(|(k, _)| *k == key) || OWNER_KEYS.iter().any(|(k, _)| *k == key)
}

/// One setting as shown: its value in force, whether it is the default, who set it.
#[derive(Debug, Clone, Serialize)]
pub struct SettingView {
    pub key: &'static str,
    pub value: String,
    pub default: bool,
    pub set_by: Option<String>,
    pub meaning: &'static str,
}

/// The settings a set of key → text values gives (defaults for absent keys); errors name the key.
pub fn parse(values: &BTreeMap<String, String>) -> std::result::Result<CloseSettings, String> {
    let bad = |key: &str, why: String| format!("setting {key}: {why}");
    if let Some(k) = values.keys().find(|k| !known(k)) {
        let known: Vec<&str> =
            KEYS.iter().chain(ISSUER_KEYS.iter()).map(|(k, _)| *k).chain(OWNER_KEYS.iter().map(|(k, _)| *k)).collect();
        return Err(bad(k, format!("unknown; the settings are {}", known.join(", "))));
    }
    let exact = |key: &str| -> std::result::Result<Option<Decimal>, String> {
        match values.get(key) {
            None => Ok(None),
            Some(t) => match parse_decimal(t) {
                Ok(d) if d.is_sign_negative() && !d.is_zero() => Err(bad(key, format!("{t} is negative"))),
                Ok(d) => Ok(Some(d)),
                Err(e) => Err(bad(key, format!("{t:?}: {e}"))),
            },
        }
    };
    let mut out = CloseSettings::default();
    let flag = |key: &str| -> std::result::Result<bool, String> {
        match values.get(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" => Ok(true),
            Some(v) if v == "false" => Ok(false),
            Some(v) => Err(bad(key, format!("{v:?} is not true or false"))),
        }
    };
    let business = flag("business_days")?;
    out.board.issue_after_sign_off = flag("issue_after_sign_off")?;
    out.board.unreached_credits_block = match values.get("unreached_credits").map(|v| v.trim().to_ascii_lowercase()) {
        None => true,
        Some(v) if v == "block" => true,
        Some(v) if v == "warn" => false,
        Some(v) => return Err(bad("unreached_credits", format!("{v:?} is not block or warn"))),
    };
    for (key, _) in ISSUER_KEYS {
        if let Some(v) = values.get(key) {
            for line in v.split('|').map(str::trim).filter(|l| !l.is_empty()) {
                billops_domain::text::Name::new(key, line).map_err(|e| bad(key, e.to_string()))?;
            }
        }
    }
    for (key, check) in OWNER_KEYS {
        if let Some(name) = values.get(key) {
            let name = billops_domain::text::Name::new(key, name.trim()).map_err(|e| bad(key, e.to_string()))?;
            out.board.owners.insert(check, name.as_str().to_string());
        }
    }
    let day = match values.get("due_day") {
        None => out.board.due.day(),
        Some(t) => t.trim().parse::<u32>().map_err(|_| bad("due_day", format!("{t:?} is not a day number")))?,
    };
    out.board.onboarding_blocks = match values.get("onboarding_blocks").map(|v| v.trim().to_ascii_lowercase()) {
        None => out.board.onboarding_blocks,
        Some(v) if v == "true" => true,
        Some(v) if v == "false" => false,
        Some(v) => return Err(bad("onboarding_blocks", format!("{v:?} is not true or false"))),
    };
    if let Some(t) = values.get("fiscal_start_month") {
        let m =
            t.trim().parse::<u32>().map_err(|_| bad("fiscal_start_month", format!("{t:?} is not a month number")))?;
        out.plan.fiscal = FiscalCalendar::new(m).map_err(|e| bad("fiscal_start_month", e.to_string()))?;
    }
    if let Some(w) = exact("budget_warn_pct")? {
        fiscal::alert(Decimal::ZERO, Decimal::ONE, w).map_err(|e| bad("budget_warn_pct", e.to_string()))?;
        out.plan.warn_pct = w;
    }
    let kind = if business { DueKind::BusinessDay } else { DueKind::CalendarDay };
    out.board.due = DueRule::new(day, kind).map_err(|e| bad("due_day", e.to_string()))?;
    if let Some(t) = exact("tie_out_tolerance")? {
        out.board.tie_out_tolerance = t;
    }
    let pct = match exact("variance_pct")? {
        Some(p) => Percent::new(p).map_err(|e| bad("variance_pct", e.to_string()))?,
        None => out.board.variance.pct(),
    };
    let abs = exact("variance_abs")?.unwrap_or(out.board.variance.abs());
    out.board.variance = VarianceThresholds::new(pct, abs).map_err(|e| bad("variance_abs", e.to_string()))?;
    if let Some(t) = exact("credit_approval_threshold")? {
        out.credit_approval_threshold = t;
    }
    out.approval_policy().map_err(|e| bad("credit_approval_threshold", e))?;
    Ok(out)
}

/// The settings in force (read from the store on every use: a change by another operator counts at once).
pub async fn load(store: &dyn Store) -> Result<CloseSettings> {
    let values: BTreeMap<String, String> = store.settings().await?.into_iter().map(|s| (s.key, s.value)).collect();
    parse(&values).map_err(StoreError::Invalid)
}

/// Every setting with its value in force.
pub async fn show(store: &dyn Store) -> Result<Vec<SettingView>> {
    let stored = store.settings().await?;
    let current = load(store).await?;
    let owners = OWNER_KEYS.iter().map(|(k, _)| (*k, "who owns this checklist item (a name; shown on the board)"));
    Ok(KEYS
        .iter()
        .copied()
        .chain(owners)
        .chain(ISSUER_KEYS.iter().copied())
        .map(|(key, meaning)| {
            let s = stored.iter().find(|s| s.key == key);
            SettingView {
                key,
                value: s.map(|s| s.value.clone()).unwrap_or_else(|| default_text(&current, key)),
                default: s.is_none(),
                set_by: s.map(|s| format!("{} {}", s.set_by, s.set_at.format("%Y-%m-%d %H:%M"))),
                meaning,
            }
        })
        .collect())
}

fn default_text(s: &CloseSettings, key: &str) -> String {
    match key {
        "due_day" => s.board.due.day().to_string(),
        "business_days" => (s.board.due.kind() == DueKind::BusinessDay).to_string(),
        "tie_out_tolerance" => s.board.tie_out_tolerance.normalize().to_string(),
        "variance_pct" => s.board.variance.pct().value().normalize().to_string(),
        "variance_abs" => s.board.variance.abs().normalize().to_string(),
        "issue_after_sign_off" => s.board.issue_after_sign_off.to_string(),
        "unreached_credits" => (if s.board.unreached_credits_block { "block" } else { "warn" }).to_string(),
        "onboarding_blocks" => s.board.onboarding_blocks.to_string(),
        "credit_approval_threshold" => s.credit_approval_threshold.normalize().to_string(),
        "fiscal_start_month" => s.plan.fiscal.start_month().to_string(),
        "budget_warn_pct" => s.plan.warn_pct.normalize().to_string(),
        _ => "-".to_string(),
    }
}

/// Check `value` for `key` together with the settings in force, then store it (managers; audited).
pub async fn set(store: &dyn Store, key: &str, value: &str, by: &Actor) -> Result<CloseSettings> {
    let mut values: BTreeMap<String, String> = store.settings().await?.into_iter().map(|s| (s.key, s.value)).collect();
    values.insert(key.trim().to_string(), value.trim().to_string());
    let settings = parse(&values).map_err(StoreError::Invalid)?;
    store.set_setting(key, value, by).await?;
    Ok(settings)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn of(pairs: &[(&str, &str)]) -> std::result::Result<CloseSettings, String> {
        parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn absent_keys_take_the_defaults() {
        assert_eq!(of(&[]).unwrap(), CloseSettings::default());
    }

    #[test]
    fn values_set_the_rules() {
        let s = of(&[
            ("due_day", "5"),
            ("business_days", "true"),
            ("tie_out_tolerance", "0.05"),
            ("variance_pct", "25"),
            ("variance_abs", "2500.50"),
            ("credit_approval_threshold", "1000"),
        ])
        .unwrap();
        assert_eq!((s.board.due.day(), s.board.due.kind()), (5, DueKind::BusinessDay));
        assert_eq!(s.board.tie_out_tolerance, Decimal::new(5, 2));
        assert_eq!(s.board.variance.pct().value(), Decimal::from(25));
        assert_eq!(s.board.variance.abs(), Decimal::new(250050, 2));
        assert_eq!(s.credit_approval_threshold, Decimal::from(1000));
        assert!(!s.board.issue_after_sign_off && s.board.unreached_credits_block, "defaults");
        let s = of(&[
            ("issue_after_sign_off", "true"),
            ("unreached_credits", "warn"),
            ("owner.final_data", "olga"),
            ("owner.sign_off", " Maria Lopez "),
        ])
        .unwrap();
        assert!(s.board.issue_after_sign_off && !s.board.unreached_credits_block);
        assert_eq!(s.board.owners.get(&CheckId::FinalData).map(String::as_str), Some("olga"));
        assert_eq!(s.board.owners.get(&CheckId::SignOff).map(String::as_str), Some("Maria Lopez"));
        assert_eq!(s.board.owners.len(), 2);
    }

    #[test]
    fn bad_values_name_the_key() {
        for (pairs, key, why) in [
            (&[("due_day", "40")][..], "due_day", "1"),
            (&[("due_day", "25"), ("business_days", "true")][..], "due_day", "20"),
            (&[("business_days", "yes")][..], "business_days", "true or false"),
            (&[("tie_out_tolerance", "0.01.0")][..], "tie_out_tolerance", "0.01.0"),
            (&[("variance_pct", "ten")][..], "variance_pct", "ten"),
            (&[("variance_abs", "-5")][..], "variance_abs", "negative"),
            (&[("credit_approval_threshold", "-1")][..], "credit_approval_threshold", "negative"),
            (&[("due", "10")][..], "due", "unknown"),
            (&[("issue_after_sign_off", "maybe")][..], "issue_after_sign_off", "true or false"),
            (&[("unreached_credits", "ignore")][..], "unreached_credits", "block or warn"),
            (&[("owner.final_data", "a\u{202e}b")][..], "owner.final_data", ""),
            (&[("owner.nothing", "olga")][..], "owner.nothing", "unknown"),
        ] {
            let e = of(pairs).unwrap_err();
            assert!(e.starts_with(&format!("setting {key}:")) && e.contains(why), "{pairs:?}: {e}");
        }
    }
}
