//! Format detection and the column layout each format is read through.
use crate::tags::TagColumns;
use crate::{Format, ReadOptions, View};

/// Header text prepared for matching: BOM stripped, trimmed, lower case.
pub(crate) fn normalise_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()
}

/// A localised Azure header (`Abonnement-GUID (SubscriptionGuid)`, `Kosten (Cost)`) carries the English
/// name in its last parentheses: that name, normalised; any other header unchanged.
pub(crate) fn english_header(normalised: &str) -> String {
    match (normalised.strip_suffix(')'), normalised.rfind('(')) {
        (Some(body), Some(open)) if open < body.len() => {
            let inner = body[open + 1..].trim();
            if inner.is_empty() { normalised.to_string() } else { inner.to_string() }
        }
        _ => normalised.to_string(),
    }
}

/// Columns that only FOCUS files carry together.
const FOCUS_MARKS: [&str; 8] = [
    "billedcost",
    "billingaccountid",
    "chargeperiodstart",
    "billingperiodstart",
    "chargecategory",
    "effectivecost",
    "billingcurrency",
    "chargeperiodend",
];

/// Which family's rules turn a row's charge type and costs into a line item.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// CUR line item types, effective cost from the savings-plan / reservation columns.
    Cur,
    /// FOCUS charge categories, EffectiveCost.
    #[default]
    Focus,
    /// Azure charge types; the operator's view says whether the cost is billed or effective.
    Azure(View),
    /// OCI: every row is usage; correction rows are summed as given and reported.
    Oci,
}

/// Detect the format from a header (case-insensitive, BOM stripped).
pub fn detect(header: &[&str]) -> Option<Format> {
    let names: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    detect_normalised(&names)
}

pub(crate) fn detect_normalised(names: &[String]) -> Option<Format> {
    let has = |n: &str| names.iter().any(|h| h == n);
    if has("lineitem/unblendedcost") {
        Some(Format::CurLegacy)
    } else if has("line_item_unblended_cost") {
        Some(Format::Cur2)
    } else if FOCUS_MARKS.iter().filter(|m| has(m)).count() >= 3 {
        // Detected on most of its distinctive columns, so that a FOCUS file missing a required one is named
        // as FOCUS with that column, not as an unknown format.
        Some(Format::Focus)
    } else if has("pretaxcost") && has("usagedatetime") {
        Some(Format::AzurePayg)
    } else if has("metercategory")
        && (has("costinbillingcurrency") || has("cost"))
        && (has("subscriptionid") || has("subscriptionguid"))
    {
        Some(Format::Azure)
    } else if has("lineitem/referenceno") && has("cost/mycost") {
        Some(Format::Oci)
    } else {
        None
    }
}

/// Column indexes (0-based) for every canonical field. A list is tried left to right per row: the first
/// column with a non-null value gives the field.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub rules: Rules,
    pub width: usize,
    /// Dates may be written the US way (`M/D/YYYY`, Azure).
    pub us_dates: bool,
    /// No billing-period column, or an empty one: the period is the month of the usage date.
    pub period_from_usage: bool,
    /// The payer for every row when the file names none (`--payer`); else each account is its own payer.
    pub fixed_payer: Option<String>,
    /// A second usage-type column joined to the first with ` / ` (Azure meter sub-category / meter).
    pub usage_type2: Vec<usize>,
    /// A unit price column: list cost = price × quantity where both are given (Azure PayGPrice).
    pub list_price: Vec<usize>,
    /// OCI: the correction flag and the reference of the line a correction corrects.
    pub correction: Option<usize>,
    pub backref: Option<usize>,
    pub payer: Vec<usize>,
    pub payer_name: Vec<usize>,
    pub period_start: Vec<usize>,
    pub period_end: Vec<usize>,
    pub invoice: Vec<usize>,
    pub account: Vec<usize>,
    pub account_name: Vec<usize>,
    /// CUR line item type or FOCUS ChargeCategory.
    pub kind: Vec<usize>,
    /// FOCUS charge subcategory (`Refund` turns a credit into a refund).
    pub subkind: Vec<usize>,
    pub usage_start: Vec<usize>,
    pub service: Vec<usize>,
    pub usage_type: Vec<usize>,
    pub resource: Vec<usize>,
    /// (quantity column, its unit column), tried in order.
    pub quantity: Vec<(usize, Option<usize>)>,
    pub currency: Vec<usize>,
    /// CUR: [net unblended (when the column exists), unblended]; FOCUS: [BilledCost].
    pub billed: Vec<usize>,
    /// FOCUS EffectiveCost.
    pub effective: Vec<usize>,
    /// CUR savings-plan effective cost (for SavingsPlanCoveredUsage).
    pub sp_effective: Vec<usize>,
    /// CUR reservation effective cost (for DiscountedUsage).
    pub ri_effective: Vec<usize>,
    pub list: Vec<usize>,
    pub region: Vec<usize>,
    /// CUR 2.0 `product` JSON map column, read for key `region` when no region column exists.
    pub region_json: Option<usize>,
    /// The key read from `region_json`.
    pub region_keys: Vec<String>,
    pub tags: TagColumns,
    /// The format's own line-item id and its time interval (CUR, CUR 2.0): the duplicate key.
    pub line_id: Vec<usize>,
    /// Every money column present, validated on each row even when another column gives the value.
    pub money: Vec<usize>,
    /// Azure partner exports (MCA/CSP): customerTenantId, customerName, resellerName per subscription.
    pub partner_tenant: Vec<usize>,
    pub partner_customer: Vec<usize>,
    pub partner_reseller: Vec<usize>,
}

