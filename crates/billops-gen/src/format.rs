//! The three file layouts: AWS CUR (legacy), AWS CUR 2.0 and FOCUS 1.2. Column names are a contract with
//! `billops-import`; they are listed here once.
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::csvline::{Line, TimeStyle, header};
use crate::row::{CommitKind, Kind, Row};

/// Output format of a generated cost file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// AWS Cost and Usage Report, legacy `lineItem/…` columns.
    Cur,
    /// AWS CUR 2.0 (Data Exports), `line_item_…` columns.
    Cur2,
    /// FinOps FOCUS 1.2 as AWS exports it.
    Focus,
}

impl FileFormat {
    pub const ALL: [FileFormat; 3] = [FileFormat::Cur, FileFormat::Cur2, FileFormat::Focus];
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Cur => "cur",
            FileFormat::Cur2 => "cur2",
            FileFormat::Focus => "focus",
        }
    }
    /// The column that carries what the supplier bills (`billops-import`'s billed cost).
    pub fn billed_column(self) -> &'static str {
        match self {
            FileFormat::Cur => "lineItem/NetUnblendedCost",
            FileFormat::Cur2 => "line_item_net_unblended_cost",
            FileFormat::Focus => "BilledCost",
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FileFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FileFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown format {s:?} (cur, cur2 or focus)"))
    }
}

/// Spelling of the CUR legacy tag columns (real reports carry whatever case the tag keys were created with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagCase {
    /// `resourceTags/user:product`, `resourceTags/user:component`
    Lower,
    /// `resourceTags/user:Product`, `resourceTags/user:Component`
    Capital,
}

pub const CUR_COLUMNS: [&str; 30] = [
    "identity/LineItemId",
    "identity/TimeInterval",
    "bill/InvoiceId",
    "bill/BillingEntity",
    "bill/BillType",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/Operation",
    "lineItem/ResourceId",
    "lineItem/UsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedRate",
    "lineItem/UnblendedCost",
    "lineItem/NetUnblendedCost",
    "lineItem/LineItemDescription",
    "product/ProductName",
    "product/region",
    "pricing/publicOnDemandCost",
    "pricing/unit",
    "reservation/EffectiveCost",
    "savingsPlan/SavingsPlanEffectiveCost",
    "resourceTags/user:product",
    "resourceTags/user:component",
];

pub const CUR2_COLUMNS: [&str; 28] = [
    "identity_line_item_id",
    "identity_time_interval",
    "bill_invoice_id",
    "bill_billing_entity",
    "bill_bill_type",
    "bill_payer_account_id",
    "bill_payer_account_name",
    "bill_billing_period_start_date",
    "bill_billing_period_end_date",
    "line_item_usage_account_id",
    "line_item_usage_account_name",
    "line_item_line_item_type",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_operation",
    "line_item_resource_id",
    "line_item_usage_amount",
    "line_item_currency_code",
    "line_item_unblended_cost",
    "line_item_net_unblended_cost",
    "pricing_public_on_demand_cost",
    "pricing_unit",
    "product_region_code",
    "reservation_effective_cost",
    "savings_plan_savings_plan_effective_cost",
    "resource_tags",
];

/// FOCUS 1.2 columns in the order AWS writes them (as `fixtures/focus/aws-focus-1.2-sample.csv`).
pub const FOCUS_COLUMNS: [&str; 57] = [
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "InvoiceId",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ListUnitPrice",
    "ContractedUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "BillingCurrency",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ServiceName",
    "ServiceCategory",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceId",
    "SkuPriceDetails",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "RegionId",
    "RegionName",
    "AvailabilityZone",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountCategory",
    "CommitmentDiscountType",
    "CommitmentDiscountStatus",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountUnit",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "Tags",
];

/// Writes rows of one format, reusing one line buffer.
#[derive(Debug)]
pub struct RowWriter {
    format: FileFormat,
    tag_case: TagCase,
    line: Line,
    json: String,
}

impl RowWriter {
    pub fn new(format: FileFormat, tag_case: TagCase) -> RowWriter {
        RowWriter { format, tag_case, line: Line::new(), json: String::with_capacity(128) }
    }

    pub fn format(&self) -> FileFormat {
        self.format
    }

