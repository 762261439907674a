-- billops disputes, prior-period adjustments, SLA claims and requests, SQLite. Kept in lockstep with the other
-- backend. Each record is kept as its domain record (JSON: amounts as exact decimal strings, its whole history)
-- beside the columns lists filter, sort and sum on; every change compares the version it read.

-- Requests with SLA timers (customer queries, disputes, supplier cases, tickets by external reference).
CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('customer_query', 'dispute', 'supplier_case', 'ticket')),
    external_ref TEXT,
    customer_id  INTEGER REFERENCES customers (id),
    subject      TEXT NOT NULL,
    state        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    record       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX requests_customer ON requests (customer_id);

-- Disputes on an issued invoice or one of its lines (line numbers count the invoice's lines from 1, in order).
CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    invoice_id   INTEGER NOT NULL REFERENCES invoices (id),
    line         INTEGER,
    currency     TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'researching', 'accepted', 'rejected', 'settled')),
    version      INTEGER NOT NULL,
    due_at       TEXT,
    external_ref TEXT,
    owner        TEXT NOT NULL,
    request_id   INTEGER REFERENCES requests (id),
    record       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX disputes_invoice ON disputes (invoice_id);
CREATE INDEX disputes_customer ON disputes (customer_id);

-- Prior-period adjustments: one issued line of an earlier period, re-rated; posted as credit-and-rebill on the
-- customer's invoice of the posting period (line 0: the whole invoice).
CREATE TABLE ppas (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    invoice_id      INTEGER NOT NULL REFERENCES invoices (id),
    line            INTEGER NOT NULL,
    original_period TEXT NOT NULL,
    currency        TEXT NOT NULL,
    delta_int INTEGER NOT NULL, delta_e9 INTEGER NOT NULL, delta_e18 INTEGER NOT NULL, delta_e28 INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'posted')),
    version         INTEGER NOT NULL,
    proposer        TEXT NOT NULL,
    approver        TEXT,
    posting_period  TEXT,
    dispute_id      INTEGER REFERENCES disputes (id),
    run             TEXT,
    record          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX ppas_customer ON ppas (customer_id, status);
CREATE INDEX ppas_invoice ON ppas (invoice_id);

-- SLA service-credit claims against the supplier.
CREATE TABLE sla_claims (
    id          INTEGER PRIMARY KEY,
    service     TEXT NOT NULL,
    region      TEXT NOT NULL,
    cycle       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'credited', 'passed_through')),
    version     INTEGER NOT NULL,
    deadline    TEXT NOT NULL,
    record      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX sla_claims_cycle ON sla_claims (cycle);
