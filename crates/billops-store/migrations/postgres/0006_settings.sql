-- billops shared settings, PostgreSQL. Kept in lockstep with the other backend.

-- Month-end settings (due day, tolerances, variance thresholds, the maker-checker threshold) live in the store so
-- that every operator judges the month by the same rules; only managers change them, audited. A key that is
-- absent takes the application's default.
CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  TIMESTAMPTZ NOT NULL
);