    pub fn write_header(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            FileFormat::Cur => {
                let mut cols = CUR_COLUMNS;
                if self.tag_case == TagCase::Capital {
                    cols[28] = "resourceTags/user:Product";
                    cols[29] = "resourceTags/user:Component";
                }
                header(out, &cols)
            }
            FileFormat::Cur2 => header(out, &CUR2_COLUMNS),
            FileFormat::Focus => header(out, &FOCUS_COLUMNS),
        }
    }

    pub fn write_row(&mut self, r: &Row<'_>, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            FileFormat::Cur => self.cur(r),
            FileFormat::Cur2 => self.cur2(r),
            FileFormat::Focus => self.focus(r),
        }
        self.line.flush_to(out)
    }

    fn cost(&mut self, d: Decimal, bad: Option<&str>) {
        match bad {
            Some(text) => self.line.text(text),
            None => self.line.dec(d),
        }
    }

    fn cur(&mut self, r: &Row<'_>) {
        let l = &mut self.line;
        l.hex(r.line_id);
        l.interval(r.start, r.end);
        l.text(r.invoice_id);
        l.text("AWS");
        l.text("Anniversary");
        l.text(r.payer_id);
        l.time(r.period_start, TimeStyle::Iso);
        l.time(r.period_end, TimeStyle::Iso);
        l.text(r.account_id);
        l.text(r.kind.cur_name());
        l.time(r.start, TimeStyle::Iso);
        l.time(r.end, TimeStyle::Iso);
        l.text(r.service.code);
        l.text(r.usage_type);
        l.text(r.operation);
        l.text(r.resource_id);
        l.opt_dec(r.usage);
        l.text("USD");
        l.dec_at(r.rate, 10);
        self.cost(r.unblended, r.bad);
        self.cost(r.net, r.bad);
        let l = &mut self.line;
        l.text(&r.description);
        l.text(r.service.name);
        if r.kind.is_usage() {
            l.text(r.region.code)
        } else {
            l.empty()
        }
        l.dec(r.public_cost);
        l.text(r.unit);
        let (ri, sp) = commit_columns(r);
        l.opt_dec(ri);
        l.opt_dec(sp);
        l.text(r.product.unwrap_or(""));
        l.text(r.component.unwrap_or(""));
    }

    fn cur2(&mut self, r: &Row<'_>) {
        let l = &mut self.line;
        l.hex(r.line_id);
        l.interval(r.start, r.end);
        l.text(r.invoice_id);
        l.text("AWS");
        l.text("Anniversary");
        l.text(r.payer_id);
        l.text(r.payer_name);
        l.time(r.period_start, TimeStyle::Plain);
        l.time(r.period_end, TimeStyle::Plain);
        l.text(r.account_id);
        l.text(r.account_name);
        l.text(r.kind.cur_name());
        l.time(r.start, TimeStyle::Plain);
        l.time(r.end, TimeStyle::Plain);
        l.text(r.service.code);
        l.text(r.usage_type);
        l.text(r.operation);
        l.text(r.resource_id);
        l.opt_dec(r.usage);
        l.text("USD");
        self.cost(r.unblended, r.bad);
        self.cost(r.net, r.bad);
        let l = &mut self.line;
        l.dec(r.public_cost);
        l.text(r.unit);
        if r.kind.is_usage() {
            l.text(r.region.code)
        } else {
            l.empty()
        }
        let (ri, sp) = commit_columns(r);
        l.opt_dec(ri);
        l.opt_dec(sp);
        if r.product.is_none() && r.component.is_none() {
            l.empty();
        } else {
            tags_json(&mut self.json, "user_product", r.product, "user_component", r.component);
            self.line.text(&self.json);
        }
    }

    fn focus(&mut self, r: &Row<'_>) {
        let usage = r.kind.is_usage();
        let committed = matches!(r.kind, Kind::SpCovered | Kind::DiscountedUsage);
        let l = &mut self.line;
        l.text("AWS");
        l.text("AWS");
        l.text("AWS");
        l.text(r.invoice_id);
        l.text(r.payer_id);
        l.text(r.payer_name);
        l.text("Payer Account");
        l.text(r.account_id);
        l.text(r.account_name);
        l.text("Linked Account");
        l.time(r.period_start, TimeStyle::Iso);
        l.time(r.period_end, TimeStyle::Iso);
        l.time(r.start, TimeStyle::Iso);
        l.time(r.end, TimeStyle::Iso);
        l.text(match r.kind {
            Kind::Usage | Kind::DiscountedUsage | Kind::SpCovered | Kind::SpNegation => "Usage",
            Kind::SpFee | Kind::Fee => "Purchase",
            Kind::Tax => "Tax",
            Kind::Credit | Kind::Refund => "Credit",
        });
        l.empty(); // ChargeClass
        l.text(&r.description);
        l.text(match r.kind {
            Kind::SpFee | Kind::Fee => "Recurring",
            Kind::Tax | Kind::Credit | Kind::Refund => "One-Time",
            _ => "Usage-Based",
        });
        match r.bad {
            Some(text) => l.text(text),
            None => l.dec(r.focus_billed()),
        }
        let effective = r.focus_effective();
        l.dec(effective);
        l.dec(r.focus_list());
        l.dec(if committed { r.public_cost } else { r.net });
        l.dec_at(r.public_rate, 10);
        l.dec_at(if committed { r.public_rate } else { r.rate }, 10);
        l.text(match r.kind {
            _ if committed => "Committed",
            _ if usage => "Standard",
            _ => "",
        });
        l.opt_dec(r.usage);
        l.text(r.unit);
        l.text("USD");
        l.dec_at(if committed { r.public_rate } else { r.rate }, 10);
        l.dec(effective);
        l.dec_at(r.public_rate, 10);
        l.text("USD");
        l.opt_dec(r.usage);
        l.text(r.unit);
        l.text(r.service.code);
        l.text(r.service.category);
        l.text(r.service.subcategory);
        l.text(r.sku_id);
        l.text(r.sku_meter);
        l.text(r.sku_price_id);
        l.empty(); // SkuPriceDetails
        l.text(r.resource_id);
        l.text(resource_name(r.resource_id));
        l.text(r.resource_type);
        if usage {
            l.text(r.region.code);
            l.text(r.region.name);
        } else {
            l.empty();
            l.empty();
        }
        l.empty(); // AvailabilityZone
        match r.commit {
            Some(c) => {
                l.text(c.id);
                l.text(match c.kind {
                    CommitKind::SavingsPlan => "ComputeSavingsPlans-1yr-NoUpfront",
                    CommitKind::Reserved => "RDSReservedInstance-1yr-NoUpfront",
                });
                l.text(match c.kind {
                    CommitKind::SavingsPlan => "Spend",
                    CommitKind::Reserved => "Usage",
                });
                l.text(match c.kind {
                    CommitKind::SavingsPlan => "Savings Plan",
                    CommitKind::Reserved => "Reserved Instance",
                });
                l.text(if committed { "Used" } else { "" });
                l.opt_dec(if committed { r.usage } else { None });
                l.text(if committed { r.unit } else { "" });
            }
            None => {
                for _ in 0..7 {
                    l.empty();
                }
            }
        }
        l.empty(); // CapacityReservationId
        l.empty(); // CapacityReservationStatus
        tags_json(&mut self.json, "product", r.product, "component", r.component);
        self.line.text(&self.json);
    }
}

