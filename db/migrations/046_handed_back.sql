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
