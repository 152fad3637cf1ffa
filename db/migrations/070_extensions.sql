-- 070_extensions.sql — a unit's request for more time (申请延期) and the
-- decision on it (README.md, "Extensions").
--
-- The unit that owns an order it is handling (办理中) asks for a later 办结
-- deadline with a reason; a dispatcher (discipline inspection, for the
-- conduct complaints it holds, which no dispatcher reads) approves or
-- rejects it. One request waits per order at a time. An approval moves the
-- order's resolve deadline of its cycle to due_to in the decision's
-- transaction (services/assignment/route_extend.c) and sends it back to
-- escalation's planning, so its ladder follows the new time; a rejection
-- changes nothing but this row. Every request and decision is also an event
-- of the order (extension_requested, extension_approved, extension_rejected)
-- by the person who made it.
CREATE TABLE extension_requests (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints(id),
    cycle        integer NOT NULL,
    unit_id      integer NOT NULL REFERENCES units(id),   -- the owner unit that asked
    requested_by text NOT NULL,                           -- principals.name
    requested_at timestamptz NOT NULL DEFAULT now(),
    due_from     timestamptz NOT NULL,                    -- the 办结 deadline when asked
    due_to       timestamptz NOT NULL CHECK (due_to > due_from),
    reason       text NOT NULL CHECK (reason <> ''),
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected', 'lapsed')),
    decided_by   text,                                    -- principals.name; NULL: pending or lapsed
    decided_at   timestamptz,                             -- the decision, or when it lapsed
    note         text NOT NULL DEFAULT '',                -- the decision's 说明, a rejection's reason
    lapsed_with  text,                                    -- lapsed: the status the order moved to
    CHECK ((state = 'pending') = (decided_at IS NULL)),
    CHECK ((state IN ('approved', 'rejected')) = (decided_by IS NOT NULL)),
    CHECK (state <> 'rejected' OR note <> '')
);
CREATE UNIQUE INDEX extension_requests_one_pending ON extension_requests (complaint_id) WHERE state = 'pending';
CREATE INDEX extension_requests_order ON extension_requests (complaint_id, id);
CREATE INDEX extension_requests_unit ON extension_requests (unit_id, id);

-- A request waits only while its order is in its unit's hands: once the
-- order leaves 办理中 and 暂缓办理 (resolved, returned, reassigned — which
-- dispatches it anew —, handed back) nobody decides it any more and it
-- lapses, saying to what status the order moved. The WHEN clause keeps the
-- trigger off routing's and escalation's bulk updates of other statuses.
CREATE FUNCTION extension_requests_lapse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE extension_requests SET state = 'lapsed', decided_at = now(), lapsed_with = NEW.status
     WHERE complaint_id = NEW.id AND state = 'pending';
    RETURN NULL;
END $$;
CREATE TRIGGER extension_requests_lapse AFTER UPDATE OF status ON complaints
    FOR EACH ROW WHEN (OLD.status IN ('accepted', 'waiting') AND NEW.status NOT IN ('accepted', 'waiting'))
    EXECUTE FUNCTION extension_requests_lapse();
