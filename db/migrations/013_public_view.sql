-- 013_public_view.sql — which complaints only discipline inspection may read.
--
-- A complaint about officials' conduct is for discipline inspection (纪委监委)
-- alone: the public Open311 view leaves it out (by list, by service_code and
-- by id alike) and the reports show it in counts only, never its ticket,
-- text, place or caller. A complaint is one when routing gave it the
-- category 'conduct', when the hotline's own category maps to 'conduct', when
-- it or the order it was merged into was ever assigned to a discipline
-- inspection unit (a dispatcher's hand included, in any cycle), or when the
-- order it was merged into is one.
CREATE FUNCTION complaint_for_discipline(c complaints) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(c.category = 'conduct', false)
        OR EXISTS (SELECT 1 FROM category_aliases ca
                    WHERE ca.hotline_name = c.category_raw AND ca.category_code = 'conduct')
        OR EXISTS (SELECT 1 FROM complaints p WHERE p.id = c.parent_id AND p.category = 'conduct')
        OR EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id
                    WHERE a.complaint_id IN (c.id, c.parent_id) AND u.kind = 'discipline')
$$;
