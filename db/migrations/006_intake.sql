-- 006_intake.sql — intake: numbers for complaints that arrive one at a time
-- over HTTP (Open311 GeoReport v2 POST /requests.json).
--
-- The hotline numbers its own orders; a complaint filed over HTTP gets
-- 'W' || local date || a seven-digit number from this sequence
-- (W202612020000001), which cannot collide with the hotline's all-digit numbers.
CREATE SEQUENCE intake_web_ticket_seq;

-- How far into its file a running import has read (bytes of the file), so
-- `jiesu import` can show progress and an ETA; 0 where unknown (XLSX).
ALTER TABLE imports ADD COLUMN bytes_read bigint NOT NULL DEFAULT 0;
