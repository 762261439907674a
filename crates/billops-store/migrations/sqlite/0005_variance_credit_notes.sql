-- billops variance explanations and credit notes, SQLite (money: four INTEGER split columns). Kept in lockstep with the other
-- backend.

-- Why a customer's billed cost on a service moved between a period and the one before: one explanation per
-- period, customer and service (a new one replaces it). `delta` is the change it was written for; when the
-- current change differs (new data), the explanation is stale and the variance counts as unexplained again.
CREATE TABLE variance_explanations (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    service     TEXT NOT NULL,
    driver      TEXT NOT NULL CHECK (driver IN ('usage_growth', 'usage_decline', 'new_service', 'decommission',
                                                'price_change', 'one_off', 'data_correction', 'credit', 'other')),
    text        TEXT NOT NULL,
    delta_int INTEGER NOT NULL, delta_e9 INTEGER NOT NULL, delta_e18 INTEGER NOT NULL, delta_e28 INTEGER NOT NULL,
    by_user     TEXT NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (period, customer_id, service)
);

-- Credit notes: the correction of an issued invoice (which never changes), a document of its own gap-free
-- series (number_series), for part or all of the invoice; Σ amount per invoice never exceeds its total.
CREATE TABLE credit_notes (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    currency    TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    issued_at   TEXT NOT NULL
);
CREATE INDEX credit_notes_invoice ON credit_notes (invoice_id);
CREATE INDEX credit_notes_customer ON credit_notes (customer_id, issued_on);
