-- 074_holds_by_time.sql — what the bulletin's 暂缓与延期 reads of a week, found
-- by time instead of by reading every hold ever recorded.
--
-- A hold (暂缓办理) within a week is one begun in it (complaint_events
-- 'waiting' by event and time, an index since 005) or one begun before and
-- still on at the week's start: its order left 暂缓办理 at or after that
-- start (the events whose detail.from is 'waiting', indexed here by time),
-- or waits still (complaints_open). Reading every 'waiting' event up to the
-- week's end, as the section did first, took 3.6 s of a 3.7 s bulletin over
-- the report benchmark's 10M orders and 400,000 holds.
CREATE INDEX complaint_events_left_waiting ON complaint_events (at) WHERE detail->>'from' = 'waiting';

-- The requests for more time asked or decided in a period.
CREATE INDEX extension_requests_asked ON extension_requests (requested_at);
CREATE INDEX extension_requests_decided ON extension_requests (decided_at) WHERE decided_at IS NOT NULL;
