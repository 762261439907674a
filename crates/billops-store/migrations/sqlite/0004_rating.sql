-- billops rating at the right grain, SQLite (money and quantities: four INTEGER split columns). Kept in lockstep
-- with the other backend. Factors and rates are exact decimal TEXT (never summed in SQL).

-- Exact sums per batch, period and every dimension rating looks at: usage type and unit too (price rules and
-- resource units select on them), resource not. Written at import, deleted with a replaced scope, rebuilt on
-- re-assignment; stores older than this migration are back-filled from line_items when opened. The key order
-- is the GROUP BY order of `charges()` (period, customer first), so SQLite aggregates it without sorting.
CREATE TABLE rating_rollups (
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
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    -- Σ quantity of the rows that have one (exact), and how many rows have none.
    quantity_int     INTEGER NOT NULL, quantity_e9 INTEGER NOT NULL, quantity_e18 INTEGER NOT NULL, quantity_e28 INTEGER NOT NULL,
    no_quantity      INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, account, service, product, component, charge_category, region, usage_type, unit,
                 payer, batch_id)
) WITHOUT ROWID;

-- Batches whose rating rollups are written (by their import, or by the back-fill of an older store).
CREATE TABLE rating_rollup_batches (
    batch_id  INTEGER PRIMARY KEY REFERENCES import_batches (id),
    source    TEXT NOT NULL CHECK (source IN ('import', 'backfill'))
);

-- How a customer is billed: resale (price book on cost, the default when absent) or chargeback (resource units).
CREATE TABLE customer_billing_models (
    customer_id  INTEGER PRIMARY KEY REFERENCES customers (id),
    model        TEXT NOT NULL CHECK (model IN ('resale', 'chargeback')),
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);

-- Resource-unit definitions (tried in id order: the first whose selector picks a line rates it).
CREATE TABLE resource_units (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    service      TEXT,
    usage_type   TEXT,
    region       TEXT,
    source_unit  TEXT,
    factor       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

-- Effective-dated rates: the row with the latest valid_from on or before a period's first day is in force.
CREATE TABLE resource_unit_rates (
    ru_id       INTEGER NOT NULL REFERENCES resource_units (id),
    valid_from  TEXT NOT NULL,
    rate        TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    PRIMARY KEY (ru_id, valid_from)
);
