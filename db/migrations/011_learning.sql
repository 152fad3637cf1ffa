-- 011_learning.sql — routing that learns from the city's history, and
-- conduct complaints that name whom they accuse.
--
-- models: the text classifier routing combines with the dictionary terms
-- (services/assignment/route_model.c). Every training stores a new version
-- with what it was trained on and its macro-F1 on the fifth of the texts
-- held back; every assignment process loads the newest on its rules reload.
CREATE TABLE models (
    version     serial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    source      text NOT NULL,                 -- the file's name, or 'settled orders'
    texts       integer NOT NULL,              -- labelled texts trained on and held back
    classes     text[] NOT NULL,               -- category codes it tells apart
    macro_f1    double precision NOT NULL,     -- on the held-back fifth
    accuracy    double precision NOT NULL,
    temperature double precision NOT NULL,     -- of its calibrated probabilities
    blob        bytea NOT NULL
);

-- The units a conduct complaint accuses (unit codes: a street office, a
-- department such as 370212.zhifa). No order of the complaint may be given to
-- one of them; routing fills it, the database rule of 010 checks it (010
-- adds the same column: whichever runs first makes it).
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS accused_units text[] NOT NULL DEFAULT '{}';

-- A letter that reports a problem and also accuses officials is split: the
-- complaint keeps the problem; its conduct part becomes a second complaint,
-- ticket '<ticket>-J', with link_id = the complaint it came from, routed to
-- discipline inspection.
ALTER TABLE complaints ADD COLUMN link_id bigint REFERENCES complaints(id);
CREATE UNIQUE INDEX complaints_conduct_part ON complaints (link_id) WHERE link_id IS NOT NULL;
