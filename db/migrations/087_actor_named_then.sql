-- 087_actor_named_then.sql — who did a thing, named with the unit they were
-- in when they did it.
--
--   person_then(who, done_at)   their display name then and their unit's name
--       then (NULL: none): the unit a later `jiesu user move` took them from
--       (admin_events' user.move, was_unit), the first such move after
--       `done_at`, else the unit they are in now; a display name that carries
--       the unit now in （） (张三（北宅街道）, as a move writes it) carries the
--       unit of then in its place (张三（中韩街道）; 张三 for none), any other
--       is as it is. NULLs for an actor of no principal.
--   person_named_at(who, done_at)   that display name, or who as stored: the
--       name person_name gives, as of then (who sent a photo, asked for more
--       time, decided it, acknowledged an alert).
--   actor_named_at(who, done_at)   the actor as the 处理记录 of an order names them
--       (`jiesu show`, the order page): their display name and, for a person
--       of a unit, the unit's name in （） unless the display name says it
--       already (钟晓梅（中韩街道）, 中韩街道 承办员; a dispatcher 派单员 小赵; a
--       service 自动派单服务); an actor of no principal as stored; both as
--       of `done_at` (person_then).
--
-- The histories were named by the unit each person is in now: a handler of
-- 中韩街道 moved to 北宅街道 read, in every history of 中韩街道's orders, as
-- 张三（北宅街道） who accepted, returned or resolved them, and as nobody of
-- 中韩街道 — the record wrong about who answered for the order; so did the
-- photos' 提交人, the requests for more time (张三（北宅街道）（中韩街道）) and
-- who acknowledged an alert. The moves are
-- on record with the unit before, so histories written before this read right
-- too. A history row asks the moves of its actor: the index keeps that one
-- probe, however long admin_events grows.

CREATE INDEX admin_events_moves ON admin_events (subject, id) WHERE action = 'user.move';

CREATE FUNCTION person_then(who text, done_at timestamptz, OUT display text, OUT unit text)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN m.id IS NULL OR m.was_unit IS NOT DISTINCT FROM u.name OR b.base IS NULL THEN p.display_name
                ELSE b.base || coalesce('（' || m.was_unit || '）', '') END,
           CASE WHEN m.id IS NULL THEN u.name ELSE m.was_unit END
      FROM principals p
      LEFT JOIN units u ON u.id = p.unit_id
      LEFT JOIN LATERAL (SELECT e.id, e.detail->>'was_unit' AS was_unit FROM admin_events e
                          WHERE e.action = 'user.move' AND e.subject = $1 AND e.at > $2
                          ORDER BY e.id LIMIT 1) m ON true
      CROSS JOIN LATERAL (SELECT CASE WHEN u.name IS NOT NULL
                                       AND char_length(p.display_name) > char_length(u.name) + 2
                                       AND right(p.display_name, char_length(u.name) + 2) = '（' || u.name || '）'
                                      THEN left(p.display_name, -(char_length(u.name) + 2)) END AS base) b
     WHERE p.name = $1
$$;

CREATE FUNCTION person_named_at(who text, done_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((person_then($1, $2)).display, $1)
$$;

CREATE FUNCTION actor_named_at(who text, done_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(t.display || CASE WHEN t.unit IS NULL OR strpos(t.display, t.unit) > 0
                                      THEN '' ELSE '（' || t.unit || '）' END, $1)
      FROM person_then($1, $2) t
$$;
