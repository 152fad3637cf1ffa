-- 043_not_due_not_late.sql — a deadline is not late before it is due: not
-- while its clock stands still (time spent waiting is not late), and an
-- acceptance whose time has not run out is not a late one (response rate).
--
-- While an order waits (暂缓办理) or is returned, its deadlines not yet met
-- stand paused (paused_at), and escalation moves due_at later by the working
-- time the clock stood still when the order moves on. Until then due_at is
-- not the deadline's due time: paused before it, the deadline has not fallen
-- due, however far the clock has passed due_at. The reports counted it as
-- due and not met by it: an order put to wait on Monday with its deadline on
-- Tuesday was one more overdue order of its street on Wednesday (整改率,
-- 超期数, the bulletin's list with the days of waiting as 超时(工作小时), the
-- daily sheet's 今日到期 and 超期), where the wall board rightly had none.
-- A deadline paused only after it fell due was late before the order waited,
-- and still counts so.
--
--   deadline_fell_due(paused_at, due_at)   the one rule, read by the functions
--                                          below and by the daily sheet
--
-- report_day_facts (020) counts as due only the deadlines that fell due, and
-- in the response rate only the accept deadlines decided (accepted, or fallen
-- due unaccepted), which report_days_dirty (023) now also finds stale when
-- one falls due unmet after the round that stored its day;
-- report_sheet_facts (020) gives the others no due day ('infinity': never
-- overdue while paused); report_overdue_facts (023) lists only those that fell
-- due. Orders with a paused deadline are always counted live (report_days_dirty),
-- so no stored row changes; the state is emptied all the same, so that every
-- stored day is computed again by these formulas at the next round.

-- A deadline fell due at due_at unless its clock stopped before then (paused
-- then, due_at not its due time yet: it moves when the clock runs again).
CREATE FUNCTION deadline_fell_due(paused_at timestamptz, due_at timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT paused_at IS NULL OR paused_at >= due_at
$$;

-- As in 020, due only when it fell due; a callback that names no unit (one
-- recorded before the callback said whose work it judged) counts for the
-- owner dispatched last before it, not for the order's owner now: a 不满意
-- reopens the order, and it was counted for the next unit given it, or for
-- none while it waited in the manual queue; and an accept deadline counts in the
-- response rate once decided: accepted, or fallen due by now without being
-- accepted. One whose time has not run out is neither on time nor late: the
-- orders dispatched in the last hour made a street's 响应率 20% on the
-- dashboard (this week so far), and a bulletin made on Monday morning counted
-- Friday evening's dispatches, due at 09:30, as not answered.
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
), raw AS MATERIALIZED (     -- facts of an order whose unit may be its active owner's
    SELECT b.day, d.complaint_id, d.unit_id,
           CASE WHEN d.kind = 'resolve' THEN coalesce(timezone($2, d.met_at)::date, 'infinity') ELSE b.day END AS until_day,
           (d.kind = 'accept' AND (d.met_at IS NOT NULL OR (d.due_at < now() AND deadline_fell_due(d.paused_at, d.due_at))))::int
             AS dispatched,         -- decided: accepted, or fallen due by now without being accepted
           coalesce(d.kind = 'accept' AND d.met_at <= d.due_at, false)::int AS accepted_on_time,
           (d.kind = 'resolve')::int AS assigned, (d.kind = 'resolve' AND d.met_at IS NOT NULL)::int AS resolved,
           0 AS callbacks, 0 AS satisfied, 0 AS due, 0 AS on_time
    FROM b JOIN deadlines d ON d.started_at >= b.t0 AND d.started_at < b.t1
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

-- As in 023, and stale too: the days of an accept deadline that has fallen
-- due unmet since the last round (it was counted undecided then; built_at is
-- that round's now()). Nothing else writes when a deadline's time runs out.
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
    UNION SELECT d.complaint_id FROM deadlines d      -- accept deadlines decided since: fallen due unmet
    WHERE d.due_at >= $6 AND d.due_at < now() AND d.kind = 'accept' AND d.met_at IS NULL
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
$q$ INTO through, dirty_from, dirty USING tz, s.watermark, s.complaints, s.paused, s.through, s.built_at;
    IF once THEN
        PERFORM set_config('jiesu.report_days_dirty', format('%s|%s|%s|%s', tz, through, dirty_from, dirty), true);
    END IF;
    RETURN NEXT;
END $$;

-- As in 020, no due day while paused before it.
CREATE OR REPLACE FUNCTION report_sheet_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, until_day date, due_day date, open bigint)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), r AS MATERIALIZED (
    SELECT b.day, d.complaint_id, d.unit_id, coalesce(timezone($2, d.met_at)::date, 'infinity') AS until_day,
           CASE WHEN deadline_fell_due(d.paused_at, d.due_at) THEN timezone($2, d.due_at)::date
                ELSE 'infinity' END AS due_day
    FROM b JOIN deadlines d ON d.kind = 'resolve' AND d.started_at >= b.t0 AND d.started_at < b.t1
    JOIN complaints c ON c.id = d.complaint_id AND c.cycle = d.cycle
), x AS (
    SELECT r.day, r.unit_id, r.until_day, r.due_day FROM r WHERE r.unit_id IS NOT NULL
    UNION ALL
    SELECT r.day, a.unit_id, r.until_day, r.due_day FROM r
    JOIN assignments a ON a.complaint_id = r.complaint_id AND a.active AND a.role IN ('owner', 'co')
    WHERE r.unit_id IS NULL
)
SELECT x.day, x.unit_id, x.until_day, x.due_day, count(*) FROM x GROUP BY 1, 2, 3, 4
$q$ USING days, tz;
END $$;

-- As in 023, listed as overdue only when it fell due.
CREATE OR REPLACE FUNCTION report_overdue_facts(days date[], tz text)
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
    WHERE (d.met_at IS NULL OR d.met_at > d.due_at) AND deadline_fell_due(d.paused_at, d.due_at)
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

DELETE FROM report_days_state;
