-- 020_report_days.sql — the ranked metrics' counts per day and unit, kept for
-- closed days so that a week's metrics (bulletin, dashboard and its trend) add
-- up a few thousand stored rows instead of attributing every order, deadline
-- and callback of the week again; the daily sheet's orders in progress by
-- the day they started, so that a day's sheet does not count every open order;
-- and the orders called each day by category and place, for the hot spots.
--
-- Nothing here runs on the write paths: no trigger, and the one new index
-- (complaints_children) holds only merged repeats, which import and routing
-- never write. The reporting service fills the table (report_days_refresh,
-- every few seconds); every read checks which stored days may have changed
-- since and counts those live, so a report is always exact:
--
--   report_day_facts(days, tz)   the counts of the given days, per unit: THE
--                                formulas of the ranked metrics (README, Metrics);
--                                a week is the sum of its days (report_metrics.c)
--   report_days                  those rows for closed days (before today in tz)
--   report_sheet_facts, report_sheet_days   the same for the daily sheet
--   report_hot_facts, report_hot_days       and for the bulletin's hot spots
--   report_days_state            up to which day they were computed (through),
--                                the last event they reflect (watermark), the
--                                orders whose deadlines stood paused then, the
--                                calendar's version and the time zone
--   report_days_dirty(tz)        the stored days that may be stale now
--
-- A stored day goes stale only through a change to an order, and every change
-- to an order's facts writes a complaint_events row for it in the same
-- transaction (import, routing, every action, return, reopening, dispatch by
-- hand, merge), with two exceptions handled apart: escalation moves due_at of
-- a deadline when its pause ends (the order's deadlines are paused since an
-- event: such orders are counted stale while paused and at the refresh after)
-- and when the calendar changes (holidays: a new calendar version makes every
-- day stale). An order changed since the watermark makes stale: its called
-- day and its merged repeats' called days, and every day from its first
-- dispatch (its earliest assignment or deadline start, callback or return) to
-- today, since a re-dispatch moves started_at and due_at away from days no
-- row remembers (an order stored today: only its called day, as every other
-- fact of it is from today).
--
-- The watermark is exact: report_events_watermark() takes max(id) while no
-- transaction that inserted events is still open (a SHARE lock on
-- complaint_events, asked for with a short lock_timeout by the caller), so
-- every event committed later has a larger id.

