-- Line items and their rollups partitioned by billing period (issue 14): one LIST partition per period, made on
-- the period's first import (`billops_period_partitions`, called by the import before it streams a new period's
-- rows), so a replaced estimated → final import deletes and rewrites one partition's worth of rows without
-- bloating the others, a period's queries prune to its partition, and a signed-off period's partitions refuse
-- writes (a row trigger on them, made and dropped with the lock). SQLite keeps its tables (no partitioning).

-- A signed-off period's partitions are read-only, whoever writes (psql included): corrections go through
-- adjustments. The trigger sits on the locked period's partitions only, so other periods' writes pay nothing.
-- The one exception is `billops migrate`'s back-fill of derived rollups, run by the store's owner (who could drop
-- the trigger anyway) with `billops.backfill` set in its transaction.
CREATE FUNCTION billops_signed_off_partition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('billops.backfill', true) = 'on'
       AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'not allowed: % is signed off: its cost data is read-only (corrections go through adjustments)',
        COALESCE(NEW.period, OLD.period) USING ERRCODE = '42501';
END $$;

-- Make the read-only trigger on period `p`'s partitions (`locked`), or drop it.
CREATE FUNCTION billops_partitions_read_only(p TEXT, locked BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t TEXT;
    part TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['line_items', 'cost_rollups', 'resource_rollups', 'rating_rollups'] LOOP
        part := t || '_p' || replace(p, '-', '_');
        IF to_regclass(quote_ident(part)) IS NOT NULL THEN
            EXECUTE format('DROP TRIGGER IF EXISTS read_only ON %I', part);
            IF locked THEN
                EXECUTE format('CREATE TRIGGER read_only BEFORE INSERT OR UPDATE OR DELETE ON %I '
                               'FOR EACH ROW EXECUTE FUNCTION billops_signed_off_partition()', part);
            END IF;
        END IF;
    END LOOP;
END $$;

-- Make the four tables' partitions for period `p` where missing (no checks: see billops_period_partitions).
CREATE FUNCTION billops_make_partitions(p TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t TEXT;
    part TEXT;
BEGIN
    IF p IS NULL OR p !~ '^[0-9]{4}-[0-9]{2}$' THEN
        RAISE EXCEPTION 'not a billing period: %', p USING ERRCODE = '22023';
    END IF;
    FOREACH t IN ARRAY ARRAY['line_items', 'cost_rollups', 'resource_rollups', 'rating_rollups'] LOOP
        part := t || '_p' || replace(p, '-', '_');
        IF to_regclass(quote_ident(part)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, t);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', t, part, p);
        END IF;
    END LOOP;
END $$;

-- What an import calls before it streams a period's rows. SECURITY DEFINER: attaching a partition needs the
-- owner's rights, and an operator login imports; it refuses a login that may not write line items. Attaching
-- takes SHARE UPDATE EXCLUSIVE on the parent (readers and writers of other periods go on), held to the import's
-- commit; an advisory lock per period makes two imports of one new period wait for each other, not collide.
CREATE FUNCTION billops_period_partitions(p TEXT) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT has_table_privilege(session_user, 'line_items', 'INSERT') THEN
        RAISE EXCEPTION 'not allowed: % may not import', session_user USING ERRCODE = '42501';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('billops_period_partitions:' || p));
    IF to_regclass(quote_ident('line_items_p' || replace(p, '-', '_'))) IS NULL THEN
        PERFORM billops_make_partitions(p);
        PERFORM billops_partitions_read_only(p, EXISTS (SELECT 1 FROM period_locks WHERE period = p));
    END IF;
END $$;

-- Lock and re-open (rows of period_locks) make and drop the trigger on the period's partitions.
CREATE FUNCTION billops_lock_partitions() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM billops_partitions_read_only(COALESCE(NEW.period, OLD.period), TG_OP = 'INSERT');
    RETURN NULL;
END $$;
CREATE TRIGGER period_locks_partitions AFTER INSERT OR DELETE ON period_locks
    FOR EACH ROW EXECUTE FUNCTION billops_lock_partitions();

-- Move the existing tables under partitioned parents of the same shape (a store made before this migration).
ALTER TABLE line_items RENAME TO line_items_unpartitioned;
ALTER TABLE line_items_unpartitioned RENAME CONSTRAINT line_items_pkey TO line_items_unpartitioned_pkey;
CREATE TABLE line_items (LIKE line_items_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (period);
-- The id first: a batch's rows are found by id range (import_batches.first_item_id..last_item_id).
ALTER TABLE line_items ADD PRIMARY KEY (id, period);
ALTER SEQUENCE line_items_id_seq OWNED BY line_items.id;

ALTER TABLE cost_rollups RENAME TO cost_rollups_unpartitioned;
ALTER TABLE cost_rollups_unpartitioned RENAME CONSTRAINT cost_rollups_pkey TO cost_rollups_unpartitioned_pkey;
CREATE TABLE cost_rollups (LIKE cost_rollups_unpartitioned INCLUDING ALL) PARTITION BY LIST (period);
ALTER TABLE resource_rollups RENAME TO resource_rollups_unpartitioned;
ALTER TABLE resource_rollups_unpartitioned RENAME CONSTRAINT resource_rollups_pkey
    TO resource_rollups_unpartitioned_pkey;
CREATE TABLE resource_rollups (LIKE resource_rollups_unpartitioned INCLUDING ALL) PARTITION BY LIST (period);
ALTER TABLE rating_rollups RENAME TO rating_rollups_unpartitioned;
ALTER TABLE rating_rollups_unpartitioned RENAME CONSTRAINT rating_rollups_pkey TO rating_rollups_unpartitioned_pkey;
CREATE TABLE rating_rollups (LIKE rating_rollups_unpartitioned INCLUDING ALL) PARTITION BY LIST (period);

DO $$
DECLARE
    p TEXT;
BEGIN
    FOR p IN SELECT period FROM line_items_unpartitioned UNION SELECT period FROM cost_rollups_unpartitioned
             UNION SELECT period FROM resource_rollups_unpartitioned
             UNION SELECT period FROM rating_rollups_unpartitioned LOOP
        PERFORM billops_make_partitions(p);
    END LOOP;
END $$;

INSERT INTO line_items SELECT * FROM line_items_unpartitioned;
INSERT INTO cost_rollups SELECT * FROM cost_rollups_unpartitioned;
INSERT INTO resource_rollups SELECT * FROM resource_rollups_unpartitioned;
INSERT INTO rating_rollups SELECT * FROM rating_rollups_unpartitioned;
DROP TABLE line_items_unpartitioned, cost_rollups_unpartitioned, resource_rollups_unpartitioned,
    rating_rollups_unpartitioned;

DO $$
DECLARE
    p TEXT;
BEGIN
    FOR p IN SELECT period FROM period_locks LOOP
        PERFORM billops_partitions_read_only(p, TRUE);
    END LOOP;
END $$;
