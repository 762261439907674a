-- Changes pushed to open consoles (issue 16). Kept in lockstep with the other backend (there: nothing to do;
-- SQLite consoles poll the newest audit id, a cheap read).
--
-- Every write records itself in audit_log in its own transaction, so one trigger there covers them all: each
-- new entry notifies channel `billops_changes` with its entity (`invoice`, `payment`, `import_batch` …).
-- Notifications are delivered at commit (a rolled-back write says nothing) and PostgreSQL folds identical ones of
-- one transaction into one, so a bulk write of 2,000 assignments sends one `linked_account`. A console LISTENs on
-- the channel and asks for what changed at once instead of on its next poll; the channel is per database, which is
-- one store. pg_notify is open to every role: an operator's write notifies like a manager's.
CREATE FUNCTION billops_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('billops_changes', NEW.entity);
    RETURN NULL;
END $$;

CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION billops_notify_change();
