-- 004_escalation.sql — the escalation ladder, the clock it fires by, pattern
-- alerts and webhook deliveries.
--
-- The ladder of a deadline: remind the unit at a share of its (working) time,
-- supervise at the deadline (district campaign office), accountability alert
-- to discipline inspection at the deadline + N working days. A deadline's
-- next rung and when it falls due are kept on the deadline itself
-- (rung_next, rung_at): NULL rung_next means not planned yet, 'done' means the
-- ladder ended; fired_at is set then too, so "pending" stays fired_at IS NULL.

-- One row per (category, urgency); NULL matches any. The most specific row wins.
CREATE TABLE esc_ladder (
    category            text,
    urgency             text,
    remind_share        real NOT NULL DEFAULT 0.75 CHECK (remind_share >= 0 AND remind_share <= 1),
    accountability_days integer NOT NULL DEFAULT 2 CHECK (accountability_days >= 0)
);
CREATE UNIQUE INDEX esc_ladder_key ON esc_ladder (coalesce(category, ''), coalesce(urgency, ''));
INSERT INTO esc_ladder (category, urgency) VALUES (NULL, NULL);

-- The clock escalation fires by: the database clock plus an offset that is 0
-- in production and moved forward by tests and drills (no sleeping for days).
CREATE TABLE esc_clock (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offset_seconds double precision NOT NULL DEFAULT 0
);
INSERT INTO esc_clock DEFAULT VALUES;
CREATE FUNCTION esc_now() RETURNS timestamptz LANGUAGE sql STABLE AS
    $$ SELECT now() + make_interval(secs => (SELECT offset_seconds FROM esc_clock)) $$;

ALTER TABLE deadlines ADD COLUMN rung_next text
    CHECK (rung_next IN ('remind', 'supervise', 'accountability', 'done'));
ALTER TABLE deadlines ADD COLUMN rung_at timestamptz;
CREATE INDEX deadlines_unplanned ON deadlines (id) WHERE fired_at IS NULL AND rung_next IS NULL;
CREATE INDEX deadlines_open ON deadlines (id) WHERE fired_at IS NULL;
CREATE INDEX deadlines_paused ON deadlines (complaint_id) WHERE paused_at IS NOT NULL;
CREATE INDEX deadlines_due ON deadlines (due_at);

-- Where a unit's alerts are POSTed (JSON); NULL: escalation.webhook_url.
ALTER TABLE units ADD COLUMN webhook_url text;

-- Alerts: ladder rungs (remind, supervise, accountability) and patterns
-- (repeat, rebound, bounce, unit_overdue). subject tells alerts of one order
-- and cycle apart: the deadline kind for rungs, '' for order patterns, and
-- 'unit:<id>:<week>' for unit_overdue (which has no order). orders: the
-- orders behind the alert. due_at: when the rung fell due; clock_at:
-- esc_now() when it was raised (never before due_at).
ALTER TABLE alerts DROP CONSTRAINT alerts_complaint_id_rung_cycle_key;
ALTER TABLE alerts ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN target_unit_id integer REFERENCES units(id);
ALTER TABLE alerts ADD COLUMN orders bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN due_at timestamptz;
ALTER TABLE alerts ADD COLUMN clock_at timestamptz;
CREATE UNIQUE INDEX alerts_once ON alerts (coalesce(complaint_id, 0), rung, cycle, subject);
CREATE INDEX alerts_complaint ON alerts (complaint_id);   -- an order's alerts (reports, jiesu show)
CREATE INDEX alerts_open ON alerts (id) WHERE acked_at IS NULL;

-- One delivery per alert and webhook; pending until a 2xx answer, failed
-- after escalation.webhook_max_attempts, never deleted.
CREATE TABLE deliveries (
    id           bigserial PRIMARY KEY,
    alert_id     bigint NOT NULL REFERENCES alerts(id),
    url          text NOT NULL,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    last_status  integer,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (alert_id, url)
);
CREATE INDEX deliveries_pending ON deliveries (next_at) WHERE state = 'pending';

-- For the pattern detectors.
CREATE INDEX complaints_place ON complaints (category, address, called_at);
CREATE INDEX complaint_events_bounce ON complaint_events (complaint_id) WHERE event IN ('returned', 'reopened');

-- A deadline routing restarts (re-dispatched after a return: new started_at,
-- fired_at cleared) or resumes (paused_at cleared, due_at moved) climbs its
-- ladder again from a fresh plan: escalation re-plans it within a second.
-- Rungs that already fired in this cycle stay single through alerts_once.
CREATE FUNCTION deadlines_replan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.started_at IS DISTINCT FROM OLD.started_at
       OR (OLD.fired_at IS NOT NULL AND NEW.fired_at IS NULL)
       OR (OLD.paused_at IS NOT NULL AND NEW.paused_at IS NULL) THEN
        NEW.rung_next := NULL;
        NEW.rung_at := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deadlines_replan BEFORE UPDATE ON deadlines
    FOR EACH ROW EXECUTE FUNCTION deadlines_replan();
