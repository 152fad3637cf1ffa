-- 023_report_overdue_days.sql — the bulletin's list of overdue and escalated
-- orders, kept per closed day like the counts of migration 020, so that a
-- week's list reads the stored rows of its closed days instead of every
-- resolve deadline due in the week (0.7–1.1 s of the bulletin's and the
-- dashboard's time over 10M orders, where everything else was read per day).
--
--   report_overdue_facts(days, tz)   per day, unit and order: the resolve
--                                    deadlines due that day (up to now) and not
--                                    met by their due time, and the alerts
--                                    raised that day (how many, highest rung)
--   report_overdue_days              those rows for closed days
--
-- Kept by the same rounds (report_days_refresh, below) with the same rule for
-- which stored days are stale (report_days_dirty, 020): a day's rows change
-- only through its orders, and every change to them writes a complaint_events
-- row (a deadline met or re-timed by a re-dispatch, an assignment that moves
-- an order without a unit of its own, an alert: escalation writes its 'alert'
-- event in the statement that raises it), or is a paused deadline's due_at,
-- or a new calendar, which 020 handles. Alerts without an order (pattern
-- alerts) are left out: the list names orders, and before they took places in
-- its 2,000 rows only to be dropped when their order was read.
--
-- The migration empties report_days_state: the next round computes every day
-- again, this table's too (until then the reports count live).

CREATE TABLE report_overdue_days (
    day          date NOT NULL,
    unit_id      integer NOT NULL,
    complaint_id bigint NOT NULL,
    due_at       timestamptz,        -- an overdue row: the deadline due that day, not met by it
    met_at       timestamptz,        -- when it was met, if it was
    alerts       bigint NOT NULL,    -- an escalated row: the alerts raised that day (0: an overdue row)
    rung         text                -- and the highest rung among them
);
CREATE INDEX report_overdue_days_day ON report_overdue_days (day);

-- The rows of report_overdue_days for the given days (local dates in tz).
-- A deadline or alert without a unit counts for the order's active owner and
-- co-handlers.
CREATE FUNCTION report_overdue_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, complaint_id bigint, due_at timestamptz, met_at timestamptz,
               alerts bigint, rung text)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), r AS MATERIALIZED (
    SELECT b.day, d.complaint_id, d.unit_id, d.due_at, d.met_at, NULL::text AS rung FROM b
    JOIN deadlines d ON d.kind = 'resolve' AND d.due_at >= b.t0 AND d.due_at < b.tn
    WHERE d.met_at IS NULL OR d.met_at > d.due_at
    UNION ALL
    SELECT b.day, x.complaint_id, x.unit_id, NULL, NULL, x.rung FROM b
    JOIN alerts x ON x.created_at >= b.t0 AND x.created_at < b.t1 AND x.complaint_id IS NOT NULL
), x AS (
    SELECT r.* FROM r WHERE r.unit_id IS NOT NULL
    UNION ALL
    SELECT r.day, a.complaint_id, a.unit_id, r.due_at, r.met_at, r.rung FROM r
    JOIN assignments a ON a.complaint_id = r.complaint_id AND a.active AND a.role IN ('owner', 'co')
    WHERE r.unit_id IS NULL
)
SELECT x.day, x.unit_id, x.complaint_id, x.due_at, x.met_at, 0::bigint, NULL FROM x WHERE x.rung IS NULL
UNION ALL
SELECT x.day, x.unit_id, x.complaint_id, NULL, NULL, count(*),
       (array_agg(x.rung ORDER BY array_position(ARRAY['remind', 'supervise', 'accountability'], x.rung)
                  DESC NULLS LAST))[1]
FROM x WHERE x.rung IS NOT NULL GROUP BY 1, 2, 3
$q$ USING days, tz;
END $$;

-- As in 020, with two changes. An order's first fact is now also its first
-- alert: an alert without a unit counts for the order's active owner, and one
-- raised before the order was first dispatched would otherwise keep the unit
-- it had then. And in a READ ONLY transaction at REPEATABLE READ (or
-- SERIALIZABLE), where every statement sees the same rows and nothing is
-- written, the answer is found once and kept until the transaction ends
-- (jiesu.report_days_dirty, set locally): a dashboard asks it for each of its
-- dozen queries, and under load each asking reads the thousands of orders
-- stored since the last round.
CREATE OR REPLACE FUNCTION report_days_dirty(tz text) RETURNS TABLE (through date, dirty_from date, dirty date[])
LANGUAGE plpgsql STABLE
SET jit = off SET enable_hashjoin = off SET enable_mergejoin = off  -- the few orders changed, by index
AS $$
DECLARE
    s record;
    once boolean := current_setting('transaction_read_only') = 'on'
                    AND current_setting('transaction_isolation') IN ('repeatable read', 'serializable');
    kept text := current_setting('jiesu.report_days_dirty', true);
