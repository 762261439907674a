-- billops account linking with oversight and onboarding checklists as data, SQLite. Kept in lockstep with the
-- other backend (roles are the store's check here; PostgreSQL adds triggers).

-- The shared checklist: one row per item (managers add and retire; retired items are kept for history).
-- `computed` names what the data tells (never ticked by hand); NULL for items a person ticks.
CREATE TABLE onboarding_checklist (
    item        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    computed    TEXT CHECK (computed IS NULL OR computed IN ('accounts_assigned', 'budget_exists', 'users_recorded')),
    position    INTEGER NOT NULL,
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by  TEXT,
    updated_at  TEXT
);
INSERT INTO onboarding_checklist (item, label, computed, position) VALUES
    ('cost_history_report', 'cost-history report subscription', NULL, 1),
    ('rightsizing_report', 'rightsizing report subscription', NULL, 2),
    ('security_report', 'security report subscription', NULL, 3),
    ('health_check_report', 'health-check report subscription', NULL, 4),
    ('budgets_and_policies', 'budgets and policies created', NULL, 5),
    ('users_and_organisations', 'users and organisations created', 'users_recorded', 6),
    ('account_on_cost_platform', 'accounts assigned on the cost platform', NULL, 7),
    ('account_assigned', 'every account of the customer assigned in billops', 'accounts_assigned', 8);

-- Per customer and item: owner, due date and the evidence text beside who ticked it and when.
ALTER TABLE onboarding_items ADD COLUMN owner TEXT;
ALTER TABLE onboarding_items ADD COLUMN due TEXT;
ALTER TABLE onboarding_items ADD COLUMN evidence TEXT;

-- Who has access on the customer's side: users and organisations, as records.
CREATE TABLE customer_contacts (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    kind         TEXT NOT NULL CHECK (kind IN ('user', 'organisation')),
    name         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (customer_id, kind, name)
);
