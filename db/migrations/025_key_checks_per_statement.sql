-- 025_key_checks_per_statement.sql — the keys of a routing batch checked once
-- per statement instead of once per row, with the same locks.
--
-- Routing writes each batch of 500 orders in one statement: some 900
-- assignments and 800 deadlines. Their six foreign keys (assignments →
-- complaints, units, regions twice; deadlines → complaints, units) ran one
-- referential-integrity query per row and key: 19 ms of the statement's 47
-- (auto_explain, `make bench BENCH=route`), the largest part after the
-- writes themselves. The same keys are now checked set-based:
--
--   keys_present(col, parent, pcol)   after each INSERT statement: the
--       distinct keys of the rows it inserted (its transition table new_rows)
--       are looked up in one query that locks each parent row FOR KEY SHARE,
--       as a foreign key's check does; a key with no parent row refuses the
--       statement (foreign_key_violation), every row of it
--   key_present(col, parent, pcol)    after an UPDATE that changes col: the
--       same for that row (an UPDATE transition table would be filled by
--       every rung escalation moves, so this one is per row, and runs only
--       when the key changes)
--   keys_unreferenced(pcol, child, ccol, ...)   before a parent row is
--       deleted or its key changed: refused while a child names it (the
--       keys' RESTRICT)
--
-- The locks are what make this a key and not a hope: a parent being deleted
-- at the moment a child naming it is inserted either waits for the child's
-- commit and then finds the child (refused), or deletes first and the lock
-- finds no row (the child refused). No code path deletes a complaint, a unit
-- or a region (units and places are withdrawn, 016). The other foreign keys
-- (alerts, principals, the web's tables …) are kept as they are: they are
-- written one row or a few at a time.
ALTER TABLE assignments DROP CONSTRAINT assignments_complaint_id_fkey,
                        DROP CONSTRAINT assignments_unit_id_fkey,
                        DROP CONSTRAINT assignments_street_code_fkey,
                        DROP CONSTRAINT assignments_community_code_fkey;
ALTER TABLE deadlines DROP CONSTRAINT deadlines_complaint_id_fkey,
                      DROP CONSTRAINT deadlines_unit_id_fkey;

CREATE FUNCTION key_violation(tab text, col text, val text, parent text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" violates its key %: %=% is not present in table "%"',
                    tab, col, col, val, parent USING ERRCODE = 'foreign_key_violation';
END
$$;

CREATE FUNCTION keys_present() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    EXECUTE format('WITH k AS (SELECT DISTINCT n.%1$I AS k FROM new_rows n WHERE n.%1$I IS NOT NULL),'
                   '     held AS (SELECT p.%3$I AS k FROM %2$I p WHERE p.%3$I IN (SELECT k FROM k) FOR KEY SHARE)'
                   ' SELECT k.k::text FROM k WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.k = k.k) LIMIT 1',
                   TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]) INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM key_violation(TG_TABLE_NAME, TG_ARGV[0], missing, TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION key_present() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    val text;
    held integer;
BEGIN
    EXECUTE format('SELECT ($1).%I::text', TG_ARGV[0]) USING NEW INTO val;
    IF val IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT 1 FROM %2$I p WHERE p.%3$I = ($1).%1$I FOR KEY SHARE', TG_ARGV[0], TG_ARGV[1], TG_ARGV[2])
        USING NEW;
    GET DIAGNOSTICS held = ROW_COUNT;
    IF held = 0 THEN
        PERFORM key_violation(TG_TABLE_NAME, TG_ARGV[0], val, TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION keys_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
BEGIN
    FOR i IN 1 .. TG_NARGS - 1 BY 2 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %1$I c WHERE c.%2$I = ($1).%3$I)',
                       TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[0]) USING OLD INTO used;
        IF used THEN
            RAISE EXCEPTION '% on table "%" refused: %.% still names its row', TG_OP, TG_TABLE_NAME,
                            TG_ARGV[i], TG_ARGV[i + 1] USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER assignments_complaint_present AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER assignments_unit_present AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('unit_id', 'units', 'id');
CREATE TRIGGER assignments_street_present AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('street_code', 'regions', 'code');
CREATE TRIGGER assignments_community_present AFTER INSERT ON assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('community_code', 'regions', 'code');
CREATE TRIGGER deadlines_complaint_present AFTER INSERT ON deadlines REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER deadlines_unit_present AFTER INSERT ON deadlines REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('unit_id', 'units', 'id');

CREATE TRIGGER assignments_complaint_changed AFTER UPDATE ON assignments
    FOR EACH ROW WHEN (NEW.complaint_id IS DISTINCT FROM OLD.complaint_id)
    EXECUTE FUNCTION key_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER assignments_unit_changed AFTER UPDATE ON assignments
    FOR EACH ROW WHEN (NEW.unit_id IS DISTINCT FROM OLD.unit_id)
    EXECUTE FUNCTION key_present('unit_id', 'units', 'id');
CREATE TRIGGER assignments_street_changed AFTER UPDATE ON assignments
    FOR EACH ROW WHEN (NEW.street_code IS DISTINCT FROM OLD.street_code)
    EXECUTE FUNCTION key_present('street_code', 'regions', 'code');
CREATE TRIGGER assignments_community_changed AFTER UPDATE ON assignments
    FOR EACH ROW WHEN (NEW.community_code IS DISTINCT FROM OLD.community_code)
    EXECUTE FUNCTION key_present('community_code', 'regions', 'code');
CREATE TRIGGER deadlines_complaint_changed AFTER UPDATE ON deadlines
    FOR EACH ROW WHEN (NEW.complaint_id IS DISTINCT FROM OLD.complaint_id)
    EXECUTE FUNCTION key_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER deadlines_unit_changed AFTER UPDATE ON deadlines
    FOR EACH ROW WHEN (NEW.unit_id IS DISTINCT FROM OLD.unit_id)
    EXECUTE FUNCTION key_present('unit_id', 'units', 'id');

CREATE TRIGGER complaints_unreferenced BEFORE DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'complaint_id', 'deadlines', 'complaint_id');
CREATE TRIGGER complaints_key_unreferenced BEFORE UPDATE OF id ON complaints
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'complaint_id', 'deadlines', 'complaint_id');
CREATE TRIGGER units_unreferenced BEFORE DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'unit_id', 'deadlines', 'unit_id');
CREATE TRIGGER units_key_unreferenced BEFORE UPDATE OF id ON units
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'unit_id', 'deadlines', 'unit_id');
CREATE TRIGGER regions_unreferenced BEFORE DELETE ON regions
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('code', 'assignments', 'street_code', 'assignments', 'community_code');
CREATE TRIGGER regions_key_unreferenced BEFORE UPDATE OF code ON regions
    FOR EACH ROW WHEN (NEW.code IS DISTINCT FROM OLD.code)
    EXECUTE FUNCTION keys_unreferenced('code', 'assignments', 'street_code', 'assignments', 'community_code');
