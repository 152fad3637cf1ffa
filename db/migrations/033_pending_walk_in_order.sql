-- 033: the reconciler's walk reads pending deadlines in id order by index,
-- whatever the table's statistics say.
--
-- Escalation re-arms every pending deadline a page at a time (esc_timers.c:
-- the next so many after the last id of the page before). On a table filled
-- faster than autovacuum analyzes it — routing a bulk import writes 1.5
-- million deadlines in 90 s — the planner has no statistics and takes the
-- default selectivity of "fired_at IS NULL" (0.5 %): it expected a few
-- hundred pending rows in all, read every pending deadline after the page's
-- start into a sort and kept the first thousand. Each page read ~250,000
-- rows (250 ms), so the walk grew with the square of the table: 34 s of
-- PostgreSQL's time in `make bench BENCH=pipeline`'s 102 s
-- (pg_stat_statements, auto_explain). The page is read by this function,
-- planned with sorting and bitmap scans priced out, so the only plan left
-- is the ordered scan of index deadlines_open, which stops after n rows:
-- 0.3 ms a page on the same rows.

CREATE FUNCTION deadlines_pending_after(after bigint, n int) RETURNS SETOF deadlines
LANGUAGE sql STABLE
SET enable_sort = off
SET enable_bitmapscan = off
AS $$
    SELECT * FROM deadlines WHERE fired_at IS NULL AND id > after ORDER BY id LIMIT n
$$;
