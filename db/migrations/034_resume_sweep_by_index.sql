-- 034: escalation's resume sweep finds the paused deadlines by their index,
-- whatever the table's statistics say.
--
-- Every sweep (esc_ladder.c) looks for deadlines paused while their order
-- waited or was returned and whose order has moved on, to restart their
-- clocks. Paused deadlines are few and have an index of their own
-- (deadlines_paused). On a table without statistics — routing a bulk
-- import fills deadlines faster than autovacuum analyzes it — the planner
-- takes 99.5 % of the rows for paused (the default for "IS NOT NULL") and
-- walked every deadline in id order looking for them: 140–170 ms a sweep at
-- 1.5 million deadlines, 11.8–14.4 s of PostgreSQL's time in runs of `make
-- bench BENCH=pipeline` (pg_stat_statements), each sweep finding none. The
-- sweep now takes the ids this function returns and looks them up by key. With
-- sequential and plain index scans priced out, the only plan left for it is
-- the bitmap scan of deadlines_paused, which holds the paused rows alone: the
-- sweep 0.5–2.4 ms on the same rows, statistics removed, and 6.9 ms finding
-- 1,000 to resume among 2,000 paused. JIT is off: the priced-out alternatives
-- inflate the estimates past its threshold (180 ms of compiling for a
-- statement that reads nothing).

CREATE FUNCTION deadlines_paused_ids() RETURNS SETOF bigint
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET jit = off
AS $$
    SELECT id FROM deadlines WHERE paused_at IS NOT NULL
$$;
