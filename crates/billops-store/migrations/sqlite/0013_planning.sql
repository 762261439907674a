-- Budgets and forecast events (issue 12). Kept in lockstep with the other backend.
-- A budget is one amount per customer, scope and fiscal month: scope '' is the whole customer,
-- 'service:NAME' one service, 'code:CODE' one account code. Setting it again replaces the amount (the audit
-- log keeps the value before and after).
CREATE TABLE budgets (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    scope        TEXT NOT NULL DEFAULT '',
    period       TEXT NOT NULL,
    amount_int INTEGER NOT NULL, amount_e9 INTEGER NOT NULL, amount_e18 INTEGER NOT NULL, amount_e28 INTEGER NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL,
    UNIQUE (customer_id, scope, period)
);

-- Operator-entered events that adjust a forecast from a month on (the domain's ForecastEvent as JSON:
-- decommission, capacity change, technology change). customer_id NULL: every customer. Retired, never deleted.
CREATE TABLE forecast_events (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER REFERENCES customers(id),
    from_period  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    retired_by   TEXT,
    retired_at   TEXT
);
CREATE INDEX forecast_events_customer ON forecast_events (customer_id);

-- The onboarding item "budgets and policies created" is now computed: a budget recorded for the customer.
UPDATE onboarding_checklist SET computed = 'budget_exists', label = 'budget recorded in billops (billops budget)'
    WHERE item = 'budgets_and_policies' AND computed IS NULL;