/// reservation/EffectiveCost and savingsPlan/SavingsPlanEffectiveCost for a CUR line.
fn commit_columns(r: &Row<'_>) -> (Option<Decimal>, Option<Decimal>) {
    match r.kind {
        Kind::DiscountedUsage => (r.commit_effective, None),
        Kind::SpCovered => (None, r.commit_effective),
        _ => (None, None),
    }
}

/// The last path or colon segment of a resource id (`i-0abc…`, `bucket-name`, `function-name`).
fn resource_name(id: &str) -> &str {
    id.rsplit(['/', ':']).next().unwrap_or(id)
}

/// A flat JSON object of up to two string tags (values are plain generated words; quotes are escaped anyway).
fn tags_json(out: &mut String, k1: &str, v1: Option<&str>, k2: &str, v2: Option<&str>) {
    out.clear();
    out.push('{');
    let mut first = true;
    for (k, v) in [(k1, v1), (k2, v2)] {
        if let Some(v) = v {
            if !first {
                out.push(',');
            }
            first = false;
            push_json_str(out, k);
            out.push(':');
            push_json_str(out, v);
        }
    }
    out.push('}');
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_json() {
        let mut s = String::new();
        tags_json(&mut s, "product", Some("checkout"), "component", Some("a\"b"));
        assert_eq!(s, r#"{"product":"checkout","component":"a\"b"}"#);
        tags_json(&mut s, "product", None, "component", Some("api"));
        assert_eq!(s, r#"{"component":"api"}"#);
        tags_json(&mut s, "product", None, "component", None);
        assert_eq!(s, "{}");
        assert_eq!(resource_name("arn:aws:lambda:us-east-1:1:function:fn-a"), "fn-a");
        assert_eq!(resource_name("arn:aws:s3:::bucket/b"), "b");
        assert_eq!("CUR2".parse::<FileFormat>(), Ok(FileFormat::Cur2));
    }
}
