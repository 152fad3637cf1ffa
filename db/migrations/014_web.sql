-- 014: the people's web doors. Sign-ins to the reporting service's pages
-- (services/reporting/web_session.c) are recorded here, successes and
-- failures alike, with the client's address: who tried, when, from where,
-- and what came of it (signin, signin_failed, locked, signout). Append-only.
CREATE TABLE auth_events (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    name      text NOT NULL,            -- the user name given (it may name nobody)
    event     text NOT NULL CHECK (event IN ('signin', 'signin_failed', 'locked', 'signout')),
    address   text NOT NULL DEFAULT '',
    detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX auth_events_name ON auth_events (name, at);
CREATE TRIGGER auth_events_no_change BEFORE UPDATE OR DELETE ON auth_events
    FOR EACH ROW EXECUTE FUNCTION append_only();

-- Expired sessions are deleted by the sign-in that finds them; this finds them fast.
CREATE INDEX sessions_expires ON sessions (expires_at);
