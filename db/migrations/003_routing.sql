-- 003_routing.sql — what routing decides by: categories with their regulating
-- department kind and time limits, the hotline's category names, department
-- units per district, urgency levels, and the road/landmark gazetteer.
--
-- The rows come from data/routing/*.csv, loaded by `jiesu migrate` (upserts:
-- safe to repeat); operators add gazetteer entries with `jiesu gazetteer add`.

-- Kinds of sector regulator (行业主管部门): one unit of each per district.
CREATE TABLE dept_kinds (
    code text PRIMARY KEY,              -- zhifa, jiaojing, ...
    name text NOT NULL                  -- 综合行政执法局: the unit is named district name + this
);
ALTER TABLE units ADD COLUMN dept_kind text REFERENCES dept_kinds(code);
-- Department unit codes are "<district code>.<dept kind>" (370212.zhifa), so a
-- decision finds the co-handler of a street's district without a lookup table.

-- The category tree. Limits are for urgency 一般; other urgencies scale them.
CREATE TABLE categories (
    code           text PRIMARY KEY,                       -- dotted: order.stall
    parent_code    text REFERENCES categories(code),
    name           text NOT NULL,
    dept_kind      text REFERENCES dept_kinds(code),       -- NULL: no co-handler
    accept_minutes integer NOT NULL CHECK (accept_minutes > 0),   -- working minutes
    resolve_days   numeric NOT NULL CHECK (resolve_days > 0),     -- working days
    terms          text[] NOT NULL DEFAULT '{}'            -- words in a complaint's text
);

-- The hotline's own category column values and the category each means.
CREATE TABLE category_aliases (
    hotline_name  text PRIMARY KEY,     -- 城市管理-占道经营
    category_code text NOT NULL REFERENCES categories(code)
);

-- Urgency levels as the hotline writes them; a category's limits times the factors.
CREATE TABLE urgency_levels (
    name           text PRIMARY KEY,    -- 一般, 紧急, 特急
    accept_factor  numeric NOT NULL CHECK (accept_factor > 0),
    resolve_factor numeric NOT NULL CHECK (resolve_factor > 0)
);

-- Roads and landmarks → street (and community). A road crossing streets has
-- one row per house-number range; a row without a range covers the rest.
CREATE TABLE gazetteer (
    id             serial PRIMARY KEY,
    name           text NOT NULL,                          -- 海尔路, 石老人海水浴场
    kind           text NOT NULL CHECK (kind IN ('road', 'landmark')),
    street_code    text NOT NULL REFERENCES regions(code),
    community_code text REFERENCES regions(code),
    num_from       integer,                                -- house numbers num_from..num_to (inclusive)
    num_to         integer,
    source         text NOT NULL DEFAULT 'operator' CHECK (source IN ('shipped', 'operator')),
    added_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((num_from IS NULL) = (num_to IS NULL) AND (num_from IS NULL OR num_from <= num_to))
);
CREATE UNIQUE INDEX gazetteer_entry ON gazetteer (name, street_code, coalesce(num_from, -1));

-- A decision also names the category's department as co-handler (role 'co').
-- A returned order is re-routed without every unit that returned it in the
-- same cycle; after assignment.max_returns returns it goes to manual arbitration.
ALTER TABLE assignments ADD COLUMN cycle integer NOT NULL DEFAULT 1;
CREATE INDEX assignments_complaint ON assignments(complaint_id, cycle);   -- a returned order's history
ALTER TABLE complaints ADD COLUMN returns integer NOT NULL DEFAULT 0;   -- returns in the current cycle
