-- 027: rule_name(rule): the Chinese name people read for the rule an
-- assignment was made by (assignments.rule, a code the services compare),
-- for the order page and the command line alike; a code not listed here is
-- shown as itself.

CREATE FUNCTION rule_name(rule text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE rule
        WHEN 'street' THEN '街道名称'    WHEN 'community' THEN '社区名称'   WHEN 'gazetteer' THEN '门牌库'
        WHEN 'history' THEN '地址历史'   WHEN 'ambiguous' THEN '多个街道'   WHEN 'none' THEN '无地点'
        WHEN 'conduct' THEN '作风问题'   WHEN 'category' THEN '分类主管部门' WHEN 'arbitration' THEN '人工仲裁'
        WHEN 'dispatcher' THEN '派单员'  ELSE rule END
$$;
