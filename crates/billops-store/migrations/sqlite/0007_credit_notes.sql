-- billops credit notes, SQLite. Kept in lockstep with the other backend.

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
