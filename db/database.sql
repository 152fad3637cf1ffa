-- database.sql — database :db belongs to the owner role, and besides the
-- owner only the services' role may connect to it (roles.sql makes both).
-- Run by the cluster's superuser with psql variable db set: scripts/stack.sh
-- after creating a database, the PostgreSQL container's first start after
-- creating its one (docker/pg-roles.sh).
ALTER DATABASE :"db" OWNER TO jiesu_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO jiesu_service;
