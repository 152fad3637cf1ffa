-- 016_gazetteer_withdrawn.sql — shipped gazetteer entries an operator took
-- out (`jiesu gazetteer remove`, or `add --replace` over them). `jiesu
-- migrate` loads data/routing/gazetteer.csv on every run; without this record
-- it put such an entry back, and with it the overlap the operator had
-- removed, after which routing ignored the operator's entry. Migrate leaves
-- an entry recorded here out; `jiesu gazetteer restore NAME` puts it back
-- (from this copy of it) and forgets the record.
CREATE TABLE gazetteer_withdrawn (
    name           text NOT NULL,
    kind           text NOT NULL,
    street_code    text NOT NULL,
    community_code text,
    num_from       integer,
    num_to         integer,
    withdrawn_by   text NOT NULL,
    withdrawn_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gazetteer_withdrawn_entry ON gazetteer_withdrawn (name, street_code, coalesce(num_from, -1));
