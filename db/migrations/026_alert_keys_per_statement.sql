-- 026_alert_keys_per_statement.sql — the keys of alerts and their deliveries
-- checked once per statement, with their locks, as 025 does for routing.
--
-- Escalation raises its alerts in batches of up to a few thousand, each
-- batch one statement that also stores their deliveries. The four foreign
-- keys of alerts (→ complaints, deadlines, units twice) and the one of
-- deliveries (→ alerts) ran one query per row and key: 38% of a raise of
-- 2,000 alerts (README, Escalation). They are now declared by 025's
-- check_key(): checked after each INSERT statement and after an UPDATE that
-- changes a key, and a parent row named by one of them refused its delete.
ALTER TABLE alerts DROP CONSTRAINT alerts_complaint_id_fkey,
                   DROP CONSTRAINT alerts_deadline_id_fkey,
                   DROP CONSTRAINT alerts_unit_id_fkey,
                   DROP CONSTRAINT alerts_target_unit_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_alert_id_fkey;

SELECT check_key('alerts', 'complaint_id', 'complaints', 'id');
SELECT check_key('alerts', 'deadline_id', 'deadlines', 'id');
SELECT check_key('alerts', 'unit_id', 'units', 'id');
SELECT check_key('alerts', 'target_unit_id', 'units', 'id');
SELECT check_key('deliveries', 'alert_id', 'alerts', 'id');
