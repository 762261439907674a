-- CloudHealth customer statements (issue 13), a second source of the customer tie-out. Kept in lockstep with
-- the other backend.
--
-- A statement file is imported once (its content hash); each of its rows is one customer's statement of one
-- billing period, Estimated or Final, with its total and currency. A later statement of the same customer and
-- period replaces the current one (an Estimated by the Final, a corrected Final): the replaced row is kept with
-- `replaced_at`/`replaced_by`, so the history stays; one current statement per customer and period.
CREATE TABLE ch_statement_files (
    id            BIGSERIAL PRIMARY KEY,
    file_name     TEXT NOT NULL,
    content_hash  TEXT NOT NULL UNIQUE,
    statements    BIGINT NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE ch_statements (
    id            BIGSERIAL PRIMARY KEY,
    file_id       BIGINT NOT NULL REFERENCES ch_statement_files (id),
    line          BIGINT NOT NULL,
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    ch_customer   TEXT NOT NULL,
    period        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('estimated', 'final')),
    currency      TEXT NOT NULL,
    total         NUMERIC NOT NULL,
    imported_by   TEXT NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL,
    replaced_at   TIMESTAMPTZ,
    replaced_by   BIGINT REFERENCES ch_statements (id)
);
CREATE UNIQUE INDEX ch_statements_current ON ch_statements (customer_id, period) WHERE replaced_at IS NULL;
CREATE INDEX ch_statements_period ON ch_statements (period);

-- PostgreSQL holds the lock for a login writing through psql too: a signed-off period's statements do not change.
CREATE FUNCTION billops_guard_ch_statements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM period_locks WHERE period = NEW.period)
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM period_locks WHERE period = OLD.period)) THEN
        RAISE EXCEPTION 'not allowed: % is signed off: its CloudHealth statements do not change', NEW.period
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ch_statements_guard BEFORE INSERT OR UPDATE ON ch_statements
    FOR EACH ROW EXECUTE FUNCTION billops_guard_ch_statements();
