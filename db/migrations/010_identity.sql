-- 010: who acts. Every bus request, HTTP request and command is made by a
-- principal — a service, or a person (or program) with exactly one role —
-- checked against its role and scope, and recorded as the actor of what it
-- changes. common/auth.c holds the role table; README "Who may do what".

CREATE TABLE principals (
    id            serial PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    display_name  text NOT NULL,                -- what people read: 张三（中韩街道）
    role          text NOT NULL CHECK (role IN ('service', 'clerk', 'dispatcher', 'handler', 'campaign',
                                                'discipline', 'callback', 'admin')),
    unit_id       integer REFERENCES units(id), -- handler: its street office or department;
                                                -- campaign, discipline: their office (its district is the scope)
    curve_key     text UNIQUE CHECK (curve_key IS NULL OR length(curve_key) = 40),   -- Z85 public key on the bus
    password_hash text,                         -- libsodium crypto_pwhash_str, for signing in over HTTP
    token_hash    text UNIQUE,                  -- SHA-256 (hex) of an API token (Open311 api_key, bearer)
    rate_per_minute integer CHECK (rate_per_minute > 0),   -- Open311 POSTs per minute; NULL: the default
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    CHECK ((role IN ('handler', 'campaign', 'discipline')) = (unit_id IS NOT NULL))
);

-- A person's unit must be of the kind their role works for.
CREATE FUNCTION principals_unit_kind() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k text;
BEGIN
    IF NEW.unit_id IS NULL THEN RETURN NEW; END IF;
    SELECT kind INTO k FROM units WHERE id = NEW.unit_id;
    IF NOT (NEW.role = 'handler' AND k IN ('street', 'dept')
            OR NEW.role = 'campaign' AND k = 'campaign'
            OR NEW.role = 'discipline' AND k = 'discipline') THEN
        RAISE EXCEPTION 'a % cannot belong to a unit of kind %', NEW.role, k USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER principals_unit_kind BEFORE INSERT OR UPDATE OF role, unit_id ON principals
    FOR EACH ROW EXECUTE FUNCTION principals_unit_kind();

-- Signed-in browser sessions: the cookie holds the token, this table its hash.
CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    principal_id integer NOT NULL REFERENCES principals(id),
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_principal ON sessions(principal_id);

-- The district a unit works in (a street's parent, a department's or an
-- office's own region); NULL for the offices kept for orders whose district
-- is not known.
CREATE FUNCTION unit_district(u units) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT left(u.region_code, 6) $$;

-- Units a conduct complaint accuses (routing fills it): none of them may
-- ever be given the order, by any path.
ALTER TABLE complaints ADD COLUMN accused_units text[] NOT NULL DEFAULT '{}';

-- The one rule every path into an assignment passes (routing, dispatch by
-- hand, arbitration, reopening): a conduct complaint goes to discipline
-- inspection only, and no order goes to a unit it accuses. Checked once per
-- statement over all the rows it added.
CREATE FUNCTION assignments_conduct_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
    SELECT c.ticket_no, u.name, u.kind, a.category = 'conduct' OR c.category = 'conduct' AS conduct
      INTO bad
      FROM added a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
     WHERE a.active
       AND ((a.category = 'conduct' OR c.category = 'conduct') AND u.kind <> 'discipline'
            OR u.code = ANY (c.accused_units))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '%', CASE WHEN bad.conduct
            THEN format('order %s is a complaint about officials'' conduct: only discipline inspection may have it, not %s',
                        bad.ticket_no, bad.name)
            ELSE format('order %s accuses %s: it cannot be given to the unit it complains about',
                        bad.ticket_no, bad.name) END
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER assignments_conduct_guard AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION assignments_conduct_guard();

-- Who may read an order: the one rule every read of orders applies.
--   discipline inspection: every order of its district (the office kept for
--     orders whose district is not known: those), conduct complaints included;
--   nobody else ever sees a conduct complaint;
--   a handler: the orders its unit holds (owner or co-handler, active);
--   a campaign office: the orders of its district (likewise);
--   dispatcher, callback agent, clerk: every other order;
--   admin and services: none through this rule (services act as themselves).
CREATE FUNCTION principal_sees(p_id integer, c_id bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    WITH p AS (
        SELECT p.role, p.unit_id, unit_district(u) AS district
          FROM principals p LEFT JOIN units u ON u.id = p.unit_id
         WHERE p.id = p_id AND p.disabled_at IS NULL
    ), o AS (
        SELECT c.category = 'conduct'
               OR EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id
                           WHERE a.complaint_id = c.id AND a.active AND u.kind = 'discipline') AS conduct,
               (SELECT left(coalesce(a.street_code, u.region_code), 6)
                  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id
                 WHERE a.complaint_id = c.id AND a.active AND a.role <> 'co'
                 ORDER BY a.id DESC LIMIT 1) AS district
          FROM complaints c WHERE c.id = c_id
    )
    SELECT coalesce((
        SELECT CASE
            WHEN p.role = 'discipline' THEN p.district IS NOT DISTINCT FROM o.district
            WHEN o.conduct THEN false
            WHEN p.role = 'handler' THEN EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = c_id
                                                   AND a.active AND a.unit_id = p.unit_id)
            WHEN p.role = 'campaign' THEN p.district IS NOT DISTINCT FROM o.district
            WHEN p.role IN ('dispatcher', 'callback', 'clerk') THEN true
            ELSE false END
          FROM p, o), false)
$$;

-- Append-only record of what administrators change (users, keys, tokens,
-- gazetteer, holidays): who, when, what, to whom.
CREATE TABLE admin_events (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    action  text NOT NULL,
    subject text NOT NULL,
    detail  jsonb NOT NULL DEFAULT '{}'
);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER admin_events_no_change BEFORE UPDATE OR DELETE ON admin_events
    FOR EACH ROW EXECUTE FUNCTION append_only();

-- The clerk who sent each file (the rows' 'imported' events name them too).
ALTER TABLE imports ADD COLUMN imported_by text;
