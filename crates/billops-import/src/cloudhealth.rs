//! CloudHealth partner price books (their XML): rule groups with start and end dates, each billing rule a
//! `percentDiscount`, `percentIncrease` or `fixedRate`, matched on product, region, usage type, operation, record
//! type and line-item description; first match wins. Read with quick-xml (no hand parsing), then mapped onto
//! billops price-book rules ([`map`]): what a billops rule cannot express is listed, rule by rule, with why —
//! never approximated.
//!
//! Mapping (documented decision): product → service, region → region, usage type → usage type, record type →
//! charge category (`usage`, `tax`, `credit`, … as billops names them); percentDiscount → discount,
//! percentIncrease → markup, fixedRate → a unit rate. Not mappable: an operation or a line-item description
//! (billops rules have no such field), more than one value of a field in one rule (a billops rule matches one),
//! an end date (billops rules run until a later rule replaces them: ending one silently would change prices after
//! it), a start that is not a month's first day (a period is billed with what is in force on its first day), a
//! disabled group, two pricings or none. The document order is kept, so first match still wins among the
//! imported rules (they are added after the customer's existing rules).
use std::str::FromStr;

use billops_domain::ChargeCategory;
use billops_domain::rating::{Pricing, RuleScope};
use chrono::{Datelike, NaiveDate};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

/// One billing rule as the file states it (attributes and match fields as text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChRule {
    pub name: String,
    /// Its group's dates and state.
    pub start: Option<String>,
    pub end: Option<String>,
    pub enabled: bool,
    pub percent_discount: Option<String>,
    pub percent_increase: Option<String>,
    pub fixed_rate: Option<String>,
    pub products: Vec<String>,
    pub regions: Vec<String>,
    pub usage_types: Vec<String>,
    pub operations: Vec<String>,
    pub record_types: Vec<String>,
    pub descriptions: Vec<String>,
}

/// A rule that maps: the billops rule to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub name: String,
    pub scope: RuleScope,
    pub pricing: Pricing,
    pub from: NaiveDate,
}

/// A rule that does not map, and why (every reason, not the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub name: String,
    pub why: Vec<String>,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute: {err}"))?;
        if a.key.as_ref().eq_ignore_ascii_case(name.as_bytes()) {
            let v = a.unescape_value().map_err(|err| format!("attribute {name}: {err}"))?;
            return Ok(Some(v.trim().to_string()));
        }
    }
    Ok(None)
}

/// The rules of a CloudHealth price book, in document order. A file that is not one is refused with the
/// position of what is wrong.
pub fn parse(xml: &str) -> Result<Vec<ChRule>, String> {
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(true);
    let mut out = Vec::new();
    let mut group: Option<(Option<String>, Option<String>, bool)> = None;
    let mut rule: Option<ChRule> = None;
    let mut root = false;
    loop {
        let at = r.buffer_position();
        let ev = r.read_event().map_err(|e| format!("not well-formed XML at byte {at}: {e}"))?;
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    b"BillingRule" => out.extend(rule.take()),
                    b"RuleGroup" => group = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
        match name.as_str() {
            "CHTBillingRules" => root = true,
            "RuleGroup" => {
                let enabled = attr(e, "enabled")?.is_none_or(|v| !v.eq_ignore_ascii_case("false"));
                group = Some((attr(e, "startDate")?, attr(e, "endDate")?, enabled));
            }
            "BillingRule" => {
                let (start, end, enabled) = group.clone().ok_or("a BillingRule outside a RuleGroup")?;
                let new = ChRule {
                    name: attr(e, "name")?.unwrap_or_else(|| format!("rule {}", out.len() + 1)),
                    start,
                    end,
                    enabled,
                    percent_discount: attr(e, "percentDiscount")?,
                    percent_increase: attr(e, "percentIncrease")?,
                    fixed_rate: attr(e, "fixedRate")?,
                    ..ChRule::default()
                };
                if empty {
                    out.push(new);
                } else {
                    rule = Some(new);
                }
            }
            field => {
                let Some(cur) = rule.as_mut() else { continue };
                let value = |k: &str| attr(e, k);
                match field {
                    "Product" => cur.products.extend(value("productName")?),
                    "Region" => cur.regions.extend(value("name")?),
                    "UsageType" => cur.usage_types.extend(value("name")?),
                    "Operation" => cur.operations.extend(value("name")?),
                    "RecordType" => cur.record_types.extend(value("name")?),
                    "LineItemDescription" => {
                        cur.descriptions.extend(value("contains")?.or(value("startsWith")?).or(value("name")?))
                    }
                    _ => {}
                }
            }
        }
    }
    if !root {
        return Err("not a CloudHealth price book (no CHTBillingRules element)".into());
    }
    Ok(out)
}

