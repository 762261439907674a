-- billops disputes, prior-period adjustments, SLA claims and requests, PostgreSQL. Kept in lockstep with the other
-- backend. Each record is kept as its domain record (JSON: amounts as exact decimal strings, its whole history)
-- beside the columns lists filter, sort and sum on; every change compares the version it read.

-- Requests with SLA timers (customer queries, disputes, supplier cases, tickets by external reference).
CREATE TABLE requests (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('customer_query', 'dispute', 'supplier_case', 'ticket')),
    external_ref TEXT,
    customer_id  BIGINT REFERENCES customers (id),
    subject      TEXT NOT NULL,
    state        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    record       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX requests_customer ON requests (customer_id);

-- Disputes on an issued invoice or one of its lines (line numbers count the invoice's lines from 1, in order).
CREATE TABLE disputes (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    line         BIGINT,
    currency     TEXT NOT NULL,
    amount NUMERIC NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'researching', 'accepted', 'rejected', 'settled')),
    version      BIGINT NOT NULL,
    due_at       TIMESTAMPTZ,
    external_ref TEXT,
    owner        TEXT NOT NULL,
    request_id   BIGINT REFERENCES requests (id),
    record       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX disputes_invoice ON disputes (invoice_id);
CREATE INDEX disputes_customer ON disputes (customer_id);

-- Prior-period adjustments: one issued line of an earlier period, re-rated; posted as credit-and-rebill on the
-- customer's invoice of the posting period (line 0: the whole invoice).
CREATE TABLE ppas (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    invoice_id      BIGINT NOT NULL REFERENCES invoices (id),
    line            BIGINT NOT NULL,
    original_period TEXT NOT NULL,
    currency        TEXT NOT NULL,
    delta NUMERIC NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'posted')),
    version         BIGINT NOT NULL,
    proposer        TEXT NOT NULL,
    approver        TEXT,
    posting_period  TEXT,
    dispute_id      BIGINT REFERENCES disputes (id),
    run             TEXT,
    record          TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ppas_customer ON ppas (customer_id, status);
CREATE INDEX ppas_invoice ON ppas (invoice_id);

-- SLA service-credit claims against the supplier.
CREATE TABLE sla_claims (
    id          BIGSERIAL PRIMARY KEY,
    service     TEXT NOT NULL,
    region      TEXT NOT NULL,
    cycle       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount NUMERIC NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'credited', 'passed_through')),
    version     BIGINT NOT NULL,
    deadline    DATE NOT NULL,
    record      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sla_claims_cycle ON sla_claims (cycle);

-- Deciding a PPA (approve, reject) and changing what it adjusts are a manager's, enforced by the database as for
-- credits (operators propose and post PPAs). SQLite has no logins: its file permissions are the boundary.
CREATE FUNCTION billops_guard_ppas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'proposed' THEN
            PERFORM billops_require_manager('a PPA that is not a proposal');
        END IF;
    ELSIF (NEW.delta, NEW.invoice_id, NEW.line) IS DISTINCT FROM (OLD.delta, OLD.invoice_id, OLD.line) THEN
        PERFORM billops_require_manager('changing what a PPA adjusts');
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('approved', 'rejected') THEN
        PERFORM billops_require_manager('deciding a PPA (' || OLD.status || ' to ' || NEW.status || ')');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ppas_guard BEFORE INSERT OR UPDATE ON ppas
    FOR EACH ROW EXECUTE FUNCTION billops_guard_ppas();
