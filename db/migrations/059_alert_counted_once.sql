-- 059_alert_counted_once.sql — the unit an alert counts for, written once,
-- and the bulletin's list of overdue and escalated orders following it.
--
-- Every count of alerts by unit (告警次数 of the daily sheet and of jiesu
-- report, the wall board's 未确认告警) counted an alert about an order for the
-- unit whose deadline it climbed (alerts.unit_id), else (a repeat, rebound or
-- bounce alert) for the order's active owner only; the rule was an SQL
-- fragment of the reporting service (REPORT_ALERT_UNIT). The bulletin's list
-- (report_overdue_facts, 023 and 043) put the order of an alert without a unit
-- under its owner and again under each co-handler: a repeat alert on an order
-- a department co-handles listed it under the department too, which no count
-- of its alerts knew of.
--
--   alerts_counted   every alert and the unit it counts for (counts_for): the
--                    one rule, read by the reports and by the list below; an
--                    alert about no order (单位超期率过高, about a unit's
--                    record) counts for none (NULL). Read with the reader's
--                    own rights on alerts and assignments (security_invoker),
--                    as the tables themselves are, not its owner's.
--
-- The rows of report_overdue_days stored for the days such an alert was
-- raised on are computed again here; the other stored rows do not change.

CREATE VIEW alerts_counted WITH (security_invoker = true) AS
SELECT a.*,
       CASE WHEN a.complaint_id IS NOT NULL THEN coalesce(a.unit_id,
            (SELECT ow.unit_id FROM assignments ow WHERE ow.complaint_id = a.complaint_id
                AND ow.active AND ow.role = 'owner' ORDER BY ow.id DESC LIMIT 1)) END AS counts_for
  FROM alerts a;

-- As in 043, an alert listed under the unit it counts for (alerts_counted);
-- a deadline without a unit still under the order's active owner and
-- co-handlers.
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
    SELECT b.day, d.complaint_id, d.unit_id, d.due_at, d.met_at FROM b
    JOIN deadlines d ON d.kind = 'resolve' AND d.due_at >= b.t0 AND d.due_at < b.tn
    WHERE (d.met_at IS NULL OR d.met_at > d.due_at) AND deadline_fell_due(d.paused_at, d.due_at)
), o AS (
    SELECT r.* FROM r WHERE r.unit_id IS NOT NULL
    UNION ALL
    SELECT r.day, r.complaint_id, a.unit_id, r.due_at, r.met_at FROM r
    JOIN assignments a ON a.complaint_id = r.complaint_id AND a.active AND a.role IN ('owner', 'co')
    WHERE r.unit_id IS NULL
), x AS (
    SELECT b.day, x.complaint_id, x.counts_for AS unit_id, x.rung FROM b
    JOIN alerts_counted x ON x.created_at >= b.t0 AND x.created_at < b.t1 AND x.complaint_id IS NOT NULL
)
SELECT o.day, o.unit_id, o.complaint_id, o.due_at, o.met_at, 0::bigint, NULL FROM o
UNION ALL
SELECT x.day, x.unit_id, x.complaint_id, NULL, NULL, count(*),
       (array_agg(x.rung ORDER BY array_position(ARRAY['remind', 'supervise', 'accountability'], x.rung)
                  DESC NULLS LAST))[1]
FROM x WHERE x.unit_id IS NOT NULL GROUP BY 1, 2, 3
$q$ USING days, tz;
END $$;

-- report_days_recount(stored, facts, moments): the rows of one table of
-- stored days (stored, computed by facts) computed again for the days of the
-- moments given, in the stored days' time zone, up to the last stored; what
-- a migration that changes where some facts count redoes, where emptying
-- report_days_state (023, 043, 050) has reporting rebuild every day (minutes
-- at 10M orders). 062 and 064 call it too.
CREATE FUNCTION report_days_recount(stored text, facts text, moments timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    st record;
    todo date[];
BEGIN
    SELECT * INTO st FROM report_days_state;
    IF st.tz IS NULL THEN
        RETURN;
    END IF;
    todo := ARRAY(SELECT DISTINCT timezone(st.tz, m)::date FROM unnest(moments) m
                   WHERE timezone(st.tz, m)::date <= st.through);
    EXECUTE format('DELETE FROM %I WHERE day = ANY ($1)', stored) USING todo;
    EXECUTE format('INSERT INTO %I SELECT * FROM %I($1, $2)', stored, facts) USING todo, st.tz;
END $$;

-- The stored days an alert about an order without a unit was raised on.
SELECT report_days_recount('report_overdue_days', 'report_overdue_facts',
                           ARRAY(SELECT a.created_at FROM alerts a WHERE a.complaint_id IS NOT NULL AND a.unit_id IS NULL));