fn one(values: &[String], what: &str, why: &mut Vec<String>) -> Option<String> {
    let v: Vec<&String> = values.iter().filter(|v| !v.eq_ignore_ascii_case("ANY") && !v.is_empty()).collect();
    match v.as_slice() {
        [] => None,
        [x] => Some((*x).clone()),
        many => {
            why.push(format!(
                "{} {what} values ({}): a billops rule matches one; split the rule",
                many.len(),
                join(many)
            ));
            None
        }
    }
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

fn date(text: &str) -> Option<NaiveDate> {
    let t = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

/// Map each rule onto a billops rule or say why it cannot be one.
pub fn map(rules: &[ChRule]) -> (Vec<Mapped>, Vec<Unmapped>) {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for r in rules {
        let mut why = Vec::new();
        if !r.enabled {
            why.push("its rule group is disabled".to_string());
        }
        let service = one(&r.products, "product", &mut why);
        let region = one(&r.regions, "region", &mut why);
        let usage_type = one(&r.usage_types, "usage type", &mut why);
        let record = one(&r.record_types, "record type", &mut why);
        let charge_category = record.as_deref().and_then(|t| match ChargeCategory::from_str(&t.to_ascii_lowercase()) {
            Ok(c) => Some(c),
            Err(_) => {
                why.push(format!("record type {t:?} is not a billops charge category (usage, tax, credit, …)"));
                None
            }
        });
        for (values, what) in [(&r.operations, "operation"), (&r.descriptions, "line-item description")] {
            let v: Vec<&String> = values.iter().filter(|v| !v.eq_ignore_ascii_case("ANY") && !v.is_empty()).collect();
            if !v.is_empty() {
                why.push(format!("matches on {what} ({}): billops rules have no such field", join(&v)));
            }
        }
        let from = match r.start.as_deref().map(|s| (s, date(s))) {
            None => {
                why.push("its rule group has no start date".into());
                None
            }
            Some((s, None)) => {
                why.push(format!("start date {s:?} is not YYYY-MM-DD"));
                None
            }
            Some((s, Some(d))) if d.day() != 1 => {
                why.push(format!("starts {s}: billops rules start on a month's first day"));
                None
            }
            Some((_, Some(d))) => Some(d),
        };
        if let Some(end) = r.end.as_deref().filter(|e| !e.is_empty()) {
            why.push(format!("ends {end}: billops rules run until a later rule replaces them (add that rule by hand)"));
        }
        let pricings: Vec<Result<Pricing, String>> = [
            (&r.percent_discount, "percentDiscount"),
            (&r.percent_increase, "percentIncrease"),
            (&r.fixed_rate, "fixedRate"),
        ]
        .into_iter()
        .filter_map(|(v, k)| v.as_deref().map(|v| (v, k)))
        .map(|(v, k)| {
            let d = Decimal::from_str_exact(v).map_err(|_| format!("{k} {v:?} is not a number"))?;
            match k {
                "percentDiscount" => Pricing::discount(d),
                "percentIncrease" => Pricing::markup(d),
                _ => Pricing::fixed_unit_rate(d),
            }
            .map_err(|e| format!("{k} {v}: {e}"))
        })
        .collect();
        let pricing = match pricings.as_slice() {
            [Ok(p)] => Some(*p),
            [Err(e)] => {
                why.push(e.clone());
                None
            }
            [] => {
                why.push("no percentDiscount, percentIncrease or fixedRate".into());
                None
            }
            _ => {
                why.push("more than one of percentDiscount, percentIncrease, fixedRate".into());
                None
            }
        };
        match (why.is_empty(), pricing, from) {
            (true, Some(pricing), Some(from)) => {
                let scope = RuleScope { service, product: None, usage_type, region, charge_category };
                ok.push(Mapped { name: r.name.clone(), scope, pricing, from });
            }
            _ => bad.push(Unmapped { name: r.name.clone(), why }),
        }
    }
    (ok, bad)
}
