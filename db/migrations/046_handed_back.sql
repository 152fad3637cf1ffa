-- 046_handed_back.sql — an order that is not this district's business goes
-- back to the city hotline.
--
-- An order whose address is in another district (黄岛区 when the system
-- serves 崂山区), or a matter no unit here handles, lands in the manual queue
-- and could never leave it: a dispatcher could only dispatch to a unit here.
-- The dispatcher now hands it back (`jiesu handback`, the order page's
-- 退回热线), with a reason, and the order ends in its own final status,
-- handed_back (已退回热线): no unit holds it, no report charges one with it,
-- and it is no longer waiting anywhere (the queue, the wall board's
-- 待人工派单, the per-street summary). Its event is 'handed_back', the
-- dispatcher as actor and the reason in its detail.
ALTER TABLE complaints DROP CONSTRAINT complaints_status_check;
ALTER TABLE complaints ADD CONSTRAINT complaints_status_check
    CHECK (status IN ('new', 'manual', 'dispatched', 'accepted', 'waiting', 'returned', 'resolved', 'closed',
                      'handed_back'));

-- The bulletin's hot spots count every order called in the week once in
-- each list; an order handed back is in neither 待人工派单 nor 尚未派单 (it
-- was counted there, as not routed: no owner, not manual) but in a row of
-- its own, 已退回热线. report_hot_days keeps whether it is (no order was
-- handed back before this migration: false is every stored row's truth).
ALTER TABLE report_hot_days ADD COLUMN handed_back boolean NOT NULL DEFAULT false;

DROP FUNCTION report_hot_facts(date[], text);
-- The rows of report_hot_days for the given days (local dates in tz), in
-- its columns' order.
CREATE FUNCTION report_hot_facts(days date[], tz text)
RETURNS TABLE (day date, manual boolean, cat text, category_raw text, unit_id integer, community_code text,
               street_code text, n bigint, handed_back boolean)
LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
AS $$
BEGIN
    PERFORM report_days_joins(cardinality(days));
    RETURN QUERY EXECUTE $q$
SELECT b.day, c.status = 'manual', coalesce(c.category, al.category_code), c.category_raw,
       coalesce(oa.unit_id, pa.unit_id), coalesce(oa.community_code, pa.community_code),
       coalesce(oa.street_code, pa.street_code), count(*), c.status = 'handed_back'
FROM report_day_bounds($1, $2) b
JOIN complaints c ON c.called_at >= b.t0 AND c.called_at < b.t1
LEFT JOIN category_aliases al ON c.category IS NULL AND al.hotline_name = c.category_raw
LEFT JOIN assignments oa ON oa.complaint_id = c.id AND oa.active AND oa.role = 'owner'
LEFT JOIN assignments pa ON oa.unit_id IS NULL AND pa.complaint_id = c.parent_id AND pa.active AND pa.role = 'owner'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 9
$q$ USING days, tz;
END $$;
