-- 008_request_keys.sql — a complaint filed over HTTP once, however often its
-- client retries.
--
-- An Open311 client that sent POST /requests.json and lost the answer (a
-- timeout, a dropped connection) cannot tell whether the complaint was
-- stored. Sent again with the same Idempotency-Key header, the request is
-- answered with the ticket number stored the first time instead of filing a
-- second complaint. The key is the client's (a UUID, say); NULL for
-- everything imported from files, which the hotline's ticket numbers make
-- idempotent already.
ALTER TABLE complaints ADD COLUMN request_key text;
CREATE UNIQUE INDEX complaints_request_key ON complaints (request_key) WHERE request_key IS NOT NULL;
