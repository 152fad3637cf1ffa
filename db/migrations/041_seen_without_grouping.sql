-- 041: principal_seen reads, for each order, only what the reader's role
-- asks of it.
--
-- The rule is unchanged (migrations 010, 022, 029): discipline inspection
-- reads every order of its district, conduct complaints included; nobody
-- else reads a conduct complaint; a handler reads the orders its unit holds
-- (owner or co-handler, active); a campaign office the orders of its
-- district; the dispatcher, the callback agent and the clerk every other
-- order; the administrator, services and disabled principals none.
--
-- 029's form read the orders twice (once for conduct_among) and joined and
-- grouped every active assignment of every order to know its district and
-- whether the unit held it, whatever the reader: a street office's list of
-- its 5,000 open orders spent more time there than reading the orders
-- (`make bench BENCH=web`). Now each role's branch reads what it needs, the
-- other's not at all (its condition on the reader alone is checked once):
-- the dispatcher, callback agent and clerk the orders and their merged
-- parents (conduct_of), a handler besides one probe of its unit's active
-- assignment per order, discipline inspection and campaign offices the
-- orders' assignments grouped for their district, as before.

CREATE OR REPLACE FUNCTION principal_seen(p_id integer, c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    WITH me AS (SELECT p.role, p.unit_id, unit_district(u) AS district
                  FROM principals p LEFT JOIN units u ON u.id = p.unit_id
                 WHERE p.id = p_id AND p.disabled_at IS NULL)
    -- the dispatcher, the callback agent, the clerk: every order but a
    -- conduct complaint; a handler: of those, the ones its unit holds
    SELECT o.id FROM me CROSS JOIN LATERAL (
            SELECT c.id FROM complaints c LEFT JOIN complaints pa ON pa.id = c.parent_id
             WHERE me.role IN ('dispatcher', 'callback', 'clerk', 'handler')
               AND c.id = ANY (c_ids) AND NOT conduct_of(c, pa)
               AND (me.role <> 'handler' OR EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = c.id
                                                       AND a.active AND a.unit_id = me.unit_id))) o
    UNION ALL
    -- discipline inspection: every order of its district; a campaign
    -- office: of those, all but conduct complaints. An order's district:
    -- that of its latest active assignment other than a co-handler's (the
    -- street's, else its unit's region).
    SELECT o.id FROM me CROSS JOIN LATERAL (
            SELECT c.id, conduct_of(c, pa) AS conduct,
                   (array_agg(left(coalesce(a.street_code, au.region_code), 6) ORDER BY a.id DESC)
                        FILTER (WHERE a.role <> 'co'))[1] AS district
              FROM complaints c LEFT JOIN complaints pa ON pa.id = c.parent_id
              LEFT JOIN assignments a ON a.complaint_id = c.id AND a.active
              LEFT JOIN units au ON au.id = a.unit_id
             WHERE me.role IN ('discipline', 'campaign') AND c.id = ANY (c_ids)
             GROUP BY c.id, pa.id) o
     WHERE me.district IS NOT DISTINCT FROM o.district AND (me.role = 'discipline' OR NOT o.conduct)
$$;
