-- 024_dashboard_sets.sql — the bulletin's overdue list read unit by unit, and
-- which complaints are for discipline inspection asked of many at once.
--
-- complaints_for_discipline(ids): of the orders ids, the complaints only
-- discipline inspection may read, by the rule of migration 013 (unchanged)
-- in one query over the set. complaint_for_discipline(c) is now that set of
-- one, so the rule is written here only (the pattern of 022). PostgreSQL
-- cannot inline a SQL function whose body holds a subquery, so the list of
-- 2,000 orders that filtered by the function paid its call once per row
-- (20-30 µs each over 10M orders); it now asks once for the whole list.
--
-- report_overdue_days_unit: a unit's stored rows of a week, so that the list,
-- which keeps the first 2,000 rows in the order of the units, reads the rows
-- of the first units only instead of sorting and joining a week of every unit
-- (some 58,000 rows over 10M orders).

CREATE FUNCTION complaints_for_discipline(c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT c.id FROM complaints c
     WHERE c.id = ANY (c_ids)
       AND (c.category = 'conduct'
            OR EXISTS (SELECT 1 FROM category_aliases ca
                        WHERE ca.hotline_name = c.category_raw AND ca.category_code = 'conduct')
            OR EXISTS (SELECT 1 FROM complaints p WHERE p.id = c.parent_id AND p.category = 'conduct')
            OR EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id
                        WHERE a.complaint_id IN (c.id, c.parent_id) AND u.kind = 'discipline'))
$$;

CREATE OR REPLACE FUNCTION complaint_for_discipline(c complaints) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM complaints_for_discipline(ARRAY[c.id]))
$$;

CREATE INDEX report_overdue_days_unit ON report_overdue_days (unit_id, day);
