-- grants.sql — what the services' role may do in the database, and nothing more.
--
-- Not a numbered migration: `jiesu migrate` runs it after the migrations every
-- time (as the schema's owner, in one transaction), so the tables a later
-- migration adds are covered at once. The role's name comes from the setting
-- jiesu.service_role, which the migrate code sets from the configuration.
--
-- The services read and write rows: SELECT, INSERT, UPDATE, DELETE on the
-- tables and USAGE on the sequences (nextval). complaint_events is append-only
-- (its trigger refuses changes too): no UPDATE or DELETE. schema_migrations and
-- checked_keys (the keys the triggers of migration 025 check) are the owner's:
-- read only. No TRUNCATE, REFERENCES, TRIGGER, no DDL: the schema
-- belongs to the owner role and nobody else may create objects in it.
DO $grants$
DECLARE
    svc text := current_setting('jiesu.service_role');
BEGIN
    EXECUTE 'REVOKE CREATE ON SCHEMA public FROM PUBLIC';
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', svc);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', svc);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', svc);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', svc);
    EXECUTE format('REVOKE UPDATE, DELETE ON complaint_events FROM %I', svc);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM %I', svc);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON checked_keys FROM %I', svc);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', svc);
END
$grants$;
