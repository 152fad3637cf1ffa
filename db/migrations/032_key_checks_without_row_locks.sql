-- 032_key_checks_without_row_locks.sql — a key's check no longer marks the
-- parent rows it finds; deleting a parent (or changing its key) shuts the
-- writers of its children out instead.
--
-- 025's checks lock each parent row they find FOR KEY SHARE, as a foreign
-- key's check does, so that the parent cannot be deleted between the check
-- and the commit. Locking a row writes a mark into it: every alert
-- escalation raises marked its order's row and its deadline's, and those
-- marks took 10 s of the 25 s that storing 1,000,000 alerts in one statement
-- takes (their four key checks 14 s in all; `make bench BENCH=escalation`'s
-- rows). Parent rows are deleted by nobody in service — complaints,
-- deadlines and alerts are records, units and places are withdrawn (016) —
-- so the race is now closed from the deleting side, which pays for it:
--
--   keys_unreferenced (before a parent row is deleted or its key changed)
--       first takes a SHARE lock on every table whose key names the parent's
--       table: that waits until every transaction writing rows into them has
--       ended and keeps new writers out until its own ends; then it looks
--       for rows naming the parent, with a snapshot in which all of them
--       have committed. It runs only at READ COMMITTED (the snapshot must be
--       the statement's, taken after the lock): a delete of a parent row at
--       a stricter level is refused, saying so.
--   <tab>_<col>_present, key_present (after writing children) look the
--       parents up without locking them at READ COMMITTED, where each
--       statement sees what committed before it: a parent deleted before the
--       check is not found (the statement is refused, as before), and one
--       cannot be deleted after it until this transaction ends (the
--       deleter's SHARE lock waits for it). At a stricter level the snapshot
--       is older than the lock, so there they lock as before.
--
-- At READ COMMITTED what is refused, and who waits for whom, is unchanged
-- (test_db_keys).

CREATE OR REPLACE FUNCTION keys_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k record;
    used boolean;
    children text;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION '% on table "%" refused: rows named by keys are deleted or renumbered only at READ COMMITTED',
                        TG_OP, TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT string_agg(DISTINCT quote_ident(tab), ', ') INTO children FROM checked_keys WHERE parent = TG_TABLE_NAME;
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', children);
    FOR k IN SELECT tab, col, pcol FROM checked_keys WHERE parent = TG_TABLE_NAME ORDER BY tab, col LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I c WHERE c.%I = ($1).%I)', k.tab, k.col, k.pcol)
            USING OLD INTO used;
        IF used THEN
            RAISE EXCEPTION '% on table "%" refused: %.% still names its row', TG_OP, TG_TABLE_NAME, k.tab, k.col
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE FUNCTION key_present() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    val text;
    held integer;
BEGIN
    EXECUTE format('SELECT ($1).%I::text', TG_ARGV[0]) USING NEW INTO val;
    IF val IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT 1 FROM %2$I p WHERE p.%3$I = ($1).%1$I %4$s', TG_ARGV[0], TG_ARGV[1], TG_ARGV[2],
                   CASE WHEN current_setting('transaction_isolation') = 'read committed' THEN '' ELSE 'FOR KEY SHARE' END)
        USING NEW;
    GET DIAGNOSTICS held = ROW_COUNT;
    IF held = 0 THEN
        PERFORM key_violation(TG_TABLE_NAME, TG_ARGV[0], val, TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$$;

-- The function checking the key tab.col → parent.pcol after each INSERT
-- statement; its SQL is static, planned once a session (025): one lookup,
-- written twice, without and with the parents' lock.
CREATE FUNCTION key_present_function(tab text, col text, parent text, pcol text) RETURNS void
LANGUAGE plpgsql AS $key_present_function$
DECLARE
    lookup text := format('WITH k AS (SELECT DISTINCT n.%1$I AS k FROM new_rows n WHERE n.%1$I IS NOT NULL),'
                          ' held AS MATERIALIZED (SELECT p.%3$I AS k FROM %2$I p WHERE p.%3$I IN (SELECT k FROM k) %%s)'
                          ' SELECT k.k::text INTO missing FROM k'
                          ' WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.k = k.k) LIMIT 1;', col, parent, pcol);
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE
            missing text;
        BEGIN
            IF current_setting('transaction_isolation') = 'read committed' THEN
                %5$s
            ELSE
                %6$s
            END IF;
            IF missing IS NOT NULL THEN
                PERFORM key_violation(%2$L, %3$L, missing, %4$L);
            END IF;
            RETURN NULL;
        END
        $body$
    $f$, tab || '_' || col || '_present', tab, col, parent, format(lookup, ''), format(lookup, 'FOR KEY SHARE'));
END
$key_present_function$;

-- check_key as in 025, its present function made by key_present_function.
CREATE OR REPLACE FUNCTION check_key(tab text, col text, parent text, pcol text) RETURNS void
LANGUAGE plpgsql AS $check_key$
DECLARE
    present text := tab || '_' || col || '_present';
BEGIN
    INSERT INTO checked_keys VALUES (tab, col, parent, pcol);
    PERFORM key_present_function(tab, col, parent, pcol);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION %I()', present, tab, present);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I FOR EACH ROW WHEN (NEW.%I IS DISTINCT FROM OLD.%I)'
                   ' EXECUTE FUNCTION key_present(%L, %L, %L)',
                   tab || '_' || col || '_changed', tab, col, col, col, parent, pcol);
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = parent::regclass AND tgname = parent || '_unreferenced') THEN
        EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION keys_unreferenced()',
                       parent || '_unreferenced', parent);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %I ON %I FOR EACH ROW WHEN (NEW.%I IS DISTINCT FROM OLD.%I)'
                       ' EXECUTE FUNCTION keys_unreferenced()', parent || '_key_unreferenced', pcol, parent, pcol, pcol);
    END IF;
END
$check_key$;

SELECT key_present_function(tab, col, parent, pcol) FROM checked_keys ORDER BY tab, col;
