//! One CSV record -> one canonical line item, or the reason it cannot be taken.
use billops_domain::partner::PartnerFields;
use billops_domain::{ChargeCategory, IssueKind, LineItem, Period, UNTAGGED};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::View;
use crate::layout::{Layout, Rules};
use crate::records::Record;
use crate::tags::{TagColumns, pick};
use crate::value::{date_of, decimal, present};

/// Why a row is quarantined: the issue kind, the offending column (0-based) and a reason.
#[derive(Debug)]
pub(crate) struct Fault {
    pub kind: IssueKind,
    pub col: usize,
    pub reason: String,
}

fn bad(col: usize, reason: impl Into<String>) -> Fault {
    Fault { kind: IssueKind::BadValue, col, reason: reason.into() }
}

/// A converted row, plus the charge type text when it was not recognised (imported as adjustment).
pub(crate) struct Converted<'r> {
    pub item: LineItem,
    pub unknown_kind: Option<&'r str>,
    /// An OCI correction row: the reference of the line it corrects (empty when the file does not say).
    pub corrects: Option<&'r str>,
}

/// How a CUR line item type sets the effective cost.
#[derive(Clone, Copy)]
enum Eff {
    Billed,
    SavingsPlan,
    Reservation,
    Zero,
}

const CUR_TYPES: [(&str, ChargeCategory, Eff); 19] = [
    ("Usage", ChargeCategory::Usage, Eff::Billed),
    ("DiscountedUsage", ChargeCategory::Usage, Eff::Reservation),
    ("SavingsPlanCoveredUsage", ChargeCategory::Usage, Eff::SavingsPlan),
    ("SavingsPlanNegation", ChargeCategory::Usage, Eff::Zero),
    ("SavingsPlanUpfrontFee", ChargeCategory::Purchase, Eff::Billed),
    ("SavingsPlanRecurringFee", ChargeCategory::Purchase, Eff::Billed),
    ("RIFee", ChargeCategory::Purchase, Eff::Billed),
    ("Fee", ChargeCategory::Purchase, Eff::Billed),
    ("Tax", ChargeCategory::Tax, Eff::Billed),
    ("Credit", ChargeCategory::Credit, Eff::Billed),
    ("Refund", ChargeCategory::Refund, Eff::Billed),
    ("EdpDiscount", ChargeCategory::Adjustment, Eff::Billed),
    ("BundledDiscount", ChargeCategory::Adjustment, Eff::Billed),
    ("PrivateRateDiscount", ChargeCategory::Adjustment, Eff::Billed),
    ("SppDiscount", ChargeCategory::Adjustment, Eff::Billed),
    ("Discount", ChargeCategory::Adjustment, Eff::Billed),
    // Spelled with separators by some tools.
    ("Savings_Plan_Covered_Usage", ChargeCategory::Usage, Eff::SavingsPlan),
    ("Savings_Plan_Negation", ChargeCategory::Usage, Eff::Zero),
    ("Discounted_Usage", ChargeCategory::Usage, Eff::Reservation),
];

/// Azure charge types. Unused reservations and savings plans are the commitment's cost (usage, as FOCUS
/// has it); rounding adjustments are adjustments.
const AZURE_TYPES: [(&str, ChargeCategory); 8] = [
    ("Usage", ChargeCategory::Usage),
    ("Purchase", ChargeCategory::Purchase),
    ("Refund", ChargeCategory::Refund),
    ("UnusedReservation", ChargeCategory::Usage),
    ("UnusedSavingsPlan", ChargeCategory::Usage),
    ("RoundingAdjustment", ChargeCategory::Adjustment),
    ("Tax", ChargeCategory::Tax),
    ("Credit", ChargeCategory::Credit),
];

impl Layout {
    /// A row's Azure partner fields (empty when the file has none). A value that is not a plain name (control
    /// characters, over 200 characters) is left out: it is a suggestion's input, never worth a row.
    pub(crate) fn partner(&self, record: &Record) -> PartnerFields {
        let r = Rec::new(record);
        let take = |cols: &[usize]| -> String {
            let v = r.text(cols).unwrap_or_default();
            billops_domain::text::Name::new("partner field", &v).map(|n| n.into_string()).unwrap_or_default()
        };
        PartnerFields {
            customer_tenant_id: take(&self.partner_tenant),
            customer_name: take(&self.partner_customer),
            reseller_name: take(&self.partner_reseller),
        }
    }
}

