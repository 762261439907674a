-- billops customer billing terms and supplier reconciliation cases, SQLite (money: four INTEGER split columns).
-- Kept in lockstep with the other backend. Percentages are exact decimal TEXT (never summed in SQL).

-- Billing terms per customer, effective-dated: the row with the latest valid_from on or before a date is in force.
CREATE TABLE customer_terms (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    valid_from      TEXT NOT NULL,
    tax_pct         TEXT NOT NULL,
    discount_pct    TEXT NOT NULL,
    discount_label  TEXT NOT NULL,
    rounding        TEXT NOT NULL CHECK (rounding IN ('half_away_from_zero', 'half_even', 'down')),
    due_days        INTEGER NOT NULL CHECK (due_days >= 0),
    set_by          TEXT NOT NULL,
    set_at          TEXT NOT NULL,
    UNIQUE (customer_id, valid_from)
);

-- Supplier invoice discrepancies under investigation: at most one open case per payer and period.
CREATE TABLE recon_cases (
    id          INTEGER PRIMARY KEY,
    payer       TEXT NOT NULL,
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'waiting_credit_note', 'resolved', 'written_off')),
    owner       TEXT,
    residual_int INTEGER NOT NULL, residual_e9 INTEGER NOT NULL, residual_e18 INTEGER NOT NULL, residual_e28 INTEGER NOT NULL,
    expected_int INTEGER NOT NULL, expected_e9 INTEGER NOT NULL, expected_e18 INTEGER NOT NULL, expected_e28 INTEGER NOT NULL,
    received_int INTEGER NOT NULL, received_e9 INTEGER NOT NULL, received_e18 INTEGER NOT NULL, received_e28 INTEGER NOT NULL,
    note        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    opened_by   TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX recon_cases_period ON recon_cases (period, payer);
CREATE UNIQUE INDEX recon_cases_one_open ON recon_cases (payer, period) WHERE status IN ('open', 'waiting_credit_note');
