-- billops account linking with oversight and onboarding checklists as data, PostgreSQL. Kept in lockstep
-- with the other backend. The database enforces: only managers change account assignments (operators
-- propose), nobody decides their own link proposal, only managers change the shared checklist, and items the
-- data tells are never ticked by hand. Table grants follow 0008 (`billops_apply_grants` grants every table).

CREATE TABLE onboarding_checklist (
    item        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    computed    TEXT CHECK (computed IS NULL OR computed IN ('accounts_assigned', 'budget_exists', 'users_recorded')),
    position    BIGINT NOT NULL,
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by  TEXT,
    updated_at  TIMESTAMPTZ
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

ALTER TABLE onboarding_items ADD COLUMN owner TEXT;
ALTER TABLE onboarding_items ADD COLUMN due DATE;
ALTER TABLE onboarding_items ADD COLUMN evidence TEXT;

CREATE TABLE customer_contacts (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    kind         TEXT NOT NULL CHECK (kind IN ('user', 'organisation')),
    name         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (customer_id, kind, name)
);

-- Moving an account between customers moves revenue: managers only (operators propose).
CREATE FUNCTION billops_guard_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM billops_require_manager('changing an account''s assignment (operators propose, a manager approves)');
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER account_assignments_guard BEFORE INSERT OR UPDATE OR DELETE ON account_assignments
    FOR EACH ROW EXECUTE FUNCTION billops_guard_assignments();

-- Maker-checker on links: the proposer never decides their own proposal.
CREATE FUNCTION billops_guard_link_self() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.decided_by = OLD.proposed_by THEN
        RAISE EXCEPTION 'not allowed: % proposed link % and cannot also decide it', OLD.proposed_by, OLD.id
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER link_proposals_self_guard BEFORE UPDATE ON link_proposals
    FOR EACH ROW EXECUTE FUNCTION billops_guard_link_self();

-- The shared checklist is the managers' (like the settings).
CREATE FUNCTION billops_guard_checklist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM billops_require_manager('changing the onboarding checklist');
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER onboarding_checklist_guard BEFORE INSERT OR UPDATE OR DELETE ON onboarding_checklist
    FOR EACH ROW EXECUTE FUNCTION billops_guard_checklist();

-- Computed items are never ticked by hand.
CREATE FUNCTION billops_guard_onboarding_tick() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.done AND EXISTS (SELECT 1 FROM onboarding_checklist c WHERE c.item = NEW.item AND c.computed IS NOT NULL) THEN
        RAISE EXCEPTION 'onboarding item % is computed from the data and is never ticked by hand', NEW.item
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER onboarding_items_tick_guard BEFORE INSERT OR UPDATE ON onboarding_items
    FOR EACH ROW EXECUTE FUNCTION billops_guard_onboarding_tick();
