-- 028: the Chinese names of rule codes moved to common/names.c, beside those
-- of statuses, roles, events, rungs and deadline kinds: every view names its
-- codes there (common/view.h), so rule_name() (027) has no reader left.

DROP FUNCTION rule_name(text);
