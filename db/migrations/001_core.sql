-- 001: the core record. PostgreSQL is the system of record; every state a
-- complaint reaches is written here first, with an append-only event row.

CREATE TABLE regions (
    code        text PRIMARY KEY,           -- NBS code: 6 (district), 9 (street), 12 (community) digits
    name        text NOT NULL,              -- as NBS prints it
    short_name  text NOT NULL,              -- suffix stripped: 沙子口街道 -> 沙子口, 张村社区居民委员会 -> 张村
    level       text NOT NULL CHECK (level IN ('district', 'street', 'community')),
    parent_code text REFERENCES regions(code)
);
CREATE INDEX regions_parent ON regions(parent_code);

-- Units that handle or supervise orders. Street offices are created from
-- regions by `jiesu migrate` seeding; departments by configuration.
CREATE TABLE units (
    id          serial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('street', 'dept', 'campaign', 'discipline', 'dispatch')),
    region_code text REFERENCES regions(code)
);

CREATE TABLE imports (
    id          bigserial PRIMARY KEY,
    file_name   text NOT NULL,
    sha256      text NOT NULL,
    encoding    text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    rows_total  bigint NOT NULL DEFAULT 0,
    inserted    bigint NOT NULL DEFAULT 0,
    duplicates  bigint NOT NULL DEFAULT 0,
    rejected    bigint NOT NULL DEFAULT 0,
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    error       text
);
CREATE INDEX imports_sha ON imports(sha256);

-- Complaint status: new (imported, not routed) -> dispatched (owner assigned)
-- or manual (waiting for a dispatcher) -> accepted -> resolved -> closed.
CREATE TABLE complaints (
    id           bigserial PRIMARY KEY,
    ticket_no    text NOT NULL UNIQUE,
    called_at    timestamptz NOT NULL,
    caller_name  text,
    caller_phone text,
    address      text NOT NULL DEFAULT '',
    content      text NOT NULL,
    category_raw text,
    urgency      text,
    lon          double precision,
    lat          double precision,
    extra        jsonb NOT NULL DEFAULT '{}',
    import_id    bigint REFERENCES imports(id),
    source_row   bigint,
    status       text NOT NULL DEFAULT 'new'
                 CHECK (status IN ('new', 'manual', 'dispatched', 'accepted', 'resolved', 'closed')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_status ON complaints(status) WHERE status IN ('new', 'manual');
CREATE INDEX complaints_called ON complaints(called_at);

-- Staging table for bulk import: COPY lands here, one set-based insert moves
-- the rows on. Unlogged: its content is rebuilt from the file on any failure.
CREATE UNLOGGED TABLE complaints_staging (
    import_id    bigint NOT NULL,
    source_row   bigint NOT NULL,
    ticket_no    text NOT NULL,
    called_at    timestamptz NOT NULL,
    caller_name  text,
    caller_phone text,
    address      text,
    content      text NOT NULL,
    category_raw text,
    urgency      text,
    lon          double precision,
    lat          double precision,
    extra        jsonb
);
CREATE INDEX complaints_staging_import ON complaints_staging(import_id);

-- One routing decision per order and cycle; the active one is the current.
CREATE TABLE assignments (
    id             bigserial PRIMARY KEY,
    complaint_id   bigint NOT NULL REFERENCES complaints(id),
    unit_id        integer REFERENCES units(id),
    role           text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'co', 'discipline', 'manual')),
    street_code    text REFERENCES regions(code),
    community_code text REFERENCES regions(code),
    category       text,
    rule           text NOT NULL,
    reasons        text NOT NULL,
    score          double precision NOT NULL DEFAULT 0,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX assignments_one_active_owner
    ON assignments(complaint_id) WHERE active AND role IN ('owner', 'manual');
CREATE INDEX assignments_unit ON assignments(unit_id) WHERE active;

-- Deadlines are absolute times computed once and fired by the database clock.
CREATE TABLE deadlines (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints(id),
    kind         text NOT NULL CHECK (kind IN ('accept', 'resolve')),
    cycle        integer NOT NULL DEFAULT 1,
    due_at       timestamptz NOT NULL,
    fired_at     timestamptz,
    UNIQUE (complaint_id, kind, cycle)
);
CREATE INDEX deadlines_pending ON deadlines(due_at) WHERE fired_at IS NULL;

CREATE TABLE alerts (
    id           bigserial PRIMARY KEY,
    complaint_id bigint REFERENCES complaints(id),
    deadline_id  bigint REFERENCES deadlines(id),
    rung         text NOT NULL,
    cycle        integer NOT NULL DEFAULT 1,
    unit_id      integer REFERENCES units(id),
    target       text NOT NULL,
    reason       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    acked_at     timestamptz,
    acked_by     text,
    UNIQUE (complaint_id, rung, cycle)
);

-- Append-only audit trail: who, when, what, why.
CREATE TABLE complaint_events (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaints(id),
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    event        text NOT NULL,
    detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, id);

CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'complaint_events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER complaint_events_no_change BEFORE UPDATE OR DELETE ON complaint_events
    FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
