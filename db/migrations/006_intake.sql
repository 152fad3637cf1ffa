-- 006_intake.sql — intake: numbers for complaints that arrive one at a time
-- over HTTP (Open311 GeoReport v2 POST /requests.json).
--
-- The hotline numbers its own orders; a complaint filed over HTTP gets
-- 'W' || local date || a seven-digit number from this sequence
-- (W202612020000001), which cannot collide with the hotline's all-digit numbers.
CREATE SEQUENCE intake_web_ticket_seq;
