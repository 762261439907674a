-- billops schema, SQLite. Kept in lockstep with migrations/postgres (same versions, names, tables, columns).
-- Conventions:
-- * Money: four INTEGER columns per amount (x_int, x_e9, x_e18, x_e28: billops_domain::SplitDecimal), so that
--   sum() is exact integer arithmetic; never REAL, never summed as TEXT.
-- * Quantities: exact decimal TEXT (never summed in SQL).
-- * Timestamps: RFC 3339 TEXT written by the app (the caller's clock); no DEFAULT CURRENT_TIMESTAMP.
-- * Dates: 'YYYY-MM-DD'; periods: 'YYYY-MM'; effective dating is half-open [valid_from, valid_to).
-- * line_items / cost_rollups hold dictionary ids (table dict) for repeated text, and customer_id 0 for
--   cost with no customer on that day.

CREATE TABLE users (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'manager')),
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL,
    account_code TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE payer_accounts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    first_seen  TEXT NOT NULL
);

CREATE TABLE linked_accounts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    payer       TEXT NOT NULL REFERENCES payer_accounts (id),
    first_seen  TEXT NOT NULL
);
CREATE INDEX linked_accounts_payer ON linked_accounts (payer);

CREATE TABLE account_assignments (
    id           INTEGER PRIMARY KEY,
    account      TEXT NOT NULL REFERENCES linked_accounts (id),
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX account_assignments_account ON account_assignments (account, valid_from);
CREATE INDEX account_assignments_customer ON account_assignments (customer_id);

CREATE TABLE link_proposals (
    id           INTEGER PRIMARY KEY,
    account      TEXT NOT NULL,
    payer        TEXT NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    valid_from   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    proposed_by  TEXT NOT NULL,
    proposed_at  TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    reason       TEXT
);

CREATE TABLE onboarding_items (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    item         TEXT NOT NULL,
    done         BOOLEAN NOT NULL,
    done_by      TEXT,
    done_at      TEXT,
    PRIMARY KEY (customer_id, item)
);

CREATE TABLE account_codes (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL,
    code        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX account_codes_scope ON account_codes (scope, valid_from);

-- Interned text of line items and rollups (services, products, accounts, resource ids, ...).
CREATE TABLE dict (
    id     INTEGER PRIMARY KEY,
    value  TEXT NOT NULL UNIQUE
);

CREATE TABLE import_batches (
    id             INTEGER PRIMARY KEY,
    file_name      TEXT NOT NULL,
    content_hash   TEXT UNIQUE,             -- NULL only inside the importing transaction
    format         TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    row_count      INTEGER NOT NULL,
    rows_read      INTEGER NOT NULL,
    quarantined    INTEGER NOT NULL,
    first_item_id  INTEGER NOT NULL,        -- line_items ids of this batch lie in [first_item_id, last_item_id]
    last_item_id   INTEGER NOT NULL,
    imported_by    TEXT NOT NULL,
    imported_at    TEXT NOT NULL
);

-- One batch's part for one payer and period: the unit of replacement (estimated -> final).
CREATE TABLE batch_scopes (
    batch_id       INTEGER NOT NULL REFERENCES import_batches (id),
    payer          TEXT NOT NULL,
    period         TEXT NOT NULL,
    row_count      INTEGER NOT NULL,
    billed_int     INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int  INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int       INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('estimated', 'final')),
    first_day      TEXT NOT NULL,
    last_day       TEXT NOT NULL,
    replaced_by    INTEGER REFERENCES import_batches (id),
    PRIMARY KEY (batch_id, payer, period)
);
CREATE INDEX batch_scopes_payer_period ON batch_scopes (payer, period);

-- Narrow on purpose: dictionary ids for text. No secondary index: a batch's rows are found by id range
-- (import_batches.first_item_id..last_item_id), which keeps the import an append.
CREATE TABLE line_items (
    id               INTEGER PRIMARY KEY,
    batch_id         INTEGER NOT NULL,
    period           TEXT NOT NULL,
    payer            INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    customer_id      INTEGER NOT NULL,
    usage_date       TEXT NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    usage_type       INTEGER NOT NULL,
    resource         INTEGER NOT NULL,
    unit             INTEGER NOT NULL,
    currency         INTEGER NOT NULL,
    invoice          INTEGER NOT NULL,
    quantity         TEXT,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    source_line      INTEGER NOT NULL
);

-- Exact sums per batch, period and every reporting dimension but resource; clustered for drill-down
-- (period -> customer -> service -> product -> component). Written at import, rebuilt on re-assignment.
CREATE TABLE cost_rollups (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    payer            INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, service, product, component, account, payer, charge_category, region, batch_id)
) WITHOUT ROWID;

-- The same sums with resource too, for resource reports (kept apart so that the drill-down above stays
-- small whatever the number of resources).
CREATE TABLE resource_rollups (
    period           TEXT NOT NULL,
    customer_id      INTEGER NOT NULL,
    service          INTEGER NOT NULL,
    product          INTEGER NOT NULL,
    component        INTEGER NOT NULL,
    account          INTEGER NOT NULL,
    payer            INTEGER NOT NULL,
    charge_category  INTEGER NOT NULL,
    region           INTEGER NOT NULL,
    resource         INTEGER NOT NULL,
    batch_id         INTEGER NOT NULL,
    row_count        INTEGER NOT NULL,
    billed_int       INTEGER NOT NULL, billed_e9 INTEGER NOT NULL, billed_e18 INTEGER NOT NULL, billed_e28 INTEGER NOT NULL,
    effective_int    INTEGER NOT NULL, effective_e9 INTEGER NOT NULL, effective_e18 INTEGER NOT NULL, effective_e28 INTEGER NOT NULL,
    list_int         INTEGER NOT NULL, list_e9 INTEGER NOT NULL, list_e18 INTEGER NOT NULL, list_e28 INTEGER NOT NULL,
    PRIMARY KEY (period, customer_id, service, product, component, resource, account, payer, charge_category, region,
                 batch_id)
) WITHOUT ROWID;

CREATE TABLE feed_issues (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER REFERENCES import_batches (id),
    kind         TEXT NOT NULL,
    severity     TEXT NOT NULL,
    period       TEXT,
    payer        TEXT,
    account      TEXT,
    file         TEXT,
    line         INTEGER,
    col          TEXT,
    message      TEXT NOT NULL,
    is_open      BOOLEAN NOT NULL,
    created_at   TEXT NOT NULL,
    resolved_by  TEXT,
    resolved_at  TEXT,
    note         TEXT
);
CREATE INDEX feed_issues_batch ON feed_issues (batch_id);
CREATE INDEX feed_issues_open ON feed_issues (is_open, kind);

CREATE TABLE quarantined_rows (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES import_batches (id),
    file         TEXT NOT NULL,
    line         INTEGER NOT NULL,
    col          INTEGER NOT NULL,
    column_name  TEXT NOT NULL,
    value        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    raw          TEXT NOT NULL
);
CREATE INDEX quarantined_rows_batch ON quarantined_rows (batch_id);

-- Append-only.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    who          TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    period       TEXT,
    before_json  TEXT,
    after_json   TEXT,
    reason       TEXT
);
CREATE INDEX audit_log_who ON audit_log (who);
CREATE INDEX audit_log_period ON audit_log (period);

-- Month-end sign-off; enforcement comes with the close board.
CREATE TABLE period_locks (
    period     TEXT PRIMARY KEY,
    locked_by  TEXT NOT NULL,
    locked_at  TEXT NOT NULL,
    reason     TEXT
);
