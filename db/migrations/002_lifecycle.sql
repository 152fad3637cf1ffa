-- 002_lifecycle.sql — the full life of an order, shared by routing, escalation and reporting.
--
-- Statuses: new → dispatched (or manual) → accepted → resolved → closed, with
-- waiting (the unit waits for the citizen; the clock stops) and returned (the
-- unit gave the order back; it is re-routed). A callback the citizen is not
-- satisfied with reopens the order: status back to dispatched, cycle + 1, and
-- every deadline and alert of the new cycle is new.
ALTER TABLE complaints DROP CONSTRAINT complaints_status_check;
ALTER TABLE complaints ADD CONSTRAINT complaints_status_check
    CHECK (status IN ('new', 'manual', 'dispatched', 'accepted', 'waiting', 'returned', 'resolved', 'closed'));
ALTER TABLE complaints ADD COLUMN cycle integer NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN category text;            -- category code decided by routing
ALTER TABLE complaints ADD COLUMN parent_id bigint REFERENCES complaints(id);  -- merged repeat: its parent order
CREATE INDEX complaints_open ON complaints(status)
    WHERE status IN ('dispatched', 'accepted', 'waiting', 'returned');

-- A deadline runs for one unit from started_at; paused_seconds is working time
-- the clock stood still (waiting, returned) and is added to due_at on resume.
ALTER TABLE deadlines ADD COLUMN started_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE deadlines ADD COLUMN unit_id integer REFERENCES units(id);
ALTER TABLE deadlines ADD COLUMN paused_at timestamptz;
ALTER TABLE deadlines ADD COLUMN met_at timestamptz;        -- when the order was accepted (accept) or resolved (resolve)
