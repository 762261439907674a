//! Partner fields of Azure's MCA/CSP cost export (`customerTenantId`, `customerName`, `resellerName`) and the
//! customer each unassigned subscription is suggested for. Pure: the store reads the accounts and customers,
//! the CLI and the console show and apply what [`suggest`] returns. A suggestion is never applied on its own.
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

/// What an Azure partner export says about one subscription (empty: the file does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct PartnerFields {
    pub customer_tenant_id: String,
    pub customer_name: String,
    pub reseller_name: String,
}

impl PartnerFields {
    /// No field given.
    pub fn is_empty(&self) -> bool {
        self.customer_tenant_id.is_empty() && self.customer_name.is_empty() && self.reseller_name.is_empty()
    }
    /// `self` with the fields `later` gives (a later row's non-empty value wins; empty ones keep ours).
    pub fn merged(&self, later: &PartnerFields) -> PartnerFields {
        let pick = |a: &String, b: &String| if b.is_empty() { a.clone() } else { b.clone() };
        PartnerFields {
            customer_tenant_id: pick(&self.customer_tenant_id, &later.customer_tenant_id),
            customer_name: pick(&self.customer_name, &later.customer_name),
            reseller_name: pick(&self.reseller_name, &later.reseller_name),
        }
    }
}

/// One subscription's partner fields, as the reader hands them out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountPartner {
    pub account: String,
    pub fields: PartnerFields,
}

/// An unassigned linked account with partner fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerAccount {
    pub account: String,
    pub name: String,
    pub payer: String,
    pub fields: PartnerFields,
}

/// An existing customer, with the Azure tenant id recorded for it (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCustomer {
    pub code: String,
    pub name: String,
    pub tenant_id: Option<String>,
}

/// Why a customer is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The customer's recorded Azure tenant id is the account's customerTenantId.
    TenantId,
    /// The customer's name is the account's customerName (case and blanks folded).
    Name,
    /// No customer matches: a new one, named as the file names it, with a proposed code.
    New,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::TenantId => "tenant id",
            Basis::Name => "name",
            Basis::New => "new",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One account's suggested customer and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub account: String,
    pub account_name: String,
    pub payer: String,
    pub fields: PartnerFields,
    pub basis: Basis,
    /// The existing customer's code, or the code proposed for the new one.
    pub customer: String,
    /// The existing customer's name, or the new one's (the file's customerName).
    pub customer_name: String,
}

impl Suggestion {
    /// In words: `acme (tenant id 7f…)`, `globex (name "Globex")`, `new customer Initech (code proposed: initech)`.
    pub fn text(&self) -> String {
        match self.basis {
            Basis::TenantId => format!("{} (tenant id {})", self.customer, self.fields.customer_tenant_id),
            Basis::Name => format!("{} (name {:?})", self.customer, self.fields.customer_name),
            Basis::New => format!("new customer {} (code proposed: {})", self.customer_name, self.customer),
        }
    }
}

/// A name as people type it: case and runs of blanks do not matter.
pub fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A tenant id compared as a GUID is: trimmed, in any case.
fn tenant_key(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// A customer code proposed from a name: lower-case ASCII letters and digits, words joined by `-`, at most 24
/// characters; `customer` when nothing is left; `-2`, `-3`, … until no code in `taken` (compared in any case).
pub fn propose_code(name: &str, taken: &HashSet<String>) -> String {
    let mut base = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let w = word.to_ascii_lowercase();
        let room = 24usize.saturating_sub(base.len() + usize::from(!base.is_empty()));
        if room == 0 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.extend(w.chars().take(room));
    }
    let base = if base.is_empty() { "customer".to_string() } else { base };
    let free = |c: &str| !taken.contains(&c.to_lowercase());
    if free(&base) {
        return base;
    }
    (2u32..).map(|n| format!("{base}-{n}")).find(|c| free(c)).unwrap_or(base)
}

