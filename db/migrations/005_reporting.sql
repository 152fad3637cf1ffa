-- 005_reporting.sql — indexes the reports read by period.
--
-- Every report selects by time window first: deadlines that started (deadlines_due,
-- for those that fell due, comes with 004), events of a kind in the period, alerts raised in it.
-- Without these the weekly bulletin scans whole tables (see tests/bench/bench_report.sh).
CREATE INDEX deadlines_started ON deadlines(started_at);
-- Deadlines stored without their unit are attributed through the order's
-- assignments: these find the few of them without reading the rest again.
CREATE INDEX deadlines_started_nounit ON deadlines(started_at) WHERE unit_id IS NULL;
CREATE INDEX deadlines_due_nounit ON deadlines(due_at) WHERE unit_id IS NULL;
CREATE INDEX complaint_events_event_at ON complaint_events(event, at);
CREATE INDEX alerts_created ON alerts(created_at);
-- The units an order is handled by (its active owner and co-handlers), read
-- for every order, event and deadline a report attributes: covering, so the
-- lookup never visits the table.
CREATE INDEX assignments_active_cover ON assignments(complaint_id)
    INCLUDE (unit_id, role, street_code, community_code) WHERE active;
