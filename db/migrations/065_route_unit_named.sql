-- 065_route_unit_named.sql — a unit routing names but the units table lacks,
-- named as people know it, by two functions the routing write calls.
--
-- Routing's write (services/assignment/route_worker.c, SQL_WRITE) says so in
-- the reasons when a decision names an owner or a co-handler that has no
-- unit: 系统中还没有王哥庄街道这个单位，转人工派单; 系统中还没有主管“市容秩序”的
-- 崂山区综合行政执法局，不设协办单位. It looked the names up by scalar
-- subqueries in the statement. Those made PostgreSQL plan the statement anew
-- at every execution: a one-order write (Open311's, one at a time) is a
-- prepared statement, and the subqueries, costed for every row of the
-- arrays' unknown length, made its generic plan look dearer than planning
-- each time (pg_prepared_statements: 0 generic plans of 30, 1.4 ms an
-- execution against 0.33). As functions, costed at what they cost where they
-- run (only for the rare order whose unit is missing), the generic plan is
-- kept again.
--
--   route_owner_named(unit)        a street office by its street's name, a
--                                  district's discipline inspection
--                                  ("<district>.discipline") by the district's
--   route_co_named(unit, of_category) the department a category's co-handler
--                                  would be ("<district>.<kind>"), after the
--                                  category's name: 主管“市容秩序”的崂山区综合行政执法局

CREATE FUNCTION route_owner_named(unit text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    IF unit LIKE '%discipline' THEN
        RETURN coalesce((SELECT r.name FROM regions r WHERE r.code = split_part(unit, '.', 1)), '') || '纪委监委';
    END IF;
    RETURN coalesce((SELECT r.name FROM regions r WHERE r.code = unit), '承办的街道办事处');
END $$;

CREATE FUNCTION route_co_named(unit text, of_category text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    RETURN '主管“' || coalesce((SELECT k.name FROM categories k WHERE k.code = of_category), of_category) || '”的'
        || coalesce((SELECT r.name FROM regions r WHERE r.code = split_part(unit, '.', 1)), '')
        || coalesce((SELECT d.name FROM dept_kinds d WHERE d.code = split_part(unit, '.', 2)), '部门');
END $$;
