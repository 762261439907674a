-- The first drill step at scale (issue 14): cost by period, customer, service and currency, per import batch.
-- A month's cost rollups hold one row per distinct (customer, service, product, component, account, payer,
-- charge category, region, currency) — tens of millions at 100M line items a month — while the first drill step
-- (cost by customer) and every other report that needs only these dimensions want thousands. Derived from
-- cost_rollups and kept in step with them by every writer: the import, a replacing import, an account's
-- re-assignment, the currency back-fill (`service_rollups.rs`). Kept in lockstep with the other backend.
-- Not partitioned: a year of it is about customers x services x 12 rows per batch.
CREATE TABLE service_rollups (
    period           TEXT NOT NULL,
    customer_id      BIGINT NOT NULL,
    service          BIGINT NOT NULL,
    currency         BIGINT NOT NULL,
    batch_id         BIGINT NOT NULL,
    row_count        BIGINT NOT NULL,
    billed           NUMERIC NOT NULL,
    effective        NUMERIC NOT NULL,
    list             NUMERIC NOT NULL,
    PRIMARY KEY (period, customer_id, service, currency, batch_id)
);

-- A signed-off period's summary is read-only like its partitions (migration 0020), `billops migrate`'s back-fill
-- by the owner excepted.
CREATE FUNCTION billops_guard_service_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM period_locks WHERE period IN (NEW.period, OLD.period)) THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF current_setting('billops.backfill', true) = 'on'
       AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'not allowed: % is signed off: its cost data is read-only (corrections go through adjustments)',
        COALESCE(NEW.period, OLD.period) USING ERRCODE = '42501';
END $$;
CREATE TRIGGER service_rollups_guard BEFORE INSERT OR UPDATE OR DELETE ON service_rollups
    FOR EACH ROW EXECUTE FUNCTION billops_guard_service_rollups();

-- Batches imported before this migration: their summaries are built by `billops migrate` (an open never
-- back-fills; until then the store is refused with a message naming the command).
CREATE TABLE service_rollup_pending (
    batch_id  BIGINT PRIMARY KEY
);
INSERT INTO service_rollup_pending (batch_id) SELECT id FROM import_batches WHERE content_hash IS NOT NULL;
