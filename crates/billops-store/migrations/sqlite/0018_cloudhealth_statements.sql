-- CloudHealth customer statements (issue 13), a second source of the customer tie-out. Kept in lockstep with
-- the other backend.
--
-- A statement file is imported once (its content hash); each of its rows is one customer's statement of one
-- billing period, Estimated or Final, with its total and currency. A later statement of the same customer and
-- period replaces the current one (an Estimated by the Final, a corrected Final): the replaced row is kept with
-- `replaced_at`/`replaced_by`, so the history stays; one current statement per customer and period.
CREATE TABLE ch_statement_files (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,
    content_hash  TEXT NOT NULL UNIQUE,
    statements    INTEGER NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL
);

CREATE TABLE ch_statements (
    id            INTEGER PRIMARY KEY,
    file_id       INTEGER NOT NULL REFERENCES ch_statement_files (id),
    line          INTEGER NOT NULL,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    ch_customer   TEXT NOT NULL,
    period        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('estimated', 'final')),
    currency      TEXT NOT NULL,
    total_int INTEGER NOT NULL, total_e9 INTEGER NOT NULL, total_e18 INTEGER NOT NULL, total_e28 INTEGER NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    replaced_at   TEXT,
    replaced_by   INTEGER REFERENCES ch_statements (id)
);
CREATE UNIQUE INDEX ch_statements_current ON ch_statements (customer_id, period) WHERE replaced_at IS NULL;
CREATE INDEX ch_statements_period ON ch_statements (period);
