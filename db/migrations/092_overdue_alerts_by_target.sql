-- 092_overdue_alerts_by_target.sql — the bulletin's list of overdue and
-- escalated orders shows each reader the alerts it is shown, by the rule of
-- every view (VIEW_ALERT_SHOWN, common/view.h: the ladder's first rungs,
-- 催办 and 督办, to everyone who reads the order; the rest, 问责预警 and the
-- pattern alerts, to the unit they went to). Its stored rows (023) kept one
-- highest rung per day, unit and order: a street office read its own order
-- with 最高告警 问责预警, an alert meant for discipline inspection, which the
-- wall board and the order's page keep from it.
--
--   report_overdue_days.target_unit_id   an escalated row: the unit its
--                                        alerts went to (NULL: none)
--   report_overdue_facts(days, tz)       the alerts per day, unit, order,
--                                        rung and the unit they went to, so
--                                        a reader's rule is asked of each
--
-- The stored days with alerts are counted again.

ALTER TABLE report_overdue_days ADD COLUMN target_unit_id integer;

DROP FUNCTION report_overdue_facts(date[], text);
-- As in 062, the alerts grouped by rung and target too.
CREATE FUNCTION report_overdue_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, complaint_id bigint, due_at timestamptz, met_at timestamptz,
               alerts bigint, rung text, target_unit_id integer)
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
    SELECT b.day, x.complaint_id, x.counts_for AS unit_id, x.rung, x.target_unit_id FROM b
    JOIN alerts_counted x ON x.created_at >= b.t0 AND x.created_at < b.t1 AND x.complaint_id IS NOT NULL
)
SELECT o.day, o.unit_id, o.complaint_id, o.due_at, o.met_at, 0::bigint, NULL, NULL::integer
FROM o WHERE o.unit_id IS NOT NULL
UNION ALL
SELECT x.day, x.unit_id, x.complaint_id, NULL, NULL, count(*), x.rung, x.target_unit_id
FROM x WHERE x.unit_id IS NOT NULL GROUP BY 1, 2, 3, x.rung, x.target_unit_id
$q$ USING days, tz;
END $$;

SELECT report_days_recount('report_overdue_days', 'report_overdue_facts',
                           ARRAY(SELECT DISTINCT (o.day + time '12:00') AT TIME ZONE s.tz
                                   FROM report_overdue_days o, report_days_state s WHERE o.alerts > 0));
