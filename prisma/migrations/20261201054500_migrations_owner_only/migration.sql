-- The migration history is written by the schema owner only. In production the services' role holds
-- pg_write_all_data (rows of every table, restored databases included), and a predefined role's rights cannot be
-- taken back per table by REVOKE: this trigger refuses INSERT, UPDATE and DELETE on _prisma_migrations from a
-- role that does not have the privileges of the table's owner (castline_owner, and castline_backup acting as
-- it; locally everything runs as the superuser, which always does). pg_dump keeps the trigger, so a restored
-- database is guarded too. The shadow database that `db:migration` replays the migrations on has no history
-- table: the trigger is made only where the table exists.
CREATE FUNCTION public.castline_migrations_owner_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RAISE EXCEPTION 'only the schema owner writes the migration history (% on %.% as %)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, current_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;

DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    CREATE TRIGGER castline_migrations_owner_only
      BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON public._prisma_migrations
      FOR EACH STATEMENT EXECUTE FUNCTION public.castline_migrations_owner_only();
  END IF;
END
$$;
