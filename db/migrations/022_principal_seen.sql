-- 022: who may read an order, for many orders at once. principal_seen(p,
-- ids) is the rule of migration 010 written over a set: of the orders ids,
-- the ones principal p may read, in one pass of joins over assignments and
-- units (a page of thousands of orders asks once, not once per order).
-- principal_sees(p, order) is now that set of one, so the rule is written
-- here only. The rule, unchanged:
--   discipline inspection: every order of its district (the office kept for
--     orders whose district is not known: those), conduct complaints included;
--   nobody else ever sees a conduct complaint;
--   a handler: the orders its unit holds (owner or co-handler, active);
--   a campaign office: the orders of its district (likewise);
--   dispatcher, callback agent, clerk: every other order;
--   admin, services and disabled principals: none (services act as themselves).
-- An order's district: that of its latest active assignment other than a
-- co-handler's (the street's, else its unit's region); a conduct complaint:
-- of category 'conduct' or held by discipline inspection.

CREATE FUNCTION principal_seen(p_id integer, c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT o.id
      FROM (SELECT p.role, p.unit_id, unit_district(u) AS district
              FROM principals p LEFT JOIN units u ON u.id = p.unit_id
             WHERE p.id = p_id AND p.disabled_at IS NULL) me
      CROSS JOIN LATERAL (
            SELECT c.id,
                   c.category = 'conduct' OR coalesce(bool_or(au.kind = 'discipline'), false) AS conduct,
                   (array_agg(left(coalesce(a.street_code, au.region_code), 6) ORDER BY a.id DESC)
                        FILTER (WHERE a.role <> 'co'))[1] AS district,
                   coalesce(bool_or(a.unit_id = me.unit_id), false) AS held
              FROM complaints c
              LEFT JOIN assignments a ON a.complaint_id = c.id AND a.active
              LEFT JOIN units au ON au.id = a.unit_id
             WHERE c.id = ANY (c_ids)
             GROUP BY c.id) o
     WHERE CASE
            WHEN me.role = 'discipline' THEN me.district IS NOT DISTINCT FROM o.district
            WHEN o.conduct THEN false
            WHEN me.role = 'handler' THEN o.held
            WHEN me.role = 'campaign' THEN me.district IS NOT DISTINCT FROM o.district
            ELSE me.role IN ('dispatcher', 'callback', 'clerk') END
$$;

CREATE OR REPLACE FUNCTION principal_sees(p_id integer, c_id bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM principal_seen(p_id, ARRAY[c_id]))
$$;