fn cur_type(t: &str) -> Option<(ChargeCategory, Eff)> {
    CUR_TYPES.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(t)).map(|&(_, c, e)| (c, e))
}

const FOCUS_CATEGORIES: [(&str, ChargeCategory); 5] = [
    ("Usage", ChargeCategory::Usage),
    ("Purchase", ChargeCategory::Purchase),
    ("Tax", ChargeCategory::Tax),
    ("Credit", ChargeCategory::Credit),
    ("Adjustment", ChargeCategory::Adjustment),
];

/// A record being converted; its text is validated as UTF-8 once, falling back per field when it is not.
struct Rec<'r> {
    record: &'r Record,
    text: Option<&'r str>,
}

impl<'r> Rec<'r> {
    fn new(record: &'r Record) -> Self {
        Rec { record, text: std::str::from_utf8(record.bytes()).ok() }
    }
    fn field(&self, i: usize) -> Result<&'r str, Fault> {
        let span = self.record.span(i).unwrap_or_default();
        if let Some(s) = self.text.and_then(|t| t.get(span.clone())) {
            return Ok(s);
        }
        let bytes = self.record.bytes().get(span).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| bad(i, "not valid UTF-8 text"))
    }
    /// First column of `cols` with a non-null value.
    fn first(&self, cols: &[usize]) -> Result<Option<(usize, &'r str)>, Fault> {
        for &c in cols {
            if let Some(v) = present(self.field(c)?) {
                return Ok(Some((c, v)));
            }
        }
        Ok(None)
    }
    fn text(&self, cols: &[usize]) -> Result<String, Fault> {
        Ok(self.first(cols)?.map(|(_, v)| v.to_string()).unwrap_or_default())
    }
    fn required(&self, cols: &[usize], what: &str) -> Result<(usize, &'r str), Fault> {
        self.first(cols)?.ok_or_else(|| Fault {
            kind: IssueKind::MissingValue,
            col: cols.last().copied().unwrap_or(0),
            reason: format!("{what} is missing"),
        })
    }
    fn number(&self, cols: &[usize]) -> Result<Option<Decimal>, Fault> {
        match self.first(cols)? {
            Some((c, v)) => decimal(v).map(Some).map_err(|r| bad(c, r)),
            None => Ok(None),
        }
    }
    fn date(&self, col: usize, v: &str, what: &str, us: bool) -> Result<NaiveDate, Fault> {
        date_of(v, us).ok_or_else(|| bad(col, format!("{what} is not a date or timestamp")))
    }
}

