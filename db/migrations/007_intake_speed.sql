-- 007_intake_speed.sql — two per-row checks a bulk import cannot afford.
--
-- Moving a 50,000-row batch from staging into complaints (with its
-- 'imported' events) took 1.15 s, of which 0.32 s were the referential
-- integrity triggers of these two foreign keys: one check per complaint for
-- its import, one per event for its complaint. Neither can fail: every
-- complaints.import_id is the id of the import row intake created and
-- committed before its first batch, and every complaint_events.complaint_id
-- comes from the complaint row the same statement inserted, locked or
-- joined (no code path deletes a complaint or an import, and
-- complaint_events refuses UPDATE and DELETE). The other keys (assignments,
-- deadlines, alerts → complaints; units, regions) stay: they are written
-- one order at a time or in routing batches, where the check costs little.
ALTER TABLE complaints DROP CONSTRAINT complaints_import_id_fkey;
ALTER TABLE complaint_events DROP CONSTRAINT complaint_events_complaint_id_fkey;
