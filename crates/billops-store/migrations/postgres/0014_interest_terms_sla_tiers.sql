-- Per-contract interest terms and per-service SLA tiers as data (issue 10). Kept in lockstep with the other backend.
-- Interest terms: one row per customer and effective range [effective_from, effective_to) (NULL: open-ended).
-- `terms` is the domain's InterestTerms as JSON (day basis, rate fixing, compounding, cap, waiver, grace days),
-- `rule` the name shown (prompt-payment, agency or a contract's own), `rate` the annual percent as an exact
-- decimal string. The customer's rows form its rate table; the row in effect on the first day of accrual gives
-- the terms.
CREATE TABLE interest_terms (
    id             BIGSERIAL PRIMARY KEY,
    customer_id    BIGINT NOT NULL REFERENCES customers(id),
    rule           TEXT NOT NULL,
    terms          TEXT NOT NULL,
    rate           TEXT NOT NULL,
    effective_from DATE NOT NULL,
    effective_to   DATE,
    set_by         TEXT NOT NULL,
    set_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (customer_id, effective_from)
);

-- SLA service-credit tiers per supplier service: uptime strictly below `below` percent earns `credit` percent of
-- the affected charges (exact decimal strings). Service '*' is the default for services without their own rows:
-- the compute region-level tiers, seeded.
CREATE TABLE sla_tiers (
    service TEXT NOT NULL,
    below   TEXT NOT NULL,
    credit  TEXT NOT NULL,
    PRIMARY KEY (service, below)
);
INSERT INTO sla_tiers (service, below, credit) VALUES ('*', '99.99', '10'), ('*', '99.0', '30'), ('*', '95.0', '100');
