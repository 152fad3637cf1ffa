-- 015_import_profile.sql — the import profile each import was read with
-- (data/profiles/NAME.conf, or the name of one a clerk sent with the file),
-- so an import can be told apart from one of another layout afterwards.
-- NULL for imports made before profiles, and for an import refused before a
-- profile was chosen.
ALTER TABLE imports ADD COLUMN profile text;
