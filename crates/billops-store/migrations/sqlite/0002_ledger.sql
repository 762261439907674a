-- billops month-end ledger, SQLite (money: four INTEGER split columns). Kept in lockstep with the other backend.
-- Period locks (period_locks, 0001) are enforced by the store; this adds their history, price books,
-- invoices, credits, supplier invoices and payments. Conventions as in 0001.

-- Every sign-off and re-open, in order (period_locks holds the current lock).
CREATE TABLE period_close_events (
    id         INTEGER PRIMARY KEY,
    period     TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('sign_off', 'reopen')),
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX period_close_events_period ON period_close_events (period, id);

-- A customer's price book: rules in id order (first match wins); the rule itself as domain JSON.
CREATE TABLE price_rules (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    rule_json    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX price_rules_customer ON price_rules (customer_id, id);

-- Gap-free numbering: a number is taken only inside the issuing transaction.
CREATE TABLE number_series (
    series      TEXT PRIMARY KEY,
    next_value  INTEGER NOT NULL
);

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    period        TEXT NOT NULL,
    status        TEXT NOT NULL,
    number        TEXT UNIQUE,
    currency      TEXT NOT NULL,
    total_int INTEGER NOT NULL, total_e9 INTEGER NOT NULL, total_e18 INTEGER NOT NULL, total_e28 INTEGER NOT NULL,
    cost_int INTEGER NOT NULL, cost_e9 INTEGER NOT NULL, cost_e18 INTEGER NOT NULL, cost_e28 INTEGER NOT NULL,
    paid_int INTEGER NOT NULL, paid_e9 INTEGER NOT NULL, paid_e18 INTEGER NOT NULL, paid_e28 INTEGER NOT NULL,
    draft_json    TEXT NOT NULL,
    history_json  TEXT NOT NULL,
    version       INTEGER NOT NULL,
    generated_at  TEXT NOT NULL,
    issued_on     TEXT,
    due_on        TEXT,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id, period);
CREATE INDEX invoices_period ON invoices (period, status);

-- The current draft's lines (rewritten on regeneration), for queries and exports.
CREATE TABLE invoice_lines (
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id),
    seq           INTEGER NOT NULL,
    section       TEXT NOT NULL,
    kind_json     TEXT NOT NULL,
    description   TEXT NOT NULL,
    account_code  TEXT,
    quantity      TEXT,
    cost_int INTEGER NOT NULL, cost_e9 INTEGER NOT NULL, cost_e18 INTEGER NOT NULL, cost_e28 INTEGER NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    rule_ids      TEXT NOT NULL,
    PRIMARY KEY (invoice_id, seq)
);

-- Supplier cost behind each invoice, per payer (the tie-out's "customer invoices at cost").
CREATE TABLE invoice_payer_costs (
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    payer       TEXT NOT NULL,
    cost_int INTEGER NOT NULL, cost_e9 INTEGER NOT NULL, cost_e18 INTEGER NOT NULL, cost_e28 INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, payer)
);

CREATE TABLE credits (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    remaining_int INTEGER NOT NULL, remaining_e9 INTEGER NOT NULL, remaining_e18 INTEGER NOT NULL, remaining_e28 INTEGER NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT NOT NULL,
    proposal_json  TEXT NOT NULL,
    events_json    TEXT NOT NULL,
    version        INTEGER NOT NULL,
    proposed_by    TEXT NOT NULL,
    proposed_at    TEXT NOT NULL,
    decided_at     TEXT
);
CREATE INDEX credits_customer ON credits (customer_id, status);

CREATE TABLE supplier_invoices (
    id          INTEGER PRIMARY KEY,
    payer       TEXT NOT NULL,
    period      TEXT NOT NULL,
    number      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    tax_int INTEGER NOT NULL, tax_e9 INTEGER NOT NULL, tax_e18 INTEGER NOT NULL, tax_e28 INTEGER NOT NULL,
    credits_int INTEGER NOT NULL, credits_e9 INTEGER NOT NULL, credits_e18 INTEGER NOT NULL, credits_e28 INTEGER NOT NULL,
    entered_by  TEXT NOT NULL,
    entered_at  TEXT NOT NULL,
    UNIQUE (payer, number)
);
CREATE INDEX supplier_invoices_period ON supplier_invoices (period, payer);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    received_on  TEXT NOT NULL,
    invoice_id   INTEGER REFERENCES invoices (id),
    reference    TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, received_on);
