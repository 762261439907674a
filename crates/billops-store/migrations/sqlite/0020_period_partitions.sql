-- Line items and rollups partitioned by billing period (issue 14). Kept in lockstep with the other backend, where
-- PostgreSQL's declarative partitioning gives each period its own tables. SQLite keeps one table each: its
-- queries already read a period through the rollups' keys, and measurement gave no reason to split the file.
-- Nothing to change in the schema.
SELECT 1;
