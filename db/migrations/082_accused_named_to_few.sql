-- 082_accused_named_to_few.sql — who a letter accused, in routing's reasons,
-- named only to those who may read an order's 被投诉单位.
--
--   reasons_read(principal, reasons)   the reasons of a decision (or of the
--       转人工派单 line of an order's history) as the principal may read them:
--       whole for the dispatcher (who must not give the order to the accused
--       by hand) and discipline inspection; for everyone else the accused
--       unit's name taken out, the rule kept:
--         被投诉单位，不交其办理：中韩街道 → 被投诉单位不交其办理（名称仅派单员和纪委监委可见）
--         协办单位（城管）被投诉         → 协办单位被投诉（名称仅派单员和纪委监委可见）
--
-- Routing stores one text (route_decide.c) and it is not rewritten: the
-- order page, `jiesu show` and `jiesu manual` read it through this function
-- (services/reporting/report_views.c), so decisions stored before read so too.
-- Before, the campaign office, the callback agent and the unit holding a split
-- letter's problem part read who its conduct part accused.

CREATE OR REPLACE FUNCTION reasons_read(p_id integer, reasons text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN (SELECT role FROM principals WHERE id = p_id) IN ('dispatcher', 'discipline') THEN reasons
                ELSE regexp_replace(regexp_replace(reasons,
                         '被投诉单位，不交其办理：[^；]*', '被投诉单位不交其办理（名称仅派单员和纪委监委可见）', 'g'),
                         '协办单位（[^）]*）被投诉', '协办单位被投诉（名称仅派单员和纪委监委可见）', 'g') END
$$;
