-- Azure partner fields (issue 13): the MCA/CSP export's customerTenantId, customerName and resellerName per
-- subscription, kept with the linked account (NULL: no file has said), and the Azure tenant id recorded for a
-- customer (at most one customer per tenant id, compared in any case), from which `billops accounts suggest`
-- proposes a customer for each unassigned account. Kept in lockstep with the other backend. New columns of
-- granted tables: the grants of 0008 cover them (`billops_apply_grants`).
ALTER TABLE linked_accounts ADD COLUMN azure_customer_tenant_id TEXT;
ALTER TABLE linked_accounts ADD COLUMN azure_customer_name TEXT;
ALTER TABLE linked_accounts ADD COLUMN azure_reseller_name TEXT;
ALTER TABLE customers ADD COLUMN azure_tenant_id TEXT;
CREATE UNIQUE INDEX customers_azure_tenant ON customers (lower(azure_tenant_id)) WHERE azure_tenant_id IS NOT NULL;

-- A recorded tenant id steers where accounts are suggested: operators record one where none is, changing or
-- clearing one is a manager's (as the store checks; here for a login writing through psql too).
CREATE FUNCTION billops_guard_customer_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.azure_tenant_id IS NOT NULL AND NEW.azure_tenant_id IS DISTINCT FROM OLD.azure_tenant_id THEN
        PERFORM billops_require_manager('changing a customer''s recorded Azure tenant id');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER customers_tenant_guard BEFORE UPDATE OF azure_tenant_id ON customers
    FOR EACH ROW EXECUTE FUNCTION billops_guard_customer_tenant();
