-- 035: a person's name as people read it, in one place.
--
-- Actors are stored by their sign-in name (complaint_events.actor,
-- alerts.acked_by, photos.uploaded_by: principals.name, or a service's
-- name). Pages, `jiesu show`, `jiesu alerts` and escalation's refusals show
-- the principal's display name instead (钟晓梅, not zhong; 自动派单服务, not
-- assignment), and the stored name only for an actor with no principal.
CREATE FUNCTION person_name(who text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT p.display_name FROM principals p WHERE p.name = who), who)
$$;
