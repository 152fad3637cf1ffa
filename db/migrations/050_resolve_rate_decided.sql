-- 050_resolve_rate_decided.sql — the resolution rate (解决率) counts a resolve
-- deadline once decided, as the response rate (043) counts an acceptance.
--
-- 解决率 was the resolve deadlines started in a period and met before its end,
-- over every resolve deadline started in it: one still running when the
-- report was read counted as not resolved. The dashboard shows this week so
-- far, so a street's 解决率 read low on Monday and climbed through the week
-- with nothing gone wrong (an order dispatched on Monday, due on Thursday
-- and fixed on Wednesday was unresolved until Wednesday).
--
-- A deadline is decided once met, or once fallen due without being met
-- (deadline_fell_due, 043: one paused before its due time has not):
--
--   deadline_decided_at(met_at, paused_at, due_at)   when it was decided, NULL
--                                                    while it is not (by now):
--                                                    the one rule of both rates
--
-- The response rate counts the accept deadlines decided by now (043, now
-- through this function); 解决率 the resolve deadlines decided by now, as
-- resolved those met before the period's end: report_day_facts gives a
-- resolve deadline's 'assigned' on the day it started with until_day the day
-- it was decided ('infinity': not yet), as it gives 'resolved' with the day
-- it was met; the metrics count the decided ones, and the resolved up to
-- the period's last day (report_metrics.c). So a deadline started late in a
-- week and met or fallen due in the next still counts in its own week — as
-- not resolved in it, as before — once decided: a past week's 解决率 moves
-- only while deadlines started in it are undecided, and only by adding them.
--
-- Nothing is written when a deadline's time runs out. A stored day counts
-- its deadlines decided as of the round that stored it; report_days_dirty
-- finds stale the day a deadline started when it has fallen due unmet since
-- that round (043 did so for acceptances, making every day of the order from
-- its first dispatch stale: the day it started is the only one whose rows
-- change). The state is emptied: every stored day is computed again by these
-- formulas at the next round.

-- When the deadline was decided: met, or fallen due (by now) without being met
-- before; NULL while neither.
CREATE FUNCTION deadline_decided_at(met_at timestamptz, paused_at timestamptz, due_at timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT least(met_at, CASE WHEN due_at < now() AND deadline_fell_due(paused_at, due_at) THEN due_at END)
$$;

-- As in 043, the response rate's acceptances decided through
-- deadline_decided_at, and a resolve deadline gives 'assigned' with until_day
-- the day it was decided ('infinity' while it is not) and, once met,
-- 'resolved' with the day it was met (one row when met on time: the same day).
CREATE OR REPLACE FUNCTION report_day_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, until_day date, dispatched bigint, accepted_on_time bigint,
               assigned bigint, resolved bigint, callbacks bigint, satisfied bigint, due bigint, on_time bigint,
               owned bigint, returned bigint, called bigint, repeats bigint)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off    -- a few days' rows by index, never a whole table
