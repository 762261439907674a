-- billops access control, PostgreSQL. Kept in lockstep with the other backend (there: the audit column only).
--
-- The identity is the authenticated login (session_user). billops's roles are backed by PostgreSQL itself:
-- * three NOLOGIN group roles per store, <prefix>_viewer ⊂ <prefix>_operator ⊂ <prefix>_manager, created by
--   billops_setup_groups() when the first user is added (the prefix is random and kept in store_access: roles
--   are cluster-wide, so two stores on one cluster never share groups);
-- * table grants per group (billops_apply_grants): viewers SELECT; operators write the working tables;
--   users, settings, period locks and sign-off events, credit notes and store_access are written by managers
--   only; the audit log is insert-only for everyone but the owner;
-- * on tables that operators write but whose approval step is a manager's (credits, invoices, link proposals,
--   recon cases), BEFORE triggers refuse the manager-only transitions unless billops_login_role() = 'manager'.
-- The login that owns the tables (who created the store) is always a manager.

CREATE TABLE store_access (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    prefix  TEXT NOT NULL
);

-- The authenticated login, whatever name the application passes.
ALTER TABLE audit_log ADD COLUMN login TEXT;

CREATE FUNCTION billops_audit_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.login := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_login BEFORE INSERT OR UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION billops_audit_login();

-- 'manager', 'operator', 'viewer' for the session's login, NULL when it is none of the store's.
CREATE FUNCTION billops_login_role() RETURNS TEXT LANGUAGE plpgsql STABLE AS $$
DECLARE
    p TEXT;
    g TEXT;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = 'store_access'::regclass
               AND pg_has_role(session_user, c.relowner, 'MEMBER')) THEN
        RETURN 'manager';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper) THEN
        RETURN 'manager';
    END IF;
    SELECT prefix INTO p FROM store_access WHERE id = 1;
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    FOREACH g IN ARRAY ARRAY['manager', 'operator', 'viewer'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p || '_' || g
                   AND pg_has_role(session_user, r.oid, 'MEMBER')) THEN
            RETURN g;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
GRANT SELECT ON store_access TO PUBLIC;

CREATE FUNCTION billops_require_manager(what TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r TEXT := billops_login_role();
BEGIN
    IF r IS DISTINCT FROM 'manager' THEN
        RAISE EXCEPTION 'not allowed: % needs the billops manager role; login % is %',
            what, session_user, coalesce(r, 'not a billops user') USING ERRCODE = '42501';
    END IF;
END $$;

CREATE FUNCTION billops_guard_credits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'proposed' THEN
            PERFORM billops_require_manager('a credit that is not a proposal');
        END IF;
    ELSIF NEW.amount IS DISTINCT FROM OLD.amount THEN
        PERFORM billops_require_manager('changing a credit''s amount');
    ELSIF NEW.status IS DISTINCT FROM OLD.status
          AND NOT (OLD.status IN ('approved', 'exhausted') AND NEW.status IN ('approved', 'exhausted', 'expired')) THEN
        PERFORM billops_require_manager('deciding a credit (' || OLD.status || ' to ' || NEW.status || ')');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER credits_guard BEFORE INSERT OR UPDATE ON credits
    FOR EACH ROW EXECUTE FUNCTION billops_guard_credits();

CREATE FUNCTION billops_guard_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            PERFORM billops_require_manager('an invoice that is not a draft');
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('approved', 'void') THEN
        PERFORM billops_require_manager('marking an invoice ' || NEW.status);
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'issued' AND OLD.status IN ('draft', 'reviewed') THEN
        PERFORM billops_require_manager('issuing an invoice that is not approved');
    ELSIF OLD.status = 'approved' AND NEW.status IN ('approved', 'issued')
          AND (NEW.total IS DISTINCT FROM OLD.total OR NEW.draft_json IS DISTINCT FROM OLD.draft_json) THEN
        PERFORM billops_require_manager('changing an approved invoice');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER invoices_guard BEFORE INSERT OR UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION billops_guard_invoices();

CREATE FUNCTION billops_guard_link_proposals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.status <> 'proposed')
       OR (TG_OP = 'UPDATE' AND (NEW.status, NEW.decided_by, NEW.customer_id, NEW.account, NEW.valid_from)
           IS DISTINCT FROM (OLD.status, OLD.decided_by, OLD.customer_id, OLD.account, OLD.valid_from)) THEN
        PERFORM billops_require_manager('deciding a link proposal');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER link_proposals_guard BEFORE INSERT OR UPDATE ON link_proposals
    FOR EACH ROW EXECUTE FUNCTION billops_guard_link_proposals();

