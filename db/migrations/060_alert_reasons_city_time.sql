-- 060_alert_reasons_city_time.sql — the alerts raised before say their time
-- as the city reads it.
--
-- A ladder alert's reason said its deadline with the offset beside it
-- (督办：办结时限 2026-11-20 17:30 UTC+08:00 已到期：…), where every other
-- time people read in the system is the city's, bare (2026-11-20 17:30).
-- Escalation writes the reason without it now (esc_format_time). The reason
-- is the text `jiesu alerts`, the workbench and the wall board show, and the
-- time in it was always the city's: dropping the offset changes no meaning,
-- and an open alert raised before reads as one raised after. Machine-readable
-- times are not here: a webhook's created_at and the API's timestamps stay
-- ISO 8601 with their offset. The copy of each reason in the order's history
-- (complaint_events, append-only) stays as it was raised, and so do the
-- webhooks already posted.
UPDATE alerts
   SET reason = regexp_replace(reason, '([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}) UTC[+-][0-9]{2}:[0-9]{2}',
                               '\1', 'g')
 WHERE reason LIKE '% UTC+%' OR reason LIKE '% UTC-%';
