-- 083_extension_ladder.sql — a deadline moved by an approved request for
-- more time (申请延期, migration 070) climbs its ladder again against the new
-- time, and its alerts say so (README.md, "Extensions").
--
--   extended_from   the 办结 deadline before the approval
--   extended_to     the deadline the approval set (a pause since moves
--                   due_at on, not this)
--   extended_at     the approval, on escalation's clock (esc_now())
--
-- Set by the approval (services/assignment/route_extend.c), for the order
-- and the repeats merged into it that move with it. Escalation raises the
-- rungs of such a deadline under their own key (alerts.subject
-- 'resolve:extended:<extended_to, Unix seconds>'), so a rung raised at the
-- old time is raised again at the new one, once per deadline; their reasons
-- name the extension, from when to when; a remind whose time under the new
-- deadline came before the approval is not raised at it. Before, the alerts'
-- unique key (order, rung, cycle, subject 'resolve') took the new rung for
-- the old one: a 督办 raised at the old deadline was never raised at the new
-- one, and an order still unresolved then went past it with no alert.
--
-- A new start (started_at changed: the order dispatched anew) gives the
-- deadline its time afresh: the extension no longer applies and is cleared,
-- as the pauses it counted are (deadlines_replan, migration 012).
ALTER TABLE deadlines ADD COLUMN extended_from timestamptz,
                      ADD COLUMN extended_to timestamptz,
                      ADD COLUMN extended_at timestamptz;

CREATE OR REPLACE FUNCTION deadlines_replan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.started_at IS DISTINCT FROM OLD.started_at THEN
        NEW.paused_seconds := 0;
        NEW.extended_from := NULL;
        NEW.extended_to := NULL;
        NEW.extended_at := NULL;
    END IF;
    IF NEW.started_at IS DISTINCT FROM OLD.started_at
       OR (OLD.fired_at IS NOT NULL AND NEW.fired_at IS NULL)
       OR (OLD.paused_at IS NOT NULL AND NEW.paused_at IS NULL) THEN
        NEW.rung_next := NULL;
        NEW.rung_at := NULL;
    END IF;
    RETURN NEW;
END $$;