CREATE FUNCTION billops_guard_recon_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'written_off' AND (TG_OP = 'INSERT' OR OLD.status <> 'written_off') THEN
        PERFORM billops_require_manager('writing off a reconciliation case');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER recon_cases_guard BEFORE INSERT OR UPDATE ON recon_cases
    FOR EACH ROW EXECUTE FUNCTION billops_guard_recon_cases();

-- Grants of every table in the store's schema to its groups; run by the owner when the groups are created and
-- whenever the owner opens the store (so tables added by later migrations are granted too).
CREATE FUNCTION billops_apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p TEXT;
    s TEXT := current_schema();
    t TEXT;
BEGIN
    SELECT prefix INTO p FROM store_access WHERE id = 1;
    IF p IS NULL THEN
        RETURN;
    END IF;
    -- Two owner processes granting at once would collide on the catalog rows ("tuple concurrently updated").
    PERFORM pg_advisory_xact_lock(hashtext('billops_apply_grants'));
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, p || '_viewer');
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', s, p || '_viewer');
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, p || '_operator');
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', s, p || '_operator');
    FOREACH t IN ARRAY ARRAY['users', 'settings', 'period_locks', 'period_close_events', 'credit_notes',
                             'store_access', '_sqlx_migrations'] LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.%I FROM %I', s, t, p || '_operator');
    END LOOP;
    FOREACH t IN ARRAY ARRAY['users', 'settings', 'period_locks', 'period_close_events', 'credit_notes'] LOOP
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I.%I TO %I', s, t, p || '_manager');
    END LOOP;
    EXECUTE format('REVOKE UPDATE, DELETE ON %I.audit_log FROM %I', s, p || '_operator');
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.billops_map_login(TEXT, TEXT) TO %I', s, p || '_manager');
END $$;

-- Create the store's groups (once; needs CREATEROLE) and grant the tables. Returns the prefix.
CREATE FUNCTION billops_setup_groups() RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    p TEXT;
BEGIN
    SELECT prefix INTO p FROM store_access WHERE id = 1;
    IF p IS NOT NULL THEN
        RETURN p;
    END IF;
    p := 'billops_' || substr(md5(random()::text || clock_timestamp()::text || current_database()), 1, 12);
    EXECUTE format('CREATE ROLE %I NOLOGIN', p || '_viewer');
    EXECUTE format('CREATE ROLE %I NOLOGIN', p || '_operator');
    EXECUTE format('CREATE ROLE %I NOLOGIN', p || '_manager');
    EXECUTE format('GRANT %I TO %I', p || '_viewer', p || '_operator');
    EXECUTE format('GRANT %I TO %I', p || '_operator', p || '_manager');
    INSERT INTO store_access (id, prefix) VALUES (1, p);
    PERFORM billops_apply_grants();
    RETURN p;
END $$;

-- Map a login (created when missing, without a password) to one of the store's groups, replacing its others.
-- SECURITY DEFINER: it runs with the owner's rights (CREATEROLE) so that any billops manager can add users, and
-- checks that the caller's own login (session_user, which SECURITY DEFINER does not change) is a manager.
CREATE FUNCTION billops_map_login(login TEXT, role TEXT) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
DECLARE
    p TEXT;
    g TEXT;
BEGIN
    PERFORM billops_require_manager('adding a user');
    IF role NOT IN ('viewer', 'operator', 'manager') THEN
        RAISE EXCEPTION 'unknown role %', role USING ERRCODE = '22023';
    END IF;
    SELECT prefix INTO p FROM store_access WHERE id = 1;
    IF p IS NULL THEN
        RAISE EXCEPTION 'the store has no groups yet' USING ERRCODE = '55000';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', login);
    END IF;
    FOREACH g IN ARRAY ARRAY['viewer', 'operator', 'manager'] LOOP
        IF g <> role AND EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                                 JOIN pg_catalog.pg_roles gr ON gr.oid = m.roleid
                                 JOIN pg_catalog.pg_roles u ON u.oid = m.member
                                 WHERE gr.rolname = p || '_' || g AND u.rolname = login) THEN
            EXECUTE format('REVOKE %I FROM %I', p || '_' || g, login);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', p || '_' || role, login);
END $$;
REVOKE ALL ON FUNCTION billops_map_login(TEXT, TEXT) FROM PUBLIC;
