-- 038: the time zone an import's times were read in, and a call's time
-- said in it when it is not the city's.
--
-- A file's local times are read in its profile's zone (intake: nyc311's is
-- America/New_York) and stored as instants; every page and `jiesu show`,
-- `jiesu manual` print them in the city's zone (the session's TimeZone,
-- `timezone`). A call made at 00:03 in New York was shown as 12:03 with
-- nothing saying so, and a dispatcher checking it against the exporting
-- system found another time. The zone is kept on the import (intake writes
-- it with the profile's name, from the profile it read the file with; a
-- clerk's own profile too), the one record of it; imports made before it
-- have none and are shown as before.
ALTER TABLE imports ADD COLUMN timezone text;

-- A call's time in fmt, in the city's zone; followed, when the call was
-- imported from a file of a zone whose clock read otherwise at that
-- instant, by that reading and the zone's name:
-- "2022-05-01 12:03（当地时间 2022-05-01 00:03 America/New_York）".
CREATE FUNCTION call_time(c complaints, fmt text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(c.called_at, fmt) || coalesce(
        (SELECT '（当地时间 ' || to_char(timezone(i.timezone, c.called_at), fmt) || ' ' || i.timezone || '）'
           FROM imports i
          WHERE i.id = c.import_id
            AND timezone(i.timezone, c.called_at) <> timezone(current_setting('TimeZone'), c.called_at)), '')
$$;
