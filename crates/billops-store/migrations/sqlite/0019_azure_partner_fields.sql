-- Azure partner fields (issue 13): the MCA/CSP export's customerTenantId, customerName and resellerName per
-- subscription, kept with the linked account (NULL: no file has said), and the Azure tenant id recorded for a
-- customer (at most one customer per tenant id, compared in any case), from which `billops accounts suggest`
-- proposes a customer for each unassigned account. Kept in lockstep with the other backend.
ALTER TABLE linked_accounts ADD COLUMN azure_customer_tenant_id TEXT;
ALTER TABLE linked_accounts ADD COLUMN azure_customer_name TEXT;
ALTER TABLE linked_accounts ADD COLUMN azure_reseller_name TEXT;
ALTER TABLE customers ADD COLUMN azure_tenant_id TEXT;
CREATE UNIQUE INDEX customers_azure_tenant ON customers (lower(azure_tenant_id)) WHERE azure_tenant_id IS NOT NULL;
