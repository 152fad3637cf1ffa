-- 028: names and messages people read, in Chinese.
--
-- The Chinese names of rule codes moved to common/names.c, beside those of
-- statuses, roles, events, rungs and deadline kinds: every view names its
-- codes there (common/view.h), so rule_name() (027) has no reader left.
--
-- The conduct guard (010) refuses with a message the dispatcher reads on the
-- workbench or from `jiesu dispatch`: the same rule, said in Chinese.

DROP FUNCTION rule_name(text);

CREATE OR REPLACE FUNCTION assignments_conduct_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
            THEN format('工单 %s 是干部作风问题投诉，只能由纪委监委办理，不能交给%s', bad.ticket_no, bad.name)
            ELSE format('工单 %s 投诉了%s，不能交给被投诉单位办理', bad.ticket_no, bad.name) END
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