-- The merged repeats of an order (their called day follows its owner).
CREATE INDEX complaints_children ON complaints (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE report_days (
    day              date NOT NULL,      -- the day the fact belongs to (started, due, called, dispatched ...)
    unit_id          integer NOT NULL,
    until_day        date NOT NULL,      -- resolved / returned: the day it was met or returned ('infinity' never);
                                         -- every other count: = day
    dispatched       bigint NOT NULL,
    accepted_on_time bigint NOT NULL,
    assigned         bigint NOT NULL,
    resolved         bigint NOT NULL,
    callbacks        bigint NOT NULL,
    satisfied        bigint NOT NULL,
    due              bigint NOT NULL,
    on_time          bigint NOT NULL,
    owned            bigint NOT NULL,
    returned         bigint NOT NULL,
    called           bigint NOT NULL,
    repeats          bigint NOT NULL,
    PRIMARY KEY (day, unit_id, until_day)
);

-- The daily sheet's orders in progress, kept the same way: resolve deadlines
-- of their order's current cycle, by the day they started, per unit (their
-- own, else the order's active owner and co-handlers), the day they were met
-- ('infinity': not yet) and the day they fall due. In progress at the end of
-- day D: started up to D, met after it; overdue: of those, due before the end.
CREATE TABLE report_sheet_days (
    day       date NOT NULL,
    unit_id   integer NOT NULL,
    until_day date NOT NULL,
    due_day   date NOT NULL,
    open      bigint NOT NULL,
    PRIMARY KEY (day, unit_id, until_day, due_day)
);

-- The bulletin's hot spots, kept the same way: the orders called each day by
-- what names their category (routing's, else the hotline's) and their place
-- (their own active owner's, else their parent's), and whether they wait in
-- the manual dispatch queue.
CREATE TABLE report_hot_days (
    day            date NOT NULL,
    manual         boolean NOT NULL,
    cat            text,
    category_raw   text,
    unit_id        integer,
    community_code text,
    street_code    text,
    n              bigint NOT NULL
);
CREATE INDEX report_hot_days_day ON report_hot_days (day);

CREATE TABLE report_days_state (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    tz        text NOT NULL,
    through   date NOT NULL,             -- days up to this one are in report_days (a day without rows counts 0)
    watermark bigint NOT NULL,           -- complaint_events up to this id are reflected
    complaints bigint NOT NULL,          -- the largest complaints.id then (newer ones are read in order)
    paused    bigint[] NOT NULL,         -- orders with a paused deadline at the refresh
    holidays  text NOT NULL,             -- the calendar's version at the refresh
    built_at  timestamptz NOT NULL DEFAULT now()
);

-- The calendar's version (as common/holidays.c reads it).
CREATE FUNCTION report_holidays_version() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT count(*) || '@' || coalesce(extract(epoch FROM max(changed_at))::text, '') FROM holidays
$$;

-- Each day of days (local dates in tz) with its bounds: [t0, t1), and tn =
-- min(t1, now()) (what is due "up to now").
CREATE FUNCTION report_day_bounds(days date[], tz text) RETURNS TABLE (day date, t0 timestamptz, t1 timestamptz,
                                                                       tn timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT d, d::timestamp AT TIME ZONE tz, (d + 1)::timestamp AT TIME ZONE tz,
           least((d + 1)::timestamp AT TIME ZONE tz, now())
    FROM unnest(days) AS d
$$;

-- For n days (a rebuild: more than a month) the next query may hash whole
-- tables; for a few it reads their rows by index. The callers turn hash and
-- merge joins off for themselves (SET clauses, which also end what this sets).
CREATE FUNCTION report_days_joins(n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF n > 31 THEN
        SET LOCAL enable_hashjoin = on;
        SET LOCAL enable_mergejoin = on;
    END IF;
END $$;

-- The counts of each day in days (local dates in tz), per unit. Attribution
-- as the README says: a deadline counts for deadlines.unit_id, else the
-- order's active owner; a callback for the unit in detail.unit, else the
-- active owner; a return for the owner whose dispatch it ended (the last
-- owner or manual assignment before it), on the day of that dispatch with
-- until_day the day of the return; an order called for the active owner of
-- its parent, else its own. Resolve deadlines count as assigned on the day
-- they started, resolved with until_day the day they were met. Due: resolve
-- deadlines due on the day, up to now.
CREATE FUNCTION report_day_facts(days date[], tz text)
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
           (d.kind = 'accept')::int AS dispatched, coalesce(d.kind = 'accept' AND d.met_at <= d.due_at, false)::int AS accepted_on_time,
           (d.kind = 'resolve')::int AS assigned, (d.kind = 'resolve' AND d.met_at IS NOT NULL)::int AS resolved,
           0 AS callbacks, 0 AS satisfied, 0 AS due, 0 AS on_time
    FROM b JOIN deadlines d ON d.started_at >= b.t0 AND d.started_at < b.t1
    UNION ALL
    SELECT b.day, d.complaint_id, d.unit_id, b.day, 0, 0, 0, 0, 0, 0, 1, coalesce(d.met_at <= d.due_at, false)::int
    FROM b JOIN deadlines d ON d.due_at >= b.t0 AND d.due_at < b.tn AND d.kind = 'resolve'
    UNION ALL
    SELECT b.day, e.complaint_id, eu.id, b.day, 0, 0, 0, 0, 1, coalesce(e.detail->'satisfied' = 'true'::jsonb, false)::int, 0, 0
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

-- The rows of report_sheet_days for the given days (local dates in tz).
CREATE FUNCTION report_sheet_facts(days date[], tz text)
RETURNS TABLE (day date, unit_id integer, until_day date, due_day date, open bigint)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
WITH b AS MATERIALIZED (SELECT * FROM report_day_bounds($1, $2)), r AS MATERIALIZED (
    SELECT b.day, d.complaint_id, d.unit_id, coalesce(timezone($2, d.met_at)::date, 'infinity') AS until_day,
           timezone($2, d.due_at)::date AS due_day
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

-- The rows of report_hot_days for the given days (local dates in tz).
CREATE FUNCTION report_hot_facts(days date[], tz text)
RETURNS TABLE (day date, manual boolean, cat text, category_raw text, unit_id integer, community_code text,
               street_code text, n bigint)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
SELECT b.day, c.status = 'manual', coalesce(c.category, al.category_code), c.category_raw,
       coalesce(oa.unit_id, pa.unit_id), coalesce(oa.community_code, pa.community_code),
       coalesce(oa.street_code, pa.street_code), count(*)
FROM report_day_bounds($1, $2) b
JOIN complaints c ON c.called_at >= b.t0 AND c.called_at < b.t1
LEFT JOIN category_aliases al ON c.category IS NULL AND al.hotline_name = c.category_raw
LEFT JOIN assignments oa ON oa.complaint_id = c.id AND oa.active AND oa.role = 'owner'
LEFT JOIN assignments pa ON oa.unit_id IS NULL AND pa.complaint_id = c.parent_id AND pa.active AND pa.role = 'owner'
GROUP BY 1, 2, 3, 4, 5, 6, 7
$q$ USING days, tz;
END $$;

-- The stored days that may be stale, for time zone tz: none stored (no
-- state, another time zone or calendar: through is NULL); else every day
-- from dirty_from on, and the days in dirty.
CREATE FUNCTION report_days_dirty(tz text) RETURNS TABLE (through date, dirty_from date, dirty date[])
LANGUAGE plpgsql STABLE
SET jit = off SET enable_hashjoin = off SET enable_mergejoin = off  -- the few orders changed, by index
AS $$
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM report_days_state r WHERE r.tz = report_days_dirty.tz AND r.holidays = report_holidays_version();
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$    -- planned with the state's values: index ranges from the watermark
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
                                                           AND e.event IN ('callback', 'returned'))) AS first
    FROM tc WHERE NOT tc.fresh
), called AS (               -- today is never stored
    SELECT tc.called_at FROM tc, today WHERE tc.called_at < today.t0
    UNION ALL
    SELECT c.called_at FROM tc JOIN complaints c ON c.parent_id = tc.id
)
SELECT $5::date, (SELECT timezone($1, min(first))::date FROM firsts),
       ARRAY(SELECT DISTINCT timezone($1, called_at)::date FROM called)
$q$ USING tz, s.watermark, s.complaints, s.paused, s.through;
END $$;

-- The event id every later event exceeds: max(id) taken while no transaction
-- that inserted events is open. The caller sets lock_timeout and commits at once.
CREATE FUNCTION report_events_watermark() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    LOCK TABLE complaint_events IN SHARE MODE;
    RETURN (SELECT coalesce(max(id), 0) FROM complaint_events);
END $$;

-- Brings report_days up to yesterday (in tz) as of event w: the stale days
-- and the days closed since are computed again; with nothing stored, every
-- day since the first fact. Run in a REPEATABLE READ transaction begun after
-- w was taken, after locking report_days_state (one round at a time).
-- Returns the number of days computed.
CREATE FUNCTION report_days_refresh(w bigint, tz text) RETURNS integer LANGUAGE plpgsql SET jit = off AS $$
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
    END IF;
    INSERT INTO report_days SELECT * FROM report_day_facts(todo, tz);
    INSERT INTO report_sheet_days SELECT * FROM report_sheet_facts(todo, tz);
    INSERT INTO report_hot_days SELECT * FROM report_hot_facts(todo, tz);
    INSERT INTO report_days_state (tz, through, watermark, complaints, paused, holidays)
    VALUES (tz, today - 1, w, (SELECT coalesce(max(id), 0) FROM complaints),
            ARRAY(SELECT DISTINCT complaint_id FROM deadlines WHERE paused_at IS NOT NULL), report_holidays_version())
    ON CONFLICT (one) DO UPDATE SET tz = EXCLUDED.tz, through = EXCLUDED.through, watermark = EXCLUDED.watermark,
                                    complaints = EXCLUDED.complaints,
                                    paused = EXCLUDED.paused, holidays = EXCLUDED.holidays, built_at = now();
    RETURN cardinality(todo);
END $$;
