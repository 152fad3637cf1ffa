-- roles.sql — the two roles jiesu connects as, with their passwords and no
-- more rights than they need: jiesu_owner owns the schema (`jiesu migrate`
-- connects as it), jiesu_service only reads and writes rows (the services;
-- db/grants.sql says what it may do). Run by the cluster's superuser, with the
-- passwords set as psql variables owner_password and service_password
-- (`\set` lines on standard input, never on a command line where `ps` shows
-- them): scripts/stack.sh, and the PostgreSQL container's first start
-- (docker/pg-roles.sh). Safe to repeat: it sets the passwords again.
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['jiesu_owner', 'jiesu_service']) r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE jiesu_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
ALTER ROLE jiesu_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'service_password';
