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

-- Photos of the place before and after the fix (整改前后照片), sent with a
-- unit's resolve (services/assignment/photos.c) and stored in the action's
-- transaction: JPEG or PNG, told by their first bytes, at most
-- assignment.photo_max_bytes each, with their SHA-256. Shown on the order's
-- page to whoever may see the order (principal_sees), the callback agent too.
CREATE TABLE photos (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints(id),
    cycle        integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('before', 'after')),
    mime         text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size         integer NOT NULL CHECK (size > 0),
    data         bytea NOT NULL,
    name         text NOT NULL DEFAULT '',
    uploaded_by  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (complaint_id, cycle, kind, sha256)
);

-- Alerts where people work: a unit's channel is the scheme of its
-- webhook_url (wecom+https://… a 企业微信 group robot, dingtalk+https://… a
-- 钉钉 group robot, mailto:… e-mail, http(s)://… the JSON webhook;
-- services/escalation/esc_channel.h); a DingTalk robot with "加签" security
-- needs its signing secret here.
ALTER TABLE units ADD COLUMN alert_secret text;