impl Layout {
    /// Convert one record of the right width.
    pub(crate) fn convert<'r>(&self, record: &'r Record) -> Result<Converted<'r>, Fault> {
        let r = Rec::new(record);
        let us = self.us_dates;
        let account = r.required(&self.account, "usage account")?.1.to_string();
        let payer = if self.payer.is_empty() {
            // No billing-account column (Azure pay-as-you-go): the payer the operator named, else the account.
            self.fixed_payer.clone().unwrap_or_else(|| account.clone())
        } else {
            r.required(&self.payer, "payer account")?.1.to_string()
        };
        let (uc, uv) = r.required(&self.usage_start, "usage/charge period start")?;
        let usage_date = r.date(uc, uv, "usage/charge period start", us)?;
        let period = match r.first(&self.period_start)? {
            Some((pc, pv)) => Period::of_date(r.date(pc, pv, "billing period start", us)?),
            None if self.period_from_usage => Period::of_date(usage_date),
            None => {
                r.required(&self.period_start, "billing period start")?;
                Period::of_date(usage_date)
            }
        };
        if let Some((ec, ev)) = r.first(&self.period_end)? {
            r.date(ec, ev, "billing period end", us)?;
        }
        let (bc, bv) = r.required(&self.billed, "billed cost")?;
        let billed = decimal(bv).map_err(|e| bad(bc, e))?;
        // Every money column present is checked, not only the one that gives the value.
        // (The billed column, the list columns and FOCUS effective cost are parsed below anyway.)
        for &c in self.money.iter().filter(|&&c| c != bc && !self.list.contains(&c) && !self.effective.contains(&c)) {
            if let Some(v) = present(r.field(c)?) {
                decimal(v).map_err(|e| bad(c, e))?;
            }
        }

        let kind_text = r.first(&self.kind)?.map(|(_, v)| v);
        let (charge_category, eff, known) = match self.rules {
            Rules::Cur => match kind_text.and_then(cur_type) {
                Some((c, e)) => (c, e, true),
                None => (ChargeCategory::Adjustment, Eff::Billed, false),
            },
            Rules::Focus => {
                match kind_text.and_then(|t| FOCUS_CATEGORIES.iter().find(|(n, _)| n.eq_ignore_ascii_case(t))) {
                    Some(&(_, ChargeCategory::Credit)) => {
                        let refund = r.first(&self.subkind)?.is_some_and(|(_, s)| s.eq_ignore_ascii_case("refund"));
                        (if refund { ChargeCategory::Refund } else { ChargeCategory::Credit }, Eff::Billed, true)
                    }
                    Some(&(_, c)) => (c, Eff::Billed, true),
                    None => (ChargeCategory::Adjustment, Eff::Billed, false),
                }
            }
            // A file without a charge-type column (legacy pay-as-you-go) is all usage.
            Rules::Azure(_) => match kind_text {
                None => (ChargeCategory::Usage, Eff::Billed, true),
                Some(t) => match AZURE_TYPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)) {
                    Some(&(_, c)) => (c, Eff::Billed, true),
                    None => (ChargeCategory::Adjustment, Eff::Billed, false),
                },
            },
            Rules::Oci => (ChargeCategory::Usage, Eff::Billed, true),
        };
        let unknown_kind = if known { None } else { Some(kind_text.unwrap_or("")) };

        let mut effective = match (self.rules, eff) {
            (Rules::Cur, Eff::Billed) => billed,
            (Rules::Cur, Eff::Zero) => Decimal::ZERO,
            (Rules::Cur, Eff::SavingsPlan) => r.number(&self.sp_effective)?.unwrap_or(billed),
            (Rules::Cur, Eff::Reservation) => r.number(&self.ri_effective)?.unwrap_or(billed),
            _ => r.number(&self.effective)?.unwrap_or(billed),
        };
        let mut billed = billed;

        let mut quantity = None;
        let mut unit = String::new();
        for (i, &(qc, uc)) in self.quantity.iter().enumerate() {
            let q = r.number(&[qc])?;
            if q.is_some() || i == 0 {
                unit = match uc {
                    Some(u) => r.text(&[u])?,
                    None => String::new(),
                };
            }
            if q.is_some() {
                quantity = q;
                break;
            }
        }
        // Azure's list cost: the pay-as-you-go unit price times the quantity, where both are given.
        let priced = match (r.number(&self.list_price)?, quantity) {
            (Some(price), Some(q)) => Some(price.checked_mul(q).ok_or_else(|| {
                bad(self.list_price.first().copied().unwrap_or(0), "price × quantity is out of range")
            })?),
            _ => None,
        };
        let mut list = match priced {
            Some(l) => l,
            None => r.number(&self.list)?.unwrap_or(billed),
        };
        // Azure's actual and amortised views hold the same month twice: actual feeds billed (and list) cost
        // only, amortised effective cost only, so importing both never adds them together. The amortised
        // rows keep their unit with a zero quantity (the actual view counts the usage).
        match self.rules {
            Rules::Azure(View::Actual) => effective = Decimal::ZERO,
            Rules::Azure(View::Amortized) => {
                effective = billed;
                billed = Decimal::ZERO;
                list = Decimal::ZERO;
                quantity = quantity.map(|_| Decimal::ZERO);
            }
            _ => {}
        }
        let usage_type = match (r.first(&self.usage_type)?, r.first(&self.usage_type2)?) {
            (Some((_, a)), Some((_, b))) if a != b => format!("{a} / {b}"),
            (Some((_, a)), _) => a.to_string(),
            (None, Some((_, b))) => b.to_string(),
            (None, None) => String::new(),
        };
        let corrects = match self.correction {
            Some(c) if present(r.field(c)?).is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1") => {
                Some(match self.backref {
                    Some(b) => present(r.field(b)?).unwrap_or(""),
                    None => "",
                })
            }
            _ => None,
        };

        let region = match self.region_json {
            Some(c) => pick(r.field(c)?, &self.region_keys, &[])
                .map_err(|e| bad(c, format!("product attributes are {e}")))?
                .0
                .unwrap_or_default(),
            None => r.text(&self.region)?,
        };
        let (product, component) = self.tags(&r)?;

        let item = LineItem {
            period,
            payer,
            payer_name: r.text(&self.payer_name)?,
            account,
            account_name: r.text(&self.account_name)?,
            usage_date,
            service: r.text(&self.service)?,
            product: product.unwrap_or_else(|| UNTAGGED.to_string()),
            component: component.unwrap_or_else(|| UNTAGGED.to_string()),
            charge_category,
            region,
            usage_type,
            resource_id: r.text(&self.resource)?,
            quantity,
            unit,
            billed,
            effective,
            list,
            currency: r.text(&self.currency)?,
            invoice_id: r.text(&self.invoice)?,
            source_line: record.line(),
        };
        Ok(Converted { item, unknown_kind, corrects })
    }

    /// Every fault of a row that [`Layout::convert`] refused (it stops at the first): each mapped column
    /// checked on its own. Only run on the error path, so the hot path pays nothing.
    pub(crate) fn all_faults(&self, record: &Record, first: Fault) -> Vec<Fault> {
        let r = Rec::new(record);
        let us = self.us_dates;
        let mut out = vec![first];
        let push = |f: Fault, out: &mut Vec<Fault>| {
            if !out.iter().any(|o| o.col == f.col) {
                out.push(f);
            }
        };
        let mut required: Vec<(&[usize], &str)> =
            vec![(&self.account, "usage account"), (&self.usage_start, "usage/charge period start")];
        required.push((&self.billed, "billed cost"));
        if !self.payer.is_empty() {
            required.push((&self.payer, "payer account"));
        }
        if !self.period_from_usage {
            required.push((&self.period_start, "billing period start"));
        }
        for (cols, what) in required {
            if let Err(f) = r.required(cols, what) {
                push(f, &mut out);
            }
        }
        for (cols, what) in [
            (&self.period_start, "billing period start"),
            (&self.period_end, "billing period end"),
            (&self.usage_start, "usage/charge period start"),
        ] {
            match r.first(cols) {
                Ok(Some((c, v))) => {
                    if let Err(f) = r.date(c, v, what, us) {
                        push(f, &mut out);
                    }
                }
                Ok(None) => {}
                Err(f) => push(f, &mut out),
            }
        }
        let numbers = self.money.iter().chain(&self.list_price).copied().chain(self.quantity.iter().map(|q| q.0));
        for c in numbers {
            match r.field(c) {
                Ok(v) => {
                    if let Some(v) = present(v)
                        && let Err(e) = decimal(v)
                    {
                        push(bad(c, e), &mut out);
                    }
                }
                Err(f) => push(f, &mut out),
            }
        }
        if let Err(f) = self.tags(&r) {
            push(f, &mut out);
        }
        out
    }

    fn tags(&self, r: &Rec<'_>) -> Result<(Option<String>, Option<String>), Fault> {
        match &self.tags {
            TagColumns::None => Ok((None, None)),
            TagColumns::Columns { product, component } => {
                let pick = |keys: &[Vec<usize>]| -> Result<Option<String>, Fault> {
                    for cols in keys {
                        if let Some((_, v)) = r.first(cols)? {
                            return Ok(Some(v.to_string()));
                        }
                    }
                    Ok(None)
                };
                Ok((pick(product)?, pick(component)?))
            }
            TagColumns::Json { column, product, component } => {
                pick(r.field(*column)?, product, component).map_err(|e| bad(*column, format!("tags are {e}")))
            }
        }
    }
}
