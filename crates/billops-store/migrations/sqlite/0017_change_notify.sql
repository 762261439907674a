-- Changes pushed to open consoles (issue 16). Kept in lockstep with the other backend, where a trigger on
-- audit_log notifies listening consoles. SQLite has no such channel between processes: a SQLite console polls
-- the newest audit id (`AuditTrail::changes_since`, one read of the primary key) every two seconds instead.
-- Nothing to change in the schema.
SELECT 1;
