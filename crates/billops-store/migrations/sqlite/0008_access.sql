-- billops access control, SQLite. Kept in lockstep with the other backend.

-- SQLite is a single-user store: the identity is the OS user and the file's permissions are the boundary, so
-- there are no database roles here. The audit log gains the column PostgreSQL fills with the authenticated
-- login (NULL here).
ALTER TABLE audit_log ADD COLUMN login TEXT;
