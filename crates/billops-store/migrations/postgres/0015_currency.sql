-- Currency is part of money (issue 13). Kept in lockstep with the other backend.
--
-- 1. The three rollups gain `currency` (the line items' currency, a dict id) as a key: no sum adds two
--    currencies. Rollups are derived data: rows written before this migration get currency -1 and their batch
--    is listed in `rollup_currency_pending`; `billops migrate` back-fills them from the batch's line items
--    (one currency: the column is set; several: the batch's rollups are rebuilt) and every other open refuses
--    the store (exit 7) until it has.
ALTER TABLE cost_rollups ADD COLUMN currency BIGINT NOT NULL DEFAULT -1;
ALTER TABLE cost_rollups ALTER COLUMN currency DROP DEFAULT;
ALTER TABLE cost_rollups DROP CONSTRAINT cost_rollups_pkey;
ALTER TABLE cost_rollups ADD PRIMARY KEY (period, customer_id, service, product, component, account, payer,
    charge_category, region, currency, batch_id);

ALTER TABLE resource_rollups ADD COLUMN currency BIGINT NOT NULL DEFAULT -1;
ALTER TABLE resource_rollups ALTER COLUMN currency DROP DEFAULT;
ALTER TABLE resource_rollups DROP CONSTRAINT resource_rollups_pkey;
ALTER TABLE resource_rollups ADD PRIMARY KEY (period, customer_id, service, product, component, resource, account,
    payer, charge_category, region, currency, batch_id);

ALTER TABLE rating_rollups ADD COLUMN currency BIGINT NOT NULL DEFAULT -1;
ALTER TABLE rating_rollups ALTER COLUMN currency DROP DEFAULT;
ALTER TABLE rating_rollups DROP CONSTRAINT rating_rollups_pkey;
ALTER TABLE rating_rollups ADD PRIMARY KEY (period, customer_id, account, service, product, component,
    charge_category, region, usage_type, unit, payer, currency, batch_id);

CREATE TABLE rollup_currency_pending (
    batch_id  BIGINT PRIMARY KEY REFERENCES import_batches (id)
);
INSERT INTO rollup_currency_pending (batch_id)
    SELECT id FROM import_batches WHERE content_hash IS NOT NULL AND last_item_id >= first_item_id;

-- 2. FX rate snapshots, one per currency pair and period: entered or imported as data (rate, source, date),
--    approved by a manager who did not enter it (maker-checker), frozen when the period is signed off. The rate
--    is exact decimal TEXT (never summed). Entering a pair's rate again replaces it while the period is open
--    (it must be approved again; the audit log keeps before and after).
CREATE TABLE fx_rates (
    id           BIGSERIAL PRIMARY KEY,
    base         TEXT NOT NULL,
    quote        TEXT NOT NULL,
    period       TEXT NOT NULL,
    rate         TEXT NOT NULL,
    source       TEXT NOT NULL,
    rate_date    DATE NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'approved')),
    entered_by   TEXT NOT NULL,
    entered_at   TIMESTAMPTZ NOT NULL,
    approved_by  TEXT,
    approved_at  TIMESTAMPTZ,
    UNIQUE (base, quote, period)
);

-- PostgreSQL holds the same rules for a login writing through psql: approving needs a manager who did not
-- enter the rate, and a signed-off period's rates do not change.
CREATE FUNCTION billops_guard_fx_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM period_locks WHERE period = NEW.period)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM period_locks WHERE period = OLD.period)) THEN
        RAISE EXCEPTION 'not allowed: % is signed off: its FX rates are frozen (a corrected rate is a PPA)',
            NEW.period USING ERRCODE = '42501';
    END IF;
    IF NEW.status = 'approved' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'approved'
       OR (NEW.rate, NEW.source, NEW.rate_date) IS DISTINCT FROM (OLD.rate, OLD.source, OLD.rate_date)) THEN
        PERFORM billops_require_manager('approving an FX rate');
        IF NEW.approved_by IS NULL OR NEW.approved_by = NEW.entered_by THEN
            RAISE EXCEPTION 'not allowed: the % rate %→% is approved by a manager who did not enter it',
                NEW.period, NEW.base, NEW.quote USING ERRCODE = '42501';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER fx_rates_guard BEFORE INSERT OR UPDATE ON fx_rates
    FOR EACH ROW EXECUTE FUNCTION billops_guard_fx_rates();