struct Names<'a>(&'a [String]);

impl Names<'_> {
    fn find(&self, candidates: &[&str]) -> Vec<usize> {
        candidates.iter().filter_map(|c| self.0.iter().position(|h| h == c)).collect()
    }
}

impl Layout {
    /// Whether a column gives effective cost (Azure: the amortised view does, so no column is missing).
    pub(crate) fn has_effective(&self) -> bool {
        match self.rules {
            Rules::Cur => true,
            Rules::Azure(_) => true,
            Rules::Focus | Rules::Oci => !self.effective.is_empty(),
        }
    }

    /// Whether the file carries any Azure partner field.
    pub(crate) fn has_partner(&self) -> bool {
        !(self.partner_tenant.is_empty() && self.partner_customer.is_empty() && self.partner_reseller.is_empty())
    }

    /// Whether a column gives list cost.
    pub(crate) fn has_list(&self) -> bool {
        !self.list.is_empty() || !self.list_price.is_empty()
    }

    /// Build the layout for `format`; `Err` lists required columns the header lacks.
    pub(crate) fn build(format: Format, names: &[String], opts: &ReadOptions) -> Result<Layout, Vec<String>> {
        let tags = &opts.tags;
        let n = Names(names);
        let rules = match format {
            Format::CurLegacy | Format::Cur2 => Rules::Cur,
            Format::Azure | Format::AzurePayg => Rules::Azure(opts.view.unwrap_or(View::Actual)),
            Format::Oci => Rules::Oci,
            Format::Focus | Format::CloudHealth => Rules::Focus,
        };
        let mut l = Layout { rules, width: names.len(), ..Layout::default() };
        let required: [(&str, bool); 5];
        match format {
            Format::CurLegacy => {
                l.payer = n.find(&["bill/payeraccountid"]);
                l.payer_name = n.find(&["bill/payeraccountname"]);
                l.period_start = n.find(&["bill/billingperiodstartdate"]);
                l.period_end = n.find(&["bill/billingperiodenddate"]);
                l.invoice = n.find(&["bill/invoiceid"]);
                l.account = n.find(&["lineitem/usageaccountid"]);
                l.account_name = n.find(&["lineitem/usageaccountname"]);
                l.kind = n.find(&["lineitem/lineitemtype"]);
                l.usage_start = n.find(&["lineitem/usagestartdate"]);
                l.service = n.find(&["lineitem/productcode"]);
                l.usage_type = n.find(&["lineitem/usagetype"]);
                l.resource = n.find(&["lineitem/resourceid"]);
                let unit = n.find(&["pricing/unit"]).first().copied();
                l.quantity = n.find(&["lineitem/usageamount"]).into_iter().map(|q| (q, unit)).collect();
                l.currency = n.find(&["lineitem/currencycode"]);
                l.billed = n.find(&["lineitem/netunblendedcost", "lineitem/unblendedcost"]);
                l.sp_effective = n.find(&["savingsplan/savingsplaneffectivecost"]);
                l.ri_effective = n.find(&["reservation/effectivecost"]);
                l.list = n.find(&["pricing/publicondemandcost"]);
                l.region = n.find(&["product/region", "product/regioncode"]);
                l.tags = TagColumns::columns(names, "resourcetags/", tags);
                l.line_id = n.find(&["identity/lineitemid"]);
                if !l.line_id.is_empty() {
                    l.line_id.extend(n.find(&["identity/timeinterval"]));
                }
                l.money = n.find(&[
                    "lineitem/unblendedcost",
                    "lineitem/netunblendedcost",
                    "lineitem/blendedcost",
                    "savingsplan/savingsplaneffectivecost",
                    "savingsplan/netsavingsplaneffectivecost",
                    "reservation/effectivecost",
                    "reservation/neteffectivecost",
                    "pricing/publicondemandcost",
                ]);
                required = [
                    ("bill/PayerAccountId", l.payer.is_empty()),
                    ("lineItem/UsageAccountId", l.account.is_empty()),
                    ("bill/BillingPeriodStartDate", l.period_start.is_empty()),
                    ("lineItem/UsageStartDate", l.usage_start.is_empty()),
                    ("lineItem/UnblendedCost", n.find(&["lineitem/unblendedcost"]).is_empty()),
                ];
            }
            Format::Cur2 => {
                l.payer = n.find(&["bill_payer_account_id"]);
                l.payer_name = n.find(&["bill_payer_account_name"]);
                l.period_start = n.find(&["bill_billing_period_start_date"]);
                l.period_end = n.find(&["bill_billing_period_end_date"]);
                l.invoice = n.find(&["bill_invoice_id"]);
                l.account = n.find(&["line_item_usage_account_id"]);
                l.account_name = n.find(&["line_item_usage_account_name"]);
                l.kind = n.find(&["line_item_line_item_type"]);
                l.usage_start = n.find(&["line_item_usage_start_date"]);
                l.service = n.find(&["line_item_product_code"]);
                l.usage_type = n.find(&["line_item_usage_type"]);
                l.resource = n.find(&["line_item_resource_id"]);
                let unit = n.find(&["pricing_unit"]).first().copied();
                l.quantity = n.find(&["line_item_usage_amount"]).into_iter().map(|q| (q, unit)).collect();
                l.currency = n.find(&["line_item_currency_code"]);
                l.billed = n.find(&["line_item_net_unblended_cost", "line_item_unblended_cost"]);
                l.sp_effective = n.find(&["savings_plan_savings_plan_effective_cost"]);
                l.ri_effective = n.find(&["reservation_effective_cost"]);
                l.list = n.find(&["pricing_public_on_demand_cost"]);
                l.region = n.find(&["product_region_code", "product_region"]);
                if l.region.is_empty() {
                    l.region_json = n.find(&["product"]).first().copied();
                    l.region_keys = vec!["region".to_string()];
                }
                l.tags = TagColumns::json(n.find(&["resource_tags"]).first().copied(), tags);
                l.line_id = n.find(&["identity_line_item_id"]);
                if !l.line_id.is_empty() {
                    l.line_id.extend(n.find(&["identity_time_interval"]));
                }
                l.money = n.find(&[
                    "line_item_unblended_cost",
                    "line_item_net_unblended_cost",
                    "line_item_blended_cost",
                    "savings_plan_savings_plan_effective_cost",
                    "savings_plan_net_savings_plan_effective_cost",
                    "reservation_effective_cost",
                    "reservation_net_effective_cost",
                    "pricing_public_on_demand_cost",
                ]);
                required = [
                    ("bill_payer_account_id", l.payer.is_empty()),
                    ("line_item_usage_account_id", l.account.is_empty()),
                    ("bill_billing_period_start_date", l.period_start.is_empty()),
                    ("line_item_usage_start_date", l.usage_start.is_empty()),
                    ("line_item_unblended_cost", n.find(&["line_item_unblended_cost"]).is_empty()),
                ];
            }
            Format::Focus | Format::CloudHealth => {
                l.payer = n.find(&["billingaccountid"]);
                l.payer_name = n.find(&["billingaccountname"]);
                l.period_start = n.find(&["billingperiodstart"]);
                l.period_end = n.find(&["billingperiodend"]);
                l.invoice = n.find(&["invoiceid"]);
                l.account = n.find(&["subaccountid"]);
                l.account_name = n.find(&["subaccountname"]);
                l.kind = n.find(&["chargecategory"]);
                l.subkind = n.find(&["x_chargesubcategory", "chargesubcategory"]);
                l.usage_start = n.find(&["chargeperiodstart"]);
                l.service = n.find(&["servicename"]);
                l.usage_type = n.find(&["skuid", "skupriceid"]);
                l.resource = n.find(&["resourceid"]);
                let pair = |q: &str, u: &str| n.find(&[q]).first().map(|&qi| (qi, n.find(&[u]).first().copied()));
                l.quantity = [pair("consumedquantity", "consumedunit"), pair("pricingquantity", "pricingunit")]
                    .into_iter()
                    .flatten()
                    .collect();
                l.currency = n.find(&["billingcurrency"]);
                l.billed = n.find(&["billedcost"]);
                l.effective = n.find(&["effectivecost"]);
                l.list = n.find(&["listcost"]);
                l.region = n.find(&["regionid", "region"]);
                l.tags = TagColumns::json(n.find(&["tags"]).first().copied(), tags);
                l.money = n.find(&["billedcost", "effectivecost", "listcost", "contractedcost"]);
                // SubAccountId is conditional in FOCUS: without it the billing account is the account.
                if l.account.is_empty() {
                    l.account = l.payer.clone();
                    l.account_name = l.payer_name.clone();
                }
                required = [
                    ("BillingAccountId", l.payer.is_empty()),
                    ("SubAccountId", l.account.is_empty()),
                    ("BillingPeriodStart", l.period_start.is_empty()),
                    ("ChargePeriodStart", l.usage_start.is_empty()),
                    ("BilledCost", l.billed.is_empty()),
                ];
            }
            Format::Azure | Format::AzurePayg => {
                l.us_dates = true;
                l.period_from_usage = true;
                l.payer = n.find(&["billingaccountid"]);
                l.payer_name = n.find(&["billingaccountname"]);
                if l.payer.is_empty() {
                    l.fixed_payer = opts.payer.clone();
                }
                l.period_start = n.find(&["billingperiodstartdate"]);
                l.period_end = n.find(&["billingperiodenddate"]);
                l.invoice = n.find(&["invoiceid", "billingprofileid"]);
                l.account = n.find(&["subscriptionid", "subscriptionguid"]);
                l.account_name = n.find(&["subscriptionname"]);
                l.kind = n.find(&["chargetype"]);
                l.usage_start = n.find(&["date", "usagedatetime"]);
                l.service = n.find(&["metercategory"]);
                l.usage_type = n.find(&["metersubcategory"]);
                l.usage_type2 = n.find(&["metername"]);
                l.resource = n.find(&["resourceid", "instanceid"]);
                let unit = n.find(&["unitofmeasure"]).first().copied();
                l.quantity = n.find(&["quantity", "usagequantity"]).into_iter().map(|q| (q, unit)).collect();
                l.currency = n.find(&["billingcurrencycode", "billingcurrency", "currency"]);
                l.billed = n.find(&["costinbillingcurrency", "cost", "pretaxcost"]);
                l.list_price = n.find(&["paygprice"]);
                l.region = n.find(&["resourcelocation", "meterregion", "location"]);
                l.tags = TagColumns::json(n.find(&["tags"]).first().copied(), tags);
                // PascalCase (EA/MCA) and camelCase (CSP) alike: headers are compared in lower case.
                l.partner_tenant = n.find(&["customertenantid"]);
                l.partner_customer = n.find(&["customername"]);
                l.partner_reseller = n.find(&["resellername"]);
                l.money = n.find(&[
                    "costinbillingcurrency",
                    "cost",
                    "pretaxcost",
                    "costinpricingcurrency",
                    "paygcostinbillingcurrency",
                    "paygprice",
                    "effectiveprice",
                    "unitprice",
                ]);
                required = [
                    ("SubscriptionId", l.account.is_empty()),
                    ("Date", l.usage_start.is_empty()),
                    ("CostInBillingCurrency", l.billed.is_empty()),
                    ("MeterCategory", l.service.is_empty()),
                    ("", false),
                ];
            }
            Format::Oci => {
                l.period_from_usage = true;
                l.payer = n.find(&["lineitem/tenantid"]);
                l.account = n.find(&["product/compartmentid"]);
                l.account_name = n.find(&["product/compartmentname"]);
                l.usage_start = n.find(&["lineitem/intervalusagestart"]);
                l.service = n.find(&["product/service"]);
                l.usage_type = n.find(&["cost/productsku"]);
                l.usage_type2 = n.find(&["product/description", "cost/skuunitdescription"]);
                l.resource = n.find(&["product/resourceid"]);
                let unit = n.find(&["cost/billingunitreadable", "cost/skuunitdescription"]).first().copied();
                l.quantity = n.find(&["usage/billedquantity"]).into_iter().map(|q| (q, unit)).collect();
                l.currency = n.find(&["cost/currencycode"]);
                l.billed = n.find(&["cost/mycost"]);
                l.region = n.find(&["product/region"]);
                l.tags = TagColumns::namespaced(names, "tags/", tags);
                l.line_id = n.find(&["lineitem/referenceno"]);
                if !l.line_id.is_empty() {
                    l.line_id.extend(n.find(&["lineitem/intervalusagestart"]));
                }
                l.correction = n.find(&["lineitem/iscorrection"]).first().copied();
                l.backref = n.find(&["lineitem/backreferenceno"]).first().copied();
                l.money = n.find(&["cost/mycost", "cost/unitprice", "cost/mycostoverage", "cost/unitpriceoverage"]);
                required = [
                    ("lineItem/tenantId", l.payer.is_empty()),
                    ("product/compartmentId", l.account.is_empty()),
                    ("lineItem/intervalUsageStart", l.usage_start.is_empty()),
                    ("cost/myCost", l.billed.is_empty()),
                    ("", false),
                ];
            }
        }
        let missing: Vec<String> = required.iter().filter(|(_, m)| *m).map(|(c, _)| (*c).to_string()).collect();
        if missing.is_empty() { Ok(l) } else { Err(missing) }
    }
}
