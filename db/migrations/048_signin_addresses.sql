-- 048_signin_addresses.sql — failed sign-ins to the pages counted per client
-- address, across accounts.
--
-- An account locks after web.lockout_failures wrong passwords in a row, but
-- one address could try a password or two against every account in turn
-- (password spraying) and never be slowed: each account saw one failure.
-- The reporting service (services/reporting/web_address.c) now counts the
-- failed sign-ins of each address here, in PostgreSQL as the accounts' own
-- count is, so that every reporting process shares it and a restart keeps
-- it: web.signin_address_failures of them within web.signin_address_minutes
-- refuse that address's sign-ins for as many minutes, the right password's
-- too. A row whose hold has ended, or whose window has passed without one,
-- is deleted by the next sign-in from anywhere: the count starts afresh.
CREATE TABLE signin_addresses (
    address       text PRIMARY KEY,         -- the client's, as auth_events.address
    failures      integer NOT NULL,         -- failed sign-ins from it since first_at
    first_at      timestamptz NOT NULL,     -- the first of them: the window starts there
    blocked_until timestamptz,              -- its sign-ins refused until then
    refused       integer NOT NULL DEFAULT 0 -- the attempts refused so far
);
CREATE INDEX signin_addresses_first ON signin_addresses (first_at);
CREATE INDEX signin_addresses_blocked ON signin_addresses (blocked_until);

-- Each refused attempt is recorded as 'address_blocked' (jiesu audit:
-- 拒绝（同一地址登录失败过多）), with the failures that held it back and
-- how many attempts have been refused since.
ALTER TABLE auth_events DROP CONSTRAINT auth_events_event_check;
ALTER TABLE auth_events ADD CONSTRAINT auth_events_event_check
    CHECK (event IN ('signin', 'signin_failed', 'locked', 'signout', 'address_blocked'));
