//! One generated cost line, independent of the file format it is written in.
use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::catalog::{Region, Service};

/// CUR line item types the generators produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Usage,
    /// Usage covered by a reserved instance: unblended cost 0, the cost is in the RI fee.
    DiscountedUsage,
    /// Usage covered by a Savings Plan: unblended cost at on-demand rates…
    SpCovered,
    /// …cancelled by a negation line (CUR only; FOCUS has no negation lines)…
    SpNegation,
    /// …and paid by the plan's recurring fee.
    SpFee,
    Fee,
    Tax,
    Credit,
    Refund,
}

impl Kind {
    /// The CUR `lineItem/LineItemType` value.
    pub fn cur_name(self) -> &'static str {
        match self {
            Kind::Usage => "Usage",
            Kind::DiscountedUsage => "DiscountedUsage",
            Kind::SpCovered => "SavingsPlanCoveredUsage",
            Kind::SpNegation => "SavingsPlanNegation",
            Kind::SpFee => "SavingsPlanRecurringFee",
            Kind::Fee => "Fee",
            Kind::Tax => "Tax",
            Kind::Credit => "Credit",
            Kind::Refund => "Refund",
        }
    }

    /// Metered usage (has a quantity, a rate and a resource).
    pub fn is_usage(self) -> bool {
        matches!(self, Kind::Usage | Kind::DiscountedUsage | Kind::SpCovered | Kind::SpNegation)
    }
}

/// Which commitment a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitKind {
    SavingsPlan,
    Reserved,
}

#[derive(Debug, Clone, Copy)]
pub struct Commit<'a> {
    pub kind: CommitKind,
    pub id: &'a str,
}

/// A generated line. Amounts are exact; `bad` replaces the written cost text (the one deliberate bad row).
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub line_id: u64,
    pub kind: Kind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Empty while the period is estimated.
    pub invoice_id: &'a str,
    pub payer_id: &'a str,
    pub payer_name: &'a str,
    pub account_id: &'a str,
    pub account_name: &'a str,
    /// Charge period `[start, end)`, whole days.
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub service: &'static Service,
    pub region: &'static Region,
    pub usage_type: &'a str,
    pub operation: &'a str,
    pub resource_id: &'a str,
    pub unit: &'a str,
    pub sku_id: &'a str,
    pub sku_price_id: &'a str,
    pub sku_meter: &'a str,
    pub resource_type: &'a str,
    pub usage: Option<Decimal>,
    /// Unblended rate (0 for reserved-instance covered usage).
    pub rate: Option<Decimal>,
    pub public_rate: Option<Decimal>,
    pub unblended: Decimal,
    /// Net unblended (after an enterprise discount where the payer has one): what the supplier bills.
    pub net: Decimal,
    /// Public on-demand cost of the usage (0 for non-usage lines in CUR).
    pub public_cost: Decimal,
    /// Amortised cost of commitment-covered usage.
    pub commit_effective: Option<Decimal>,
    pub commit: Option<Commit<'a>>,
    pub description: Cow<'a, str>,
    pub product: Option<&'a str>,
    pub component: Option<&'a str>,
    pub bad: Option<&'static str>,
}

/// What every line of one file shares.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub invoice_id: &'a str,
    pub payer_id: &'a str,
    pub payer_name: &'a str,
}

impl<'a> Row<'a> {
    /// A line with no amounts, quantity, resource or tags yet.
    #[allow(clippy::too_many_arguments)]
    pub fn blank(
        head: &Head<'a>,
        line_id: u64,
        kind: Kind,
        account: (&'a str, &'a str),
        service: &'static Service,
        region: &'static Region,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Row<'a> {
        Row {
            line_id,
            kind,
            period_start: head.period_start,
            period_end: head.period_end,
            invoice_id: head.invoice_id,
            payer_id: head.payer_id,
            payer_name: head.payer_name,
            account_id: account.0,
            account_name: account.1,
            start,
            end,
            service,
            region,
            usage_type: "",
            operation: "",
            resource_id: "",
            unit: "",
            sku_id: "",
            sku_price_id: "",
            sku_meter: "",
            resource_type: "",
            usage: None,
            rate: None,
            public_rate: None,
            unblended: Decimal::ZERO,
            net: Decimal::ZERO,
            public_cost: Decimal::ZERO,
            commit_effective: None,
            commit: None,
            description: Cow::Borrowed(""),
            product: None,
            component: None,
            bad: None,
        }
    }

    /// FOCUS BilledCost: commitment-covered usage is paid by the commitment's fee.
    pub fn focus_billed(&self) -> Decimal {
        match self.kind {
            Kind::DiscountedUsage | Kind::SpCovered => Decimal::ZERO,
            _ => self.net,
        }
    }

    /// FOCUS EffectiveCost: commitment fees are amortised into the usage they cover.
    pub fn focus_effective(&self) -> Decimal {
        match self.kind {
            Kind::DiscountedUsage | Kind::SpCovered => self.commit_effective.unwrap_or(Decimal::ZERO),
            Kind::SpFee => Decimal::ZERO,
            Kind::Fee if self.commit.is_some() => Decimal::ZERO,
            _ => self.net,
        }
    }

    /// FOCUS ListCost.
    pub fn focus_list(&self) -> Decimal {
        if self.kind.is_usage() { self.public_cost } else { self.net }
    }
}
