-- 040: an Open311 Idempotency-Key is its client's.
--
-- Keys were one namespace for every clerk (008): a gateway whose key happened
-- to be another's had its complaint of the same words taken for the other's
-- (answered with that ticket, never filed) and one of other words refused
-- naming the other's ticket. intake now stores a key after the name of the
-- clerk whose api_key sent it ('clerk-a 6f1c2a9e-…'; a key has no space), and
-- looks it up so. The keys stored before are given their clerk, the one the
-- complaint's 'imported' event names, so a retry sent across the upgrade
-- still finds its complaint.
UPDATE complaints c SET request_key = e.actor || ' ' || c.request_key
  FROM complaint_events e
 WHERE c.request_key IS NOT NULL AND position(' ' IN c.request_key) = 0
   AND e.complaint_id = c.id AND e.event = 'imported';
