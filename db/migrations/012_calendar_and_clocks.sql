-- 012_calendar_and_clocks.sql — the official holiday calendar kept in
-- PostgreSQL, the working time a deadline's clock stood still, and an index
-- for the return rate.
--
-- Holidays: one row per local date that the State Council's notice makes a
-- day off (元旦, 春节 ...) or an adjusted working day (调休上班, off = false).
-- `jiesu migrate` stores the bundled data/holidays files (rows it stored
-- before are refreshed, rows stored otherwise are kept); `jiesu holidays load
-- FILE` / `jiesu holidays add` store a notice that came out after the release,
-- through the escalation service, which re-times the pending deadlines it
-- changes. Routing and escalation load the calendar from here and reload it
-- when count or changed_at moves. A year counts as known once it holds a day
-- off; without one every weekday of it is a working day, and the services,
-- `jiesu status` and the dashboard say so.
CREATE TABLE holidays (
    day        date PRIMARY KEY,
    off        boolean NOT NULL,
    name       text NOT NULL DEFAULT '',
    source     text NOT NULL,               -- the file it came from, or who typed it in
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Working seconds a deadline's clock stood still (waiting, returned), summed
-- over its pauses; due_at has already moved by them. The remind falls due
-- when the unit has used remind_share of its own time: of
-- work(started_at, due_at) - paused_seconds, plus the pauses. A restarted
-- deadline (new started_at: re-dispatched) starts again from 0.
ALTER TABLE deadlines ADD COLUMN paused_seconds bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION deadlines_replan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.started_at IS DISTINCT FROM OLD.started_at THEN
        NEW.paused_seconds := 0;
    END IF;
    IF NEW.started_at IS DISTINCT FROM OLD.started_at
       OR (OLD.fired_at IS NOT NULL AND NEW.fired_at IS NULL)
       OR (OLD.paused_at IS NOT NULL AND NEW.paused_at IS NULL) THEN
        NEW.rung_next := NULL;
        NEW.rung_at := NULL;
    END IF;
    RETURN NEW;
END $$;

-- The return rate counts the dispatches to an owner made in a period and
-- which of them the unit returned (the dispatch a return ended is the last
-- owner or manual assignment before it): assignments by creation time,
-- covering, so the period's are read without visiting the table.
CREATE INDEX assignments_dispatched ON assignments (created_at) INCLUDE (complaint_id, unit_id, role)
    WHERE role IN ('owner', 'manual');
