-- 042: an alert keeps the note it was acknowledged with.
--
-- The note went only into the order's history (the 'acked' event), so an
-- alert about no order — a unit's overdue rate (unit_overdue), which goes to
-- discipline inspection — lost it: the inspector was told the alert was
-- acknowledged and what they wrote was stored nowhere. It is kept on the alert
-- now, for every alert, and `jiesu alerts` shows it beside who acknowledged.
ALTER TABLE alerts ADD COLUMN ack_note text;
