-- The first drill step at scale (issue 14): cost by period, customer, service and currency, per import batch.
-- A month's cost rollups hold one row per distinct (customer, service, product, component, account, payer,
-- charge category, region, currency) — tens of millions at 100M line items a month — while the first drill step
-- (cost by customer) and every other report that needs only these dimensions want thousands. Derived from
-- cost_rollups and kept in step with them by every writer: the import, a replacing import, an account's
-- re-assignment, the currency back-fill (`service_rollups.rs`). Kept in lockstep with the other backend.
CREATE TABLE service_rollups (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    currency         INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, service, currency, batch_id)
) WITHOUT ROWID;

-- Batches imported before this migration: their summaries are built by `billops migrate` (an open never
-- back-fills; until then the store is refused with a message naming the command).
CREATE TABLE service_rollup_pending (
    batch_id  INTEGER PRIMARY KEY
);
INSERT INTO service_rollup_pending (batch_id) SELECT id FROM import_batches WHERE content_hash IS NOT NULL;
