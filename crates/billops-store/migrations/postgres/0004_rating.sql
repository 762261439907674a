-- billops rating at the right grain, PostgreSQL (money and quantities: NUMERIC). Kept in lockstep with the other
-- backend. Factors and rates are exact decimal TEXT (never summed in SQL).

-- Exact sums per batch, period and every dimension rating looks at: usage type and unit too (price rules and
-- resource units select on them), resource not. Written at import, deleted with a replaced scope, rebuilt on
-- re-assignment; stores older than this migration are back-filled from line_items when opened.
CREATE TABLE rating_rollups (
    period           TEXT NOT NULL,
    customer_id      BIGINT NOT NULL,
    account          BIGINT NOT NULL,
    service          BIGINT NOT NULL,
    product          BIGINT NOT NULL,
    component        BIGINT NOT NULL,
    charge_category  BIGINT NOT NULL,
    region           BIGINT NOT NULL,
    usage_type       BIGINT NOT NULL,
    unit             BIGINT NOT NULL,
    payer            BIGINT NOT NULL,
    batch_id         BIGINT NOT NULL,
    row_count        BIGINT NOT NULL,
    billed NUMERIC NOT NULL,
    effective NUMERIC NOT NULL,
    list NUMERIC NOT NULL,
    -- Σ quantity of the rows that have one (exact), and how many rows have none.
    quantity NUMERIC NOT NULL,
    no_quantity      BIGINT NOT NULL,
    PRIMARY KEY (period, customer_id, account, service, product, component, charge_category, region, usage_type, unit,
                 payer, batch_id)
);

-- Batches whose rating rollups are written (by their import, or by the back-fill of an older store).
CREATE TABLE rating_rollup_batches (
    batch_id  BIGINT PRIMARY KEY REFERENCES import_batches (id),
    source    TEXT NOT NULL CHECK (source IN ('import', 'backfill'))
);

-- How a customer is billed: resale (price book on cost, the default when absent) or chargeback (resource units).
CREATE TABLE customer_billing_models (
    customer_id  BIGINT PRIMARY KEY REFERENCES customers (id),
    model        TEXT NOT NULL CHECK (model IN ('resale', 'chargeback')),
    set_by       TEXT NOT NULL,
    set_at       TIMESTAMPTZ NOT NULL
);

-- Resource-unit definitions (tried in id order: the first whose selector picks a line rates it).
CREATE TABLE resource_units (
    id           BIGSERIAL PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    service      TEXT,
    usage_type   TEXT,
    region       TEXT,
    source_unit  TEXT,
    factor       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Effective-dated rates: the row with the latest valid_from on or before a period's first day is in force.
CREATE TABLE resource_unit_rates (
    ru_id       BIGINT NOT NULL REFERENCES resource_units (id),
    valid_from  DATE NOT NULL,
    rate        TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ru_id, valid_from)
);
