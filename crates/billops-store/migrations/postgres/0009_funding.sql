-- billops partner funding pipeline, PostgreSQL. Kept in lockstep with the other backend.

-- Partner opportunities: their own validation state (an application is released only once it is approved).
CREATE TABLE funding_opportunities (
    id          TEXT PRIMARY KEY,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
    version     BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Applications: the domain record (amounts as exact decimal strings, the whole history) as JSON, beside the
-- columns that lists filter and sort on. Every change compares the version it read (optimistic versioning).
CREATE TABLE funding_applications (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    program     TEXT NOT NULL,
    opportunity TEXT NOT NULL REFERENCES funding_opportunities (id),
    currency    TEXT NOT NULL,
    stage       TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     BIGINT NOT NULL,
    claim_due   DATE,
    record      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX funding_applications_customer ON funding_applications (customer_id);
CREATE INDEX funding_applications_claim_due ON funding_applications (claim_due);
