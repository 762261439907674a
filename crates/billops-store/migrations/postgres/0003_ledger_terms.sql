-- billops customer billing terms and supplier reconciliation cases, PostgreSQL (money: NUMERIC).
-- Kept in lockstep with the other backend. Percentages are exact decimal TEXT (never summed in SQL).

-- Billing terms per customer, effective-dated: the row with the latest valid_from on or before a date is in force.
CREATE TABLE customer_terms (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    valid_from      DATE NOT NULL,
    tax_pct         TEXT NOT NULL,
    discount_pct    TEXT NOT NULL,
    discount_label  TEXT NOT NULL,
    rounding        TEXT NOT NULL CHECK (rounding IN ('half_away_from_zero', 'half_even', 'down')),
    due_days        BIGINT NOT NULL CHECK (due_days >= 0),
    set_by          TEXT NOT NULL,
    set_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (customer_id, valid_from)
);

-- Supplier invoice discrepancies under investigation: at most one open case per payer and period.
CREATE TABLE recon_cases (
    id          BIGSERIAL PRIMARY KEY,
    payer       TEXT NOT NULL,
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'waiting_credit_note', 'resolved', 'written_off')),
    owner       TEXT,
    residual    NUMERIC NOT NULL,
    expected    NUMERIC NOT NULL,
    received    NUMERIC NOT NULL,
    note        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    opened_by   TEXT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX recon_cases_period ON recon_cases (period, payer);
CREATE UNIQUE INDEX recon_cases_one_open ON recon_cases (payer, period) WHERE status IN ('open', 'waiting_credit_note');
