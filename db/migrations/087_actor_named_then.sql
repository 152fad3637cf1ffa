-- 087_actor_named_then.sql — who did a thing in an order's history, named
-- with the unit they were in when they did it.
--
--   actor_named_at(who, done_at)   the actor as the 处理记录 of an order names them
--       (`jiesu show`, the order page): their display name and, for a person
--       of a unit, the unit's name in （） unless the display name says it
--       already (钟晓梅（中韩街道）, 中韩街道 承办员; a dispatcher 派单员 小赵; a
--       service 自动派单服务); an actor of no principal as stored. The unit is
--       the one they were in at `done_at`: the unit a later `jiesu user move` took
--       them from (admin_events' user.move, was_unit), the first such move
--       after `done_at`, else the unit they are in now; a display name that carries
--       the unit now (张三（北宅街道）, as a move writes it) carries the unit of
--       then in its place.
--
-- The histories were named by the unit each person is in now: a handler of
-- 中韩街道 moved to 北宅街道 read, in every history of 中韩街道's orders, as
-- 张三（北宅街道） who accepted, returned or resolved them, and as nobody of
-- 中韩街道 — the record wrong about who answered for the order. The moves are
-- on record with the unit before, so histories written before this read right
-- too. A history row asks the moves of its actor: the index keeps that one
-- probe, however long admin_events grows.

CREATE INDEX admin_events_moves ON admin_events (subject, id) WHERE action = 'user.move';

CREATE FUNCTION actor_named_at(who text, done_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT CASE WHEN m.id IS NULL OR m.was_unit IS NOT DISTINCT FROM u.name THEN
                        p.display_name || CASE WHEN u.name IS NULL OR strpos(p.display_name, u.name) > 0
                                               THEN '' ELSE '（' || u.name || '）' END
                    ELSE b.base || CASE WHEN m.was_unit IS NULL OR strpos(b.base, m.was_unit) > 0
                                        THEN '' ELSE '（' || m.was_unit || '）' END END
          FROM principals p
          LEFT JOIN units u ON u.id = p.unit_id
          LEFT JOIN LATERAL (SELECT e.id, e.detail->>'was_unit' AS was_unit FROM admin_events e
                              WHERE e.action = 'user.move' AND e.subject = $1 AND e.at > $2
                              ORDER BY e.id LIMIT 1) m ON true
          CROSS JOIN LATERAL (SELECT CASE WHEN u.name IS NOT NULL
                                           AND char_length(p.display_name) > char_length(u.name) + 2
                                           AND right(p.display_name, char_length(u.name) + 2) = '（' || u.name || '）'
                                          THEN left(p.display_name, -(char_length(u.name) + 2))
                                          ELSE p.display_name END AS base) b
         WHERE p.name = $1), $1)
$$;
