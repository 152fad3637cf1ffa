-- 026_alert_keys_per_statement.sql — the keys of alerts and their deliveries
-- checked once per statement, with their locks, as 025 does for routing.
--
-- Escalation raises its alerts in batches of up to a few thousand, each
-- batch one statement that also stores their deliveries. The four foreign
-- keys of alerts (→ complaints, deadlines, units twice) and the one of
-- deliveries (→ alerts) ran one query per row and key: 38% of a raise of
-- 2,000 alerts (README, Escalation). They are now checked by 025's
-- functions: keys_present after each INSERT statement, key_present after an
-- UPDATE that changes a key, keys_unreferenced before a parent row goes
-- (its triggers on complaints and units are made again with alerts added).
ALTER TABLE alerts DROP CONSTRAINT alerts_complaint_id_fkey,
                   DROP CONSTRAINT alerts_deadline_id_fkey,
                   DROP CONSTRAINT alerts_unit_id_fkey,
                   DROP CONSTRAINT alerts_target_unit_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_alert_id_fkey;

CREATE TRIGGER alerts_complaint_present AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER alerts_deadline_present AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('deadline_id', 'deadlines', 'id');
CREATE TRIGGER alerts_unit_present AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('unit_id', 'units', 'id');
CREATE TRIGGER alerts_target_unit_present AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('target_unit_id', 'units', 'id');
CREATE TRIGGER deliveries_alert_present AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION keys_present('alert_id', 'alerts', 'id');

CREATE TRIGGER alerts_complaint_changed AFTER UPDATE ON alerts
    FOR EACH ROW WHEN (NEW.complaint_id IS DISTINCT FROM OLD.complaint_id)
    EXECUTE FUNCTION key_present('complaint_id', 'complaints', 'id');
CREATE TRIGGER alerts_deadline_changed AFTER UPDATE ON alerts
    FOR EACH ROW WHEN (NEW.deadline_id IS DISTINCT FROM OLD.deadline_id)
    EXECUTE FUNCTION key_present('deadline_id', 'deadlines', 'id');
CREATE TRIGGER alerts_unit_changed AFTER UPDATE ON alerts
    FOR EACH ROW WHEN (NEW.unit_id IS DISTINCT FROM OLD.unit_id)
    EXECUTE FUNCTION key_present('unit_id', 'units', 'id');
CREATE TRIGGER alerts_target_unit_changed AFTER UPDATE ON alerts
    FOR EACH ROW WHEN (NEW.target_unit_id IS DISTINCT FROM OLD.target_unit_id)
    EXECUTE FUNCTION key_present('target_unit_id', 'units', 'id');
CREATE TRIGGER deliveries_alert_changed AFTER UPDATE ON deliveries
    FOR EACH ROW WHEN (NEW.alert_id IS DISTINCT FROM OLD.alert_id)
    EXECUTE FUNCTION key_present('alert_id', 'alerts', 'id');

DROP TRIGGER complaints_unreferenced ON complaints;
DROP TRIGGER complaints_key_unreferenced ON complaints;
DROP TRIGGER units_unreferenced ON units;
DROP TRIGGER units_key_unreferenced ON units;
CREATE TRIGGER complaints_unreferenced BEFORE DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'complaint_id', 'deadlines', 'complaint_id',
                                                   'alerts', 'complaint_id');
CREATE TRIGGER complaints_key_unreferenced BEFORE UPDATE OF id ON complaints
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'complaint_id', 'deadlines', 'complaint_id',
                                       'alerts', 'complaint_id');
CREATE TRIGGER units_unreferenced BEFORE DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'unit_id', 'deadlines', 'unit_id',
                                                   'alerts', 'unit_id', 'alerts', 'target_unit_id');
CREATE TRIGGER units_key_unreferenced BEFORE UPDATE OF id ON units
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'assignments', 'unit_id', 'deadlines', 'unit_id',
                                       'alerts', 'unit_id', 'alerts', 'target_unit_id');
CREATE TRIGGER deadlines_unreferenced BEFORE DELETE ON deadlines
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'alerts', 'deadline_id');
CREATE TRIGGER deadlines_key_unreferenced BEFORE UPDATE OF id ON deadlines
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'alerts', 'deadline_id');
CREATE TRIGGER alerts_unreferenced BEFORE DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION keys_unreferenced('id', 'deliveries', 'alert_id');
CREATE TRIGGER alerts_key_unreferenced BEFORE UPDATE OF id ON alerts
    FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id)
    EXECUTE FUNCTION keys_unreferenced('id', 'deliveries', 'alert_id');
