-- 037: the events watermark answers NULL when busy, instead of failing.
--
-- report_events_watermark() waits the caller's lock_timeout for the SHARE
-- lock on complaint_events (no transaction that inserted events still open).
-- While an import's batch was open it failed with "canceling statement due
-- to lock timeout": an ERROR in PostgreSQL's log every time a report round
-- met a writer, the expected and retried case written beside real faults.
-- The timeout is now caught here and answered as NULL (busy: the reporting
-- service tries again at its next round); nothing else changes.
CREATE OR REPLACE FUNCTION report_events_watermark() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    BEGIN
        LOCK TABLE complaint_events IN SHARE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RETURN NULL;
    END;
    RETURN (SELECT coalesce(max(id), 0) FROM complaint_events);
END $$;
