-- 005_reporting.sql — indexes the reports read by period.
--
-- Every report selects by time window first: deadlines that started (deadlines_due,
-- for those that fell due, comes with 004), events of a kind in the period, alerts raised in it.
-- Without these the weekly bulletin scans whole tables (see tests/bench/bench_report.sh).
CREATE INDEX deadlines_started ON deadlines(started_at);
CREATE INDEX complaint_events_event_at ON complaint_events(event, at);
CREATE INDEX alerts_created ON alerts(created_at);
-- The units an order is handled by: its active owner and co-handlers.
CREATE INDEX assignments_active_complaint ON assignments(complaint_id) WHERE active;
