-- Currency is part of money (issue 13). Kept in lockstep with the other backend.
--
-- 1. The three rollups gain `currency` (the line items' currency, a dict id) as a key: no sum adds two
--    currencies. Rollups are derived data: rows written before this migration get currency -1 and their batch
--    is listed in `rollup_currency_pending`; `billops migrate` back-fills them from the batch's line items
--    (one currency: the column is set; several: the batch's rollups are rebuilt) and every other open refuses
--    the store (exit 7) until it has. SQLite cannot change a primary key, so the tables are rebuilt.
CREATE TABLE cost_rollups_0015 (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    payer            INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    currency         INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, service, product, component, account, payer, charge_category, region, currency,
                 batch_id)
) WITHOUT ROWID;
INSERT INTO cost_rollups_0015 SELECT period, customer_id, service, product, component, account, payer,
    charge_category, region, -1, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28, effective_int,
    effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28 FROM cost_rollups;
DROP TABLE cost_rollups;
ALTER TABLE cost_rollups_0015 RENAME TO cost_rollups;

CREATE TABLE resource_rollups_0015 (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    payer            INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    resource         INTEGER NOT NULL,
    currency         INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, service, product, component, resource, account, payer, charge_category, region,
                 currency, batch_id)
) WITHOUT ROWID;
INSERT INTO resource_rollups_0015 SELECT period, customer_id, service, product, component, account, payer,
    charge_category, region, resource, -1, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28,
    effective_int, effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28
    FROM resource_rollups;
DROP TABLE resource_rollups;
ALTER TABLE resource_rollups_0015 RENAME TO resource_rollups;

CREATE TABLE rating_rollups_0015 (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    usage_type       INTEGER NOT NULL,
    unit             INTEGER NOT NULL,
    payer            INTEGER NOT NULL,
    currency         INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    quantity_int     INTEGER NOT NULL, quantity_e9 INTEGER NOT NULL, quantity_e18 INTEGER NOT NULL, quantity_e28 INTEGER NOT NULL,
    no_quantity      INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, account, service, product, component, charge_category, region, usage_type, unit,
                 payer, currency, batch_id)
) WITHOUT ROWID;
INSERT INTO rating_rollups_0015 SELECT period, customer_id, account, service, product, component, charge_category,
    region, usage_type, unit, payer, -1, batch_id, row_count, billed_int, billed_e9, billed_e18, billed_e28,
    effective_int, effective_e9, effective_e18, effective_e28, list_int, list_e9, list_e18, list_e28, quantity_int,
    quantity_e9, quantity_e18, quantity_e28, no_quantity FROM rating_rollups;
DROP TABLE rating_rollups;
ALTER TABLE rating_rollups_0015 RENAME TO rating_rollups;

CREATE TABLE rollup_currency_pending (
    batch_id  INTEGER PRIMARY KEY REFERENCES import_batches (id)
);
INSERT INTO rollup_currency_pending (batch_id)
    SELECT id FROM import_batches WHERE content_hash IS NOT NULL AND last_item_id >= first_item_id;

-- 2. FX rate snapshots, one per currency pair and period: entered or imported as data (rate, source, date),
--    approved by a manager who did not enter it (maker-checker), frozen when the period is signed off. The rate
--    is exact decimal TEXT (never summed). Entering a pair's rate again replaces it while the period is open
--    (it must be approved again; the audit log keeps before and after).
CREATE TABLE fx_rates (
    id           INTEGER PRIMARY KEY,
    base         TEXT NOT NULL,
    quote        TEXT NOT NULL,
    period       TEXT NOT NULL,
    rate         TEXT NOT NULL,
    source       TEXT NOT NULL,
    rate_date    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'approved')),
    entered_by   TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    approved_by  TEXT,
    approved_at  TEXT,
    UNIQUE (base, quote, period)
);