/// For each account, a customer: the one whose recorded tenant id is the account's customerTenantId, else the
/// one whose name is its customerName (case and blanks folded; two customers of that name: none), else a new
/// customer named so (one new customer per tenant id, else per name, shared by its accounts). An account whose
/// fields give neither a known tenant id nor a name gets none. In account order.
pub fn suggest(accounts: &[PartnerAccount], customers: &[KnownCustomer]) -> Vec<Suggestion> {
    let by_tenant: HashMap<String, &KnownCustomer> = customers
        .iter()
        .filter_map(|c| c.tenant_id.as_deref().filter(|t| !t.trim().is_empty()).map(|t| (tenant_key(t), c)))
        .collect();
    let mut by_name: HashMap<String, Vec<&KnownCustomer>> = HashMap::new();
    for c in customers {
        by_name.entry(folded(&c.name)).or_default().push(c);
    }
    let mut taken: HashSet<String> = customers.iter().map(|c| c.code.to_lowercase()).collect();
    // new customers proposed so far: by tenant id and by folded name → (code, name)
    let mut new_by_tenant: HashMap<String, (String, String)> = HashMap::new();
    let mut new_by_name: HashMap<String, (String, String)> = HashMap::new();
    let mut out = Vec::new();
    let mut sorted: Vec<&PartnerAccount> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.account.cmp(&b.account));
    for a in sorted {
        let f = &a.fields;
        let tenant = tenant_key(&f.customer_tenant_id);
        let name = f.customer_name.trim();
        let found = if let Some(c) = by_tenant.get(&tenant).filter(|_| !tenant.is_empty()) {
            Some((Basis::TenantId, c.code.clone(), c.name.clone()))
        } else if let Some([c]) = by_name.get(&folded(name)).map(Vec::as_slice).filter(|_| !name.is_empty()) {
            Some((Basis::Name, c.code.clone(), c.name.clone()))
        } else if name.is_empty() || by_name.contains_key(&folded(name)) {
            None
        } else {
            let known = if tenant.is_empty() { None } else { new_by_tenant.get(&tenant).cloned() };
            let (code, new_name) = match known.or_else(|| new_by_name.get(&folded(name)).cloned()) {
                Some(x) => x,
                None => {
                    let code = propose_code(name, &taken);
                    taken.insert(code.to_lowercase());
                    (code, name.to_string())
                }
            };
            if !tenant.is_empty() {
                new_by_tenant.entry(tenant.clone()).or_insert_with(|| (code.clone(), new_name.clone()));
            }
            new_by_name.entry(folded(name)).or_insert_with(|| (code.clone(), new_name.clone()));
            Some((Basis::New, code, new_name))
        };
        if let Some((basis, customer, customer_name)) = found {
            out.push(Suggestion {
                account: a.account.clone(),
                account_name: a.name.clone(),
                payer: a.payer.clone(),
                fields: f.clone(),
                basis,
                customer,
                customer_name,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn acct(id: &str, tenant: &str, name: &str) -> PartnerAccount {
        PartnerAccount {
            account: id.into(),
            name: format!("sub {id}"),
            payer: "ba-1".into(),
            fields: PartnerFields {
                customer_tenant_id: tenant.into(),
                customer_name: name.into(),
                reseller_name: "Reseller One".into(),
            },
        }
    }

    fn cust(code: &str, name: &str, tenant: Option<&str>) -> KnownCustomer {
        KnownCustomer { code: code.into(), name: name.into(), tenant_id: tenant.map(String::from) }
    }

    #[test]
    fn tenant_id_then_name_then_new() {
        let customers = [
            cust("acme", "Acme Corporation", Some("AAAA-1111")),
            cust("globex", "Globex Corporation", None),
            cust("twin1", "Twins", None),
            cust("twin2", "twins", None),
        ];
        let accounts = [
            acct("s1", " aaaa-1111 ", "ACME Corp (another name)"),
            acct("s2", "bbbb", "  globex   CORPORATION "),
            acct("s3", "cccc", "Initech LLC"),
            acct("s4", "cccc", "Initech L.L.C."),
            acct("s5", "", "Initech LLC"),
            acct("s6", "", "Twins"),
            acct("s7", "dddd", ""),
        ];
        let s = suggest(&accounts, &customers);
        let got: Vec<(&str, Basis, &str)> =
            s.iter().map(|x| (x.account.as_str(), x.basis, x.customer.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("s1", Basis::TenantId, "acme"),
                ("s2", Basis::Name, "globex"),
                ("s3", Basis::New, "initech-llc"),
                ("s4", Basis::New, "initech-llc"),
                ("s5", Basis::New, "initech-llc"),
            ],
            "one new customer per tenant id / name; an ambiguous name and a nameless unknown tenant get none"
        );
        assert_eq!(s[2].customer_name, "Initech LLC");
        assert_eq!(s[0].text(), "acme (tenant id  aaaa-1111 )");
        assert_eq!(s[2].text(), "new customer Initech LLC (code proposed: initech-llc)");
    }

    #[test]
    fn proposed_codes_are_one_word_and_free() {
        let taken: HashSet<String> = ["initech".to_string(), "initech-2".to_string()].into();
        assert_eq!(propose_code("Initech", &taken), "initech-3");
        assert_eq!(propose_code("Contoso Ltd. (EU)", &HashSet::new()), "contoso-ltd-eu");
        assert_eq!(propose_code("ÄÖÜ", &HashSet::new()), "customer");
        let long = propose_code("Northwind Traders International Holdings", &HashSet::new());
        assert!(long.len() <= 24 && crate::text::Code::new("code", &long).is_ok(), "{long}");
    }

    #[test]
    fn later_fields_win_where_given() {
        let a =
            PartnerFields { customer_tenant_id: "t".into(), customer_name: "A".into(), reseller_name: String::new() };
        let b =
            PartnerFields { customer_tenant_id: String::new(), customer_name: "B".into(), reseller_name: "R".into() };
        assert_eq!(
            a.merged(&b),
            PartnerFields { customer_tenant_id: "t".into(), customer_name: "B".into(), reseller_name: "R".into() }
        );
        assert!(PartnerFields::default().is_empty());
    }
}
