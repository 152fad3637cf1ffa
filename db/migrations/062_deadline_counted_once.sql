-- 062_deadline_counted_once.sql — the unit a deadline counts for, written
-- once, and the bulletin's list of overdue orders following it.
--
-- The ranked metrics (report_day_facts, 020 … 050) counted a deadline for its
-- unit (deadlines.unit_id), else for the order's active owner only. The
-- bulletin's list (report_overdue_facts, 023 … 059) put the order of an
-- overdue resolve deadline without a unit under its owner and again under
-- each co-handler: a department co-handling a street's order was listed with
-- an overdue order that none of its figures (整改率, its rank) knew of.
--
--   deadlines_counted   every deadline and the unit it counts for (counts_for):
--                       its own, else the order's active owner (NULL: none).
--                       The one rule, read by the metrics and by the list
--                       below, as alerts_counted (059) is for alerts. Read with
--                       the reader's own rights (security_invoker).
--
-- report_day_facts gives the same rows as before (the rule moved, it did not
-- change), so no stored day of the metrics changes; the rows of
-- report_overdue_days stored for the days such a deadline fell due on are
-- computed again here.

CREATE VIEW deadlines_counted WITH (security_invoker = true) AS
SELECT d.*,
       coalesce(d.unit_id, (SELECT ow.unit_id FROM assignments ow WHERE ow.complaint_id = d.complaint_id
                                AND ow.active AND ow.role = 'owner')) AS counts_for
  FROM deadlines d;

-- As in 050, a deadline counted for the unit it counts for (deadlines_counted);
-- a callback that names no unit and came before any owner, as before, for the
-- order's active owner.
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
    SELECT b.day, d.complaint_id, d.counts_for AS unit_id, d.kind, d.due_at, d.met_at,
           timezone($2, deadline_decided_at(d.met_at, d.paused_at, d.due_at))::date AS decided_day
    FROM b JOIN deadlines_counted d ON d.started_at >= b.t0 AND d.started_at < b.t1
), raw AS MATERIALIZED (     -- facts of an order: a callback's unit may be its active owner's
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
    SELECT b.day, d.complaint_id, d.counts_for, b.day, 0, 0, 0, 0, 0, 0, 1, coalesce(d.met_at <= d.due_at, false)::int
    FROM b JOIN deadlines_counted d ON d.due_at >= b.t0 AND d.due_at < b.tn AND d.kind = 'resolve'
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

-- As in 059, an overdue deadline listed under the unit it counts for
-- (deadlines_counted), as the metrics count it, and an alert under the unit
-- it counts for (alerts_counted).
CREATE OR REPLACE FUNCTION report_overdue_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, complaint_id bigint, due_at timestamptz, met_at timestamptz,
               alerts bigint, rung text)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), o AS (
    SELECT b.day, d.complaint_id, d.counts_for AS unit_id, d.due_at, d.met_at FROM b
    JOIN deadlines_counted d ON d.kind = 'resolve' AND d.due_at >= b.t0 AND d.due_at < b.tn
    WHERE (d.met_at IS NULL OR d.met_at > d.due_at) AND deadline_fell_due(d.paused_at, d.due_at)
), x AS (
    SELECT b.day, x.complaint_id, x.counts_for AS unit_id, x.rung FROM b
    JOIN alerts_counted x ON x.created_at >= b.t0 AND x.created_at < b.t1 AND x.complaint_id IS NOT NULL
)
SELECT o.day, o.unit_id, o.complaint_id, o.due_at, o.met_at, 0::bigint, NULL FROM o WHERE o.unit_id IS NOT NULL
UNION ALL
SELECT x.day, x.unit_id, x.complaint_id, NULL, NULL, count(*),
       (array_agg(x.rung ORDER BY array_position(ARRAY['remind', 'supervise', 'accountability'], x.rung)
                  DESC NULLS LAST))[1]
FROM x WHERE x.unit_id IS NOT NULL GROUP BY 1, 2, 3
$q$ USING days, tz;
END $$;

-- The stored days a resolve deadline without a unit fell due on unmet.
SELECT report_days_recount('report_overdue_days', 'report_overdue_facts',
                           ARRAY(SELECT d.due_at FROM deadlines d WHERE d.kind = 'resolve' AND d.unit_id IS NULL
                                   AND (d.met_at IS NULL OR d.met_at > d.due_at)));
