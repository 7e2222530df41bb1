#!/usr/bin/env bash
# Castline's PostgreSQL roles. The postgres image runs this once, on the first start with an empty data
# directory (docker-compose.prod.yml mounts this folder at /docker-entrypoint-initdb.d), as the superuser
# POSTGRES_USER over the local socket, after it created POSTGRES_DB. It is idempotent: on a cluster created
# before it existed, run it by hand (README, "PostgreSQL roles"); it then also hands every existing object of
# the database to the owner role.
#
#   castline_owner   owns the database, its schemas and every table: runs the migrations (DDL); may create
#                    databases and end other roles' sessions (for restores, below). Not a superuser.
#   castline_app     the services (through PgBouncer): reads and writes rows, nothing else (pg_read_all_data and
#                    pg_write_all_data: SELECT/INSERT/UPDATE/DELETE on every table and sequence, in every schema
#                    and database, including tables later migrations add and databases a restore creates; no
#                    CREATE, ALTER, DROP or TRUNCATE). Not the migration history: a predefined role cannot
#                    be limited per table by REVOKE, so the migration 20261201054500_migrations_owner_only puts a
#                    trigger on _prisma_migrations (made by the owner when the migrations first run, kept by
#                    dumps) refusing INSERT/UPDATE/DELETE from roles without the owner's privileges.
#   castline_backup  the backup service's dumps and restores (BACKUP_DATABASE_URL). Its sessions run as
#                    castline_owner (a member, `SET role` at login): a restore loads into a new database, closes
#                    the live one, ends its sessions and renames both, which only the owner may do, and what it
#                    restores must belong to the owner so later migrations can change it. A login of its own:
#                    its own password, and pg_stat_activity tells its sessions from the migrations'.
#
# Needs POSTGRES_USER, POSTGRES_DB, POSTGRES_OWNER_PASSWORD, POSTGRES_APP_PASSWORD, POSTGRES_BACKUP_PASSWORD
# (psql reads PGHOST/PGPORT/PGPASSWORD if set). Passwords are stored as SCRAM-SHA-256 verifiers.
set -euo pipefail

: "${POSTGRES_USER:?}" "${POSTGRES_DB:?}"
: "${POSTGRES_OWNER_PASSWORD:?set POSTGRES_OWNER_PASSWORD}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD}"
: "${POSTGRES_BACKUP_PASSWORD:?set POSTGRES_BACKUP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v owner_password="$POSTGRES_OWNER_PASSWORD" \
  -v app_password="$POSTGRES_APP_PASSWORD" \
  -v backup_password="$POSTGRES_BACKUP_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';

-- Roles: created when missing, attributes and passwords (re)set every run.
SELECT format('CREATE ROLE %I', name) FROM (VALUES ('castline_owner'), ('castline_app'), ('castline_backup')) AS r(name)
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) \gexec
ALTER ROLE castline_owner LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE castline_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
ALTER ROLE castline_backup LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'backup_password';
-- Row access that no restore, new table or new schema can lose (per-table grants would not survive a restore).
GRANT pg_read_all_data, pg_write_all_data TO castline_app;
-- A restore's switch ends the services' sessions (DROP DATABASE ... WITH (FORCE), pg_terminate_backend).
GRANT pg_signal_backend TO castline_owner;
GRANT castline_owner TO castline_backup;
ALTER ROLE castline_backup SET role = 'castline_owner';

-- The database and its schemas belong to the owner; only the three roles may connect.
ALTER DATABASE :"db" OWNER TO castline_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO castline_app, castline_backup;
ALTER SCHEMA public OWNER TO castline_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Objects created before this script ran (a cluster from an older release): hand them to the owner.
DO $$
DECLARE
  object record;
BEGIN
  FOR object IN
    SELECT n.nspname AS name FROM pg_namespace n
     WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
       AND n.nspowner <> 'castline_owner'::regrole
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO castline_owner', object.name);
  END LOOP;
  FOR object IN
    SELECT c.relkind, format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND c.relowner <> 'castline_owner'::regrole
       -- A sequence owned by a column follows its table.
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO castline_owner',
      CASE object.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, object.name);
  END LOOP;
  FOR object IN
    SELECT format('%I.%I', n.nspname, t.typname) AS name FROM pg_type t
      JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
       AND t.typtype IN ('e', 'd') AND t.typowner <> 'castline_owner'::regrole
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO castline_owner', object.name);
  END LOOP;
  FOR object IN
    SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
       AND p.proowner <> 'castline_owner'::regrole
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO castline_owner', object.name);
  END LOOP;
END
$$;
SQL
echo "castline roles ready in database $POSTGRES_DB: castline_owner, castline_app, castline_backup"
