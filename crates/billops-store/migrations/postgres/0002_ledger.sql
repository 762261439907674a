-- billops month-end ledger, PostgreSQL (money: NUMERIC). Kept in lockstep with the other backend.
-- Period locks (period_locks, 0001) are enforced by the store; this adds their history, price books,
-- invoices, credits, supplier invoices and payments. Conventions as in 0001.

-- Every sign-off and re-open, in order (period_locks holds the current lock).
CREATE TABLE period_close_events (
    id         BIGSERIAL PRIMARY KEY,
    period     TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('sign_off', 'reopen')),
    by_user    TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX period_close_events_period ON period_close_events (period, id);

-- A customer's price book: rules in id order (first match wins); the rule itself as domain JSON.
CREATE TABLE price_rules (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    rule_json    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX price_rules_customer ON price_rules (customer_id, id);

-- Gap-free numbering: a number is taken only inside the issuing transaction.
CREATE TABLE number_series (
    series      TEXT PRIMARY KEY,
    next_value  BIGINT NOT NULL
);

CREATE TABLE invoices (
    id            BIGSERIAL PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    period        TEXT NOT NULL,
    status        TEXT NOT NULL,
    number        TEXT UNIQUE,
    currency      TEXT NOT NULL,
    total NUMERIC NOT NULL,
    cost NUMERIC NOT NULL,
    paid NUMERIC NOT NULL,
    draft_json    TEXT NOT NULL,
    history_json  TEXT NOT NULL,
    version       BIGINT NOT NULL,
    generated_at  TIMESTAMPTZ NOT NULL,
    issued_on     DATE,
    due_on        DATE,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id, period);
CREATE INDEX invoices_period ON invoices (period, status);

-- The current draft's lines (rewritten on regeneration), for queries and exports.
CREATE TABLE invoice_lines (
    invoice_id    BIGINT NOT NULL REFERENCES invoices (id),
    seq           BIGINT NOT NULL,
    section       TEXT NOT NULL,
    kind_json     TEXT NOT NULL,
    description   TEXT NOT NULL,
    account_code  TEXT,
    quantity      TEXT,
    cost NUMERIC NOT NULL,
    amount NUMERIC NOT NULL,
    rule_ids      TEXT NOT NULL,
    PRIMARY KEY (invoice_id, seq)
);

-- Supplier cost behind each invoice, per payer (the tie-out's "customer invoices at cost").
CREATE TABLE invoice_payer_costs (
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id),
    payer       TEXT NOT NULL,
    cost NUMERIC NOT NULL,
    PRIMARY KEY (invoice_id, payer)
);

CREATE TABLE credits (
    id             BIGSERIAL PRIMARY KEY,
    customer_id    BIGINT NOT NULL REFERENCES customers (id),
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    amount NUMERIC NOT NULL,
    remaining NUMERIC NOT NULL,
    valid_from     DATE NOT NULL,
    valid_to       DATE NOT NULL,
    proposal_json  TEXT NOT NULL,
    events_json    TEXT NOT NULL,
    version        BIGINT NOT NULL,
    proposed_by    TEXT NOT NULL,
    proposed_at    TIMESTAMPTZ NOT NULL,
    decided_at     TIMESTAMPTZ
);
CREATE INDEX credits_customer ON credits (customer_id, status);

CREATE TABLE supplier_invoices (
    id          BIGSERIAL PRIMARY KEY,
    payer       TEXT NOT NULL,
    period      TEXT NOT NULL,
    number      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount NUMERIC NOT NULL,
    tax NUMERIC NOT NULL,
    credits NUMERIC NOT NULL,
    entered_by  TEXT NOT NULL,
    entered_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (payer, number)
);
CREATE INDEX supplier_invoices_period ON supplier_invoices (period, payer);

CREATE TABLE payments (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    amount NUMERIC NOT NULL,
    received_on  DATE NOT NULL,
    invoice_id   BIGINT REFERENCES invoices (id),
    reference    TEXT,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, received_on);