BEGIN
    IF once AND split_part(kept, '|', 1) = tz THEN
        through := split_part(kept, '|', 2)::date;
        dirty_from := nullif(split_part(kept, '|', 3), '')::date;
        dirty := split_part(kept, '|', 4)::date[];
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT * INTO s FROM report_days_state r WHERE r.tz = report_days_dirty.tz AND r.holidays = report_holidays_version();
    IF NOT FOUND THEN
        RETURN;
    END IF;
    EXECUTE $q$    -- planned with the state's values: index ranges from the watermark
WITH today AS (
    SELECT timezone($1, now())::date::timestamp AT TIME ZONE $1 AS t0
), t AS (                   -- orders changed since, stored before the refresh
    SELECT e.complaint_id AS id FROM complaint_events e WHERE e.id > $2 AND e.complaint_id <= $3
    UNION SELECT d.complaint_id FROM deadlines d WHERE d.paused_at IS NOT NULL
    UNION SELECT unnest($4::bigint[])
), tc AS MATERIALIZED (     -- those, and every order stored since (read in id order); one stored
                            -- today has no fact before today but its call
    SELECT c.id, c.called_at, c.created_at >= today.t0 AS fresh FROM today, complaints c WHERE c.id > $3
    UNION ALL
    SELECT c.id, c.called_at, c.created_at >= today.t0 FROM today, t JOIN complaints c ON c.id = t.id
), firsts AS (
    SELECT least((SELECT min(a.created_at) FROM assignments a WHERE a.complaint_id = tc.id),
                 (SELECT min(d.started_at) FROM deadlines d WHERE d.complaint_id = tc.id),
                 (SELECT min(e.at) FROM complaint_events e WHERE e.complaint_id = tc.id
                                                           AND e.event IN ('callback', 'returned')),
                 (SELECT min(x.created_at) FROM alerts x WHERE x.complaint_id = tc.id)) AS first
    FROM tc WHERE NOT tc.fresh
), called AS (               -- today is never stored
    SELECT tc.called_at FROM tc, today WHERE tc.called_at < today.t0
    UNION ALL
    SELECT c.called_at FROM tc JOIN complaints c ON c.parent_id = tc.id
)
SELECT $5::date, (SELECT timezone($1, min(first))::date FROM firsts),
       ARRAY(SELECT DISTINCT timezone($1, called_at)::date FROM called)
$q$ INTO through, dirty_from, dirty USING tz, s.watermark, s.complaints, s.paused, s.through;
    IF once THEN
        PERFORM set_config('jiesu.report_days_dirty', format('%s|%s|%s|%s', tz, through, dirty_from, dirty), true);
    END IF;
    RETURN NEXT;
END $$;

-- As in 020, with report_overdue_days kept alongside.
CREATE OR REPLACE FUNCTION report_days_refresh(w bigint, tz text) RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    today date := timezone(tz, now())::date;
    st record;
    todo date[];
BEGIN
    SELECT * INTO st FROM report_days_dirty(tz);
    IF st.through IS NULL THEN
        DELETE FROM report_days;
        DELETE FROM report_sheet_days;
        DELETE FROM report_hot_days;
        DELETE FROM report_overdue_days;
        todo := ARRAY(SELECT generate_series(least(
                    (SELECT timezone(tz, min(called_at))::date FROM complaints),
                    (SELECT timezone(tz, min(started_at))::date FROM deadlines),
                    (SELECT timezone(tz, min(created_at))::date FROM assignments),
                    (SELECT timezone(tz, min(at))::date FROM complaint_events)), today - 1, interval '1 day')::date);
    ELSE
        todo := ARRAY(SELECT generate_series(least(st.dirty_from, st.through + 1), today - 1, interval '1 day')::date
                      UNION SELECT x FROM unnest(st.dirty) x WHERE x < today);
        DELETE FROM report_days WHERE day = ANY (todo);
        DELETE FROM report_sheet_days WHERE day = ANY (todo);
        DELETE FROM report_hot_days WHERE day = ANY (todo);
        DELETE FROM report_overdue_days WHERE day = ANY (todo);
    END IF;
    INSERT INTO report_days SELECT * FROM report_day_facts(todo, tz);
    INSERT INTO report_sheet_days SELECT * FROM report_sheet_facts(todo, tz);
    INSERT INTO report_hot_days SELECT * FROM report_hot_facts(todo, tz);
    INSERT INTO report_overdue_days SELECT * FROM report_overdue_facts(todo, tz);
    INSERT INTO report_days_state (tz, through, watermark, complaints, paused, holidays)
    VALUES (tz, today - 1, w, (SELECT coalesce(max(id), 0) FROM complaints),
            ARRAY(SELECT DISTINCT complaint_id FROM deadlines WHERE paused_at IS NOT NULL), report_holidays_version())
    ON CONFLICT (one) DO UPDATE SET tz = EXCLUDED.tz, through = EXCLUDED.through, watermark = EXCLUDED.watermark,
                                    complaints = EXCLUDED.complaints,
                                    paused = EXCLUDED.paused, holidays = EXCLUDED.holidays, built_at = now();
    RETURN cardinality(todo);
END $$;

DELETE FROM report_days_state;
