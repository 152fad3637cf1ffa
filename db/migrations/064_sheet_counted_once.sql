-- 064_sheet_counted_once.sql — the daily dispatch sheet counting deadlines
-- and closings for the unit they count for, as the metrics and the bulletin's
-- list do.
--
-- The sheet (一天一调度, report_daily.c and report_sheet_facts, 020 … 043)
-- counted a deadline without a unit, and a closing (a `closed` event) naming
-- none, for the order's active owner and again for each active co-handler:
-- a co-handler's 在办, 超期, 当日到期 and 销号 held orders that none of its
-- figures in the bulletin (整改率, the list of overdue orders) or on the wall
-- board knew of. Now:
--
--   deadlines_counted (062)   the unit a deadline counts for, read by the
--                             sheet's stored rows below and by the sheet
--   closings_counted          every `closed` event and the unit it counts for
--                             (counts_for): the unit it names (detail.unit),
--                             else the order's active owner, as a deadline
--                             does (NULL: none). Read with the reader's own
--                             rights (security_invoker).
--
-- A co-handler counts on the sheet only what is its own: none of an order it
-- co-handles. The rows of report_sheet_days stored for the days a resolve
-- deadline without a unit started on are computed again here; the other
-- stored rows do not change.

CREATE VIEW closings_counted WITH (security_invoker = true) AS
SELECT e.*,
       coalesce((SELECT u.id FROM units u WHERE u.code = e.detail->>'unit'),
                (SELECT ow.unit_id FROM assignments ow WHERE ow.complaint_id = e.complaint_id
                    AND ow.active AND ow.role = 'owner')) AS counts_for
  FROM complaint_events e
 WHERE e.event = 'closed';

-- As in 043, a resolve deadline counted for the unit it counts for
-- (deadlines_counted). The days' deadlines are gathered first (MATERIALIZED)
-- and those counting for no unit left out after: a test on counts_for next
-- to the scan made the planner add every resolve deadline's index entry to
-- each day's (a BitmapAnd) to spare the owner's lookup, ten times slower.
CREATE OR REPLACE FUNCTION report_sheet_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, until_day date, due_day date, open bigint)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), x AS MATERIALIZED (
    SELECT b.day, d.counts_for AS unit_id, coalesce(timezone($2, d.met_at)::date, 'infinity') AS until_day,
           CASE WHEN deadline_fell_due(d.paused_at, d.due_at) THEN timezone($2, d.due_at)::date
                ELSE 'infinity' END AS due_day
    FROM b JOIN deadlines_counted d ON d.kind = 'resolve' AND d.started_at >= b.t0 AND d.started_at < b.t1
    JOIN complaints c ON c.id = d.complaint_id AND c.cycle = d.cycle
)
SELECT x.day, x.unit_id, x.until_day, x.due_day, count(*) FROM x WHERE x.unit_id IS NOT NULL GROUP BY 1, 2, 3, 4
$q$ USING days, tz;
END $$;

-- The stored days a resolve deadline without a unit started on.
SELECT report_days_recount('report_sheet_days', 'report_sheet_facts',
                           ARRAY(SELECT d.started_at FROM deadlines d WHERE d.kind = 'resolve' AND d.unit_id IS NULL));