SET jit = off                                           -- compiling costs seconds, these run in less
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), own AS MATERIALIZED (
    SELECT b.day, a.complaint_id, a.unit_id, a.created_at FROM b
    JOIN assignments a ON a.role = 'owner' AND a.created_at >= b.t0 AND a.created_at < b.t1
), cd AS MATERIALIZED (
    SELECT b.day, coalesce(c.parent_id, c.id) AS owner_of, c.parent_id IS NOT NULL AS repeat FROM b
    JOIN complaints c ON c.called_at >= b.t0 AND c.called_at < b.t1
), started AS MATERIALIZED (
    SELECT b.day, d.complaint_id, d.unit_id, d.kind, d.due_at, d.met_at,
           timezone($2, deadline_decided_at(d.met_at, d.paused_at, d.due_at))::date AS decided_day
    FROM b JOIN deadlines d ON d.started_at >= b.t0 AND d.started_at < b.t1
), raw AS MATERIALIZED (     -- facts of an order whose unit may be its active owner's
    SELECT s.day, s.complaint_id, s.unit_id, s.day AS until_day,
           (s.decided_day IS NOT NULL)::int AS dispatched,      -- decided by now: accepted, or fallen due
           coalesce(s.met_at <= s.due_at, false)::int AS accepted_on_time,
           0 AS assigned, 0 AS resolved, 0 AS callbacks, 0 AS satisfied, 0 AS due, 0 AS on_time
    FROM started s WHERE s.kind = 'accept'
    UNION ALL
    SELECT s.day, s.complaint_id, s.unit_id, v.until_day, 0, 0, v.assigned, v.resolved, 0, 0, 0, 0
    FROM started s, LATERAL (VALUES (coalesce(s.decided_day, 'infinity'), 1, 0),     -- decided that day
                                    (timezone($2, s.met_at)::date, 0, 1)              -- met that day
                            ) v(until_day, assigned, resolved)
    WHERE s.kind = 'resolve' AND v.until_day IS NOT NULL
    UNION ALL
    SELECT b.day, d.complaint_id, d.unit_id, b.day, 0, 0, 0, 0, 0, 0, 1, coalesce(d.met_at <= d.due_at, false)::int
    FROM b JOIN deadlines d ON d.due_at >= b.t0 AND d.due_at < b.tn AND d.kind = 'resolve'
    WHERE deadline_fell_due(d.paused_at, d.due_at)
    UNION ALL
    SELECT b.day, e.complaint_id,
           coalesce(eu.id, (SELECT a.unit_id FROM assignments a     -- the owner whose work it judged
                            WHERE a.complaint_id = e.complaint_id AND a.role = 'owner' AND a.created_at <= e.at
                            ORDER BY a.created_at DESC, a.id DESC LIMIT 1)),
           b.day, 0, 0, 0, 0, 1, coalesce(e.detail->'satisfied' = 'true'::jsonb, false)::int, 0, 0
    FROM b JOIN complaint_events e ON e.event = 'callback' AND e.at >= b.t0 AND e.at < b.t1
    LEFT JOIN units eu ON eu.code = e.detail->>'unit'
), f AS (
    SELECT day, unit_id, until_day, dispatched, accepted_on_time, assigned, resolved, callbacks, satisfied, due,
           on_time, 0 AS owned, 0 AS returned, 0 AS called, 0 AS repeats
    FROM raw WHERE unit_id IS NOT NULL
    UNION ALL
    SELECT raw.day, oa.unit_id, until_day, dispatched, accepted_on_time, assigned, resolved, callbacks, satisfied,
           due, on_time, 0, 0, 0, 0
    FROM raw JOIN assignments oa ON oa.complaint_id = raw.complaint_id AND oa.active AND oa.role = 'owner'
    WHERE raw.unit_id IS NULL
    UNION ALL
    SELECT own.day, own.unit_id, own.day, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 FROM own
    UNION ALL
    SELECT own.day, own.unit_id, timezone($2, e.at)::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0
    FROM own JOIN complaint_events e ON e.complaint_id = own.complaint_id AND e.event = 'returned'
                                    AND e.at >= own.created_at
    WHERE NOT EXISTS (SELECT 1 FROM assignments n WHERE n.complaint_id = own.complaint_id
                        AND n.role IN ('owner', 'manual') AND n.created_at > own.created_at AND n.created_at <= e.at)
    UNION ALL
    SELECT cd.day, oa.unit_id, cd.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, cd.repeat::int
    FROM cd JOIN assignments oa ON oa.complaint_id = cd.owner_of AND oa.active AND oa.role = 'owner'
)
SELECT f.day, f.unit_id, f.until_day, sum(f.dispatched), sum(f.accepted_on_time), sum(f.assigned),
       sum(f.resolved), sum(f.callbacks), sum(f.satisfied), sum(f.due), sum(f.on_time), sum(f.owned),
       sum(f.returned), sum(f.called), sum(f.repeats)
FROM f WHERE f.unit_id IS NOT NULL GROUP BY f.day, f.unit_id, f.until_day
$q$ USING days, tz;
END $$;

-- As in 043, and stale too: the day a deadline started, accept or resolve,
-- when it has fallen due unmet since the last round (it was counted
-- undecided then; built_at is that round's now()). Nothing else writes when
-- a deadline's time runs out, and nothing else of its order changes then.
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
), one_day AS (            -- their called days (today is never stored), their merged repeats', and
                            -- the day each deadline started that has fallen due unmet since (decided)
    SELECT tc.called_at AS at FROM tc, today WHERE tc.called_at < today.t0
    UNION ALL
    SELECT c.called_at FROM tc JOIN complaints c ON c.parent_id = tc.id
    UNION ALL
    SELECT d.started_at FROM deadlines d WHERE d.due_at >= $6 AND d.due_at < now() AND d.met_at IS NULL
)
SELECT $5::date, (SELECT timezone($1, min(first))::date FROM firsts),
       ARRAY(SELECT DISTINCT timezone($1, at)::date FROM one_day)
$q$ INTO through, dirty_from, dirty USING tz, s.watermark, s.complaints, s.paused, s.through, s.built_at;
    IF once THEN
        PERFORM set_config('jiesu.report_days_dirty', format('%s|%s|%s|%s', tz, through, dirty_from, dirty), true);
    END IF;
    RETURN NEXT;
END $$;

DELETE FROM report_days_state;
