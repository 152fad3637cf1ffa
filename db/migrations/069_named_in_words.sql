-- 069_named_in_words.sql — a place and a unit's code named in words, as
-- people know them, where an order's page and `jiesu show` name them.
--
--   region_names            every city, district and street of data/regions,
--                           loaded or not, by code: its name (`jiesu migrate`
--                           fills it beside regions, services/cli/cli_seed.c);
--                           routing reads a loaded district's city there
--   region_named(code)      a loaded district, street or community by its
--                           name, with its district's when a place of the same
--                           level in another loaded district has the same name
--                           (市中街道（乐陵市）, as `jiesu migrate` names its street
--                           office): the 地点 of a decision, which was 市中街道
--                           whichever of the two was meant. A street not loaded
--                           is named with its district always (中韩街道（崂山区）);
--                           NULL for a code nothing is known of.
--   unit_code_named(code)   what a unit code names, for a code no unit has: a
--                           street or district by region_named, a district's
--                           department (<district>.<kind>) by the district's
--                           name and the kind's (崂山区公安分局), its discipline
--                           inspection or campaign office so too; NULL when
--                           nothing is known of it. The 被投诉单位 of a conduct
--                           complaint named such a unit by its code
--                           (370212001（没有登记为单位）, 370212.gongan…).
--
-- The names routing gives a unit it lacks (065) are read by the same function,
-- so a street office of a name two districts have is named there with its
-- district too (系统中还没有市中街道（乐陵市）这个单位).

CREATE TABLE region_names (
    code text PRIMARY KEY,          -- NBS code: 4 (city), 6 (district) or 9 (street) digits
    name text NOT NULL
);

CREATE FUNCTION region_named(region text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    RETURN coalesce(
        (SELECT r.name || CASE WHEN EXISTS (SELECT 1 FROM regions o
                                             WHERE o.level = r.level AND o.name = r.name
                                               AND left(o.code, 6) <> left(r.code, 6))
                               THEN coalesce('（' || d.name || '）', '') ELSE '' END
           FROM regions r LEFT JOIN regions d ON d.code = left(r.code, 6) AND d.level = 'district'
          WHERE r.code = region),
        (SELECT n.name || coalesce('（' || d.name || '）', '')
           FROM region_names n LEFT JOIN region_names d ON d.code = left(n.code, 6) AND d.code <> n.code
          WHERE n.code = region));
END $$;

CREATE FUNCTION unit_code_named(unit text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
DECLARE
    district text := split_part(unit, '.', 1);
    kind text := split_part(unit, '.', 2);
BEGIN
    IF kind = '' THEN
        RETURN coalesce(region_named(unit), CASE unit WHEN 'discipline' THEN '区纪委监委' WHEN 'campaign' THEN '区创城办' END);
    END IF;
    RETURN coalesce((SELECT n.name FROM region_names n WHERE n.code = district),
                    (SELECT r.name FROM regions r WHERE r.code = district), '')
        || coalesce((SELECT k.name FROM dept_kinds k WHERE k.code = kind),
                    CASE kind WHEN 'discipline' THEN '纪委监委' WHEN 'campaign' THEN '创城办' END);
END $$;

CREATE OR REPLACE FUNCTION route_owner_named(unit text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    RETURN coalesce(unit_code_named(unit), '承办的街道办事处');
END $$;

CREATE OR REPLACE FUNCTION route_co_named(unit text, of_category text) RETURNS text
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    RETURN '主管“' || coalesce((SELECT k.name FROM categories k WHERE k.code = of_category), of_category) || '”的'
        || coalesce(unit_code_named(unit), '部门');
END $$;
