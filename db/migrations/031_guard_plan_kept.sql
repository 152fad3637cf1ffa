-- 031: the assignment guard keeps the plans of its statements.
--
-- The guard's statements take the statement's orders as a parameter (030),
-- and PostgreSQL planned them again on every routing write: a plan made for
-- the values of a small batch is estimated cheaper than the plan kept for
-- any batch, though it is the same plan (an index scan by id), so the kept
-- one never won. pg_stat_statements at Open311's 1,000 POSTs a second:
-- 8,800 writes, conduct_among's statement planned 8,800 times, 0.20 ms each.
-- The guard now always uses the plan it keeps; what it refuses and marks is
-- unchanged. A migration replacing the function (CREATE OR REPLACE) drops
-- this setting: it must say SET plan_cache_mode = force_generic_plan again.

ALTER FUNCTION assignments_conduct_guard() SET plan_cache_mode = force_generic_plan;
