-- 029: one rule for what a complaint about officials' conduct is.
--
-- Until now two rules said it. The one every read by a person applied
-- (principal_seen, 022) counted an order as conduct while its category was
-- 'conduct' or discipline inspection held it; the one the public view and
-- the bulletin applied (complaint_for_discipline, 013/024) also counted every
-- order discipline inspection ever held, in any cycle, and every order merged
-- into such a one. Between them lay a real path to the office a complaint
-- accuses: a dispatcher gives an order to discipline inspection by hand
-- (its category unchanged), discipline inspection returns it, and routing,
-- reading the text again, gives it to a street office — which then read it,
-- with discipline inspection in its history; the assignment guard (010) let
-- it through, since it asked only the category.
--
-- conduct_of(c, p): order c (p: the order it was merged into, or NULL) is a
-- complaint about conduct:
--   of category conduct (or one of its sub-categories), or a letter's conduct
--   part (link_id: the '<ticket>-J' order routing splits off), or ever held
--   by discipline inspection, in any cycle, by any path; or merged into an
--   order that is one of these.
-- It is the one rule. conduct_among(ids) asks it of a set of orders: who may
-- read an order (principal_seen), the assignment guard and escalation's
-- target for a campaign alert read that; routing's load, which reads each
-- order and its parent anyway, asks conduct_of itself (a simple expression
-- PostgreSQL inlines: the set form cost a small batch 0.2 ms of planning,
-- 0.6 ms of POST → dispatched at 1,000 requests/s). Once
-- discipline inspection has held an order, only discipline inspection holds
-- it again.
--
-- What the public and the bulletin leave out (complaints_for_discipline) is
-- that, and also any order the hotline itself labelled as conduct
-- (category_aliases), whatever routing made of it: the public may see less
-- than the people who handle orders, never more.

-- complaints.discipline_held: discipline inspection has held the order (an
-- assignment to a discipline inspection unit, active or not, exists). The
-- assignment guard below sets it in the statement that adds the assignment,
-- and assignments are never deleted, so it says what the assignments say;
-- it is kept on the order because every read of a list, every routing batch
-- and every firing of alerts asks it of hundreds or thousands of orders at
-- once, where a probe into the assignments per order cost routing ~8% of its
-- speed (1.5–2 ms a batch of 500).
ALTER TABLE complaints ADD COLUMN discipline_held boolean NOT NULL DEFAULT false;
UPDATE complaints c SET discipline_held = true
 WHERE EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id
                WHERE a.complaint_id = c.id AND u.kind = 'discipline');

CREATE FUNCTION conduct_of(c complaints, p complaints) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(c.category = 'conduct' OR c.category LIKE 'conduct.%' OR c.link_id IS NOT NULL OR c.discipline_held
                    OR p.category = 'conduct' OR p.category LIKE 'conduct.%' OR p.link_id IS NOT NULL
                    OR p.discipline_held, false)
$$;

CREATE FUNCTION conduct_among(c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT c.id FROM complaints c LEFT JOIN complaints p ON p.id = c.parent_id
     WHERE c.id = ANY (c_ids) AND conduct_of(c, p)
$$;

CREATE OR REPLACE FUNCTION principal_seen(p_id integer, c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT o.id
      FROM (SELECT p.role, p.unit_id, unit_district(u) AS district
              FROM principals p LEFT JOIN units u ON u.id = p.unit_id
             WHERE p.id = p_id AND p.disabled_at IS NULL) me
      CROSS JOIN LATERAL (
            SELECT c.id,
                   c.id IN (SELECT k.id FROM conduct_among(c_ids) k(id)) AS conduct,
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

CREATE OR REPLACE FUNCTION complaints_for_discipline(c_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT k.id FROM conduct_among(c_ids) k(id)
    UNION
    SELECT c.id FROM complaints c JOIN category_aliases ca ON ca.hotline_name = c.category_raw
     WHERE c.id = ANY (c_ids) AND ca.category_code = 'conduct'
$$;

-- The guard of 010, asking the one rule: a conduct complaint goes to
-- discipline inspection only, and no order goes to a unit it accuses. Its
-- refusal reaches the dispatcher (workbench, `jiesu dispatch`): in Chinese.
-- It also marks the orders given to discipline inspection (discipline_held).
CREATE OR REPLACE FUNCTION assignments_conduct_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    conduct bigint[] := ARRAY(SELECT k.id FROM conduct_among(ARRAY(SELECT DISTINCT complaint_id FROM added
                                                                  WHERE active)) k(id));
BEGIN
    SELECT c.ticket_no, u.name, (a.category = 'conduct' OR a.complaint_id = ANY (conduct)) AND u.kind <> 'discipline'
           AS conduct
      INTO bad
      FROM added a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
     WHERE a.active
       AND ((a.category = 'conduct' OR a.complaint_id = ANY (conduct)) AND u.kind <> 'discipline'
            OR u.code = ANY (c.accused_units))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%', CASE WHEN bad.conduct
            THEN format('工单 %s 是干部作风问题投诉，只能由纪委监委办理，不能交给%s', bad.ticket_no, bad.name)
            ELSE format('工单 %s 投诉了%s，不能交给被投诉单位办理', bad.ticket_no, bad.name) END
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE complaints SET discipline_held = true
     WHERE id IN (SELECT a.complaint_id FROM added a JOIN units u ON u.id = a.unit_id WHERE u.kind = 'discipline')
       AND NOT discipline_held;
    RETURN NULL;
END $$;
