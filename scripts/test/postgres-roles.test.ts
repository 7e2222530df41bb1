import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations, withPgClient } from '@castline/db';
import { freePort } from '@castline/testkit';
import { Client } from 'pg';
import { parse } from 'yaml';

/**
 * The PostgreSQL roles of docker-compose.prod.yml, on a throwaway cluster made the way the postgres image makes
 * it: initdb with the compose file's POSTGRES_INITDB_ARGS (scram for TCP), the database, then the init scripts
 * of the folder compose mounts at /docker-entrypoint-initdb.d. The migrations run as the owner role, and the
 * roles are tried over TCP with their passwords.
 */
const run = promisify(execFile);
const REPO_ROOT = path.join(__dirname, '../..');
const DB = 'castline';

interface ComposePostgres {
  environment: { POSTGRES_DB: string; POSTGRES_INITDB_ARGS: string };
  volumes: string[];
  command: string[];
}

const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.prod.yml'), 'utf8')) as {
  services: { postgres: ComposePostgres };
};
const postgresService = compose.services.postgres;

/** Where the server binaries are: PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('No PostgreSQL server binaries: install postgresql or set PG_BIN');
  return `/usr/lib/postgresql/${newest}/bin`;
}

const passwords = {
  superuser: randomBytes(12).toString('hex'),
  owner: randomBytes(12).toString('hex'),
  app: randomBytes(12).toString('hex'),
  backup: randomBytes(12).toString('hex'),
};

let workDir: string;
let dataDir: string;
let port: number;
const bin = postgresBin();

/** initdb and the server refuse to run as root: as root, they run as the `postgres` system user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function runServerTool(tool: string, args: string[]): Promise<void> {
  const [command, fullArgs] = asServerUser(path.join(bin, tool), args);
  await run(command, fullArgs, { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
}

const urlOf = (user: string, password: string, database = DB) =>
  `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`;
const ownerUrl = () => urlOf('castline_owner', passwords.owner);
const appUrl = () => urlOf('castline_app', passwords.app);
const backupUrl = (database = DB) => urlOf('castline_backup', passwords.backup, database);

/** The SQLSTATE a statement fails with ('' when it succeeds). */
async function failureCode(url: string, sql: string): Promise<string> {
  try {
    await withPgClient(url, (client) => client.query(sql));
    return '';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** The compose file's init scripts, run as the image runs them: superuser over the socket, with its env. */
async function runInitScripts(): Promise<string[]> {
  const mount = postgresService.volumes.find((volume) => volume.endsWith(':/docker-entrypoint-initdb.d:ro'));
  expect(mount).toBeDefined();
  const dir = path.join(REPO_ROOT, mount!.split(':')[0]!);
  const scripts = readdirSync(dir).filter((name) => name.endsWith('.sh')).sort();
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    await run(path.join(dir, script), [], {
      env: {
        PATH: process.env.PATH,
        PGHOST: workDir,
        PGPORT: String(port),
        POSTGRES_USER: 'postgres',
        POSTGRES_DB: postgresService.environment.POSTGRES_DB,
        POSTGRES_OWNER_PASSWORD: passwords.owner,
        POSTGRES_APP_PASSWORD: passwords.app,
        POSTGRES_BACKUP_PASSWORD: passwords.backup,
      },
    });
  }
  return scripts;
}

beforeAll(async () => {
  expect(postgresService.environment.POSTGRES_DB).toBe(DB);
  const initdbArgs = postgresService.environment.POSTGRES_INITDB_ARGS.split(/\s+/).filter(Boolean);
  expect(initdbArgs).toContain('--auth-host=scram-sha-256');
  workDir = mkdtempSync(path.join(tmpdir(), 'castline-pg-roles-'));
  dataDir = path.join(workDir, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(workDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pwfile = path.join(workDir, 'superuser-password');
  writeFileSync(pwfile, `${passwords.superuser}\n`, { mode: 0o644 });
  // As the image: the superuser POSTGRES_USER with POSTGRES_PASSWORD, trust on the local socket only.
  await runServerTool('initdb', ['-D', dataDir, '--username=postgres', `--pwfile=${pwfile}`, ...initdbArgs]);
  port = await freePort();
  // The compose file's `-c` settings (password_encryption among them), small enough for a test machine.
  const settings = postgresService.command
    .flatMap((arg, index, all) => (all[index - 1] === '-c' ? [arg] : []))
    .filter((setting) => /^password_encryption=/.test(setting));
  expect(settings).toEqual(['password_encryption=scram-sha-256']);
  const options = [`-p ${port}`, `-k ${workDir}`, "-c listen_addresses='127.0.0.1'", ...settings.map((s) => `-c ${s}`)];
  await runServerTool('pg_ctl', ['-D', dataDir, '-l', path.join(workDir, 'server.log'), '-w', '-o', options.join(' '), 'start']);
  await run('psql', ['-h', workDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', `CREATE DATABASE ${DB}`]);
  // A schema and table made by the superuser before the roles existed, as on a cluster from an older release
  // (in its own schema: migrations refuse a non-empty public schema without _prisma_migrations).
  await run('psql', ['-h', workDir, '-p', String(port), '-U', 'postgres', '-d', DB, '-c', 'CREATE SCHEMA legacy; CREATE TABLE legacy.notes (id bigserial PRIMARY KEY, note text)']);
  await runInitScripts();
  // Idempotent: running it again (by hand, on an existing cluster) changes nothing and does not fail.
  await runInitScripts();
  await applyMigrations(ownerUrl());
}, 120_000);

afterAll(async () => {
  if (dataDir && existsSync(path.join(dataDir, 'postmaster.pid'))) {
    await runServerTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('PostgreSQL roles of the production compose file', () => {
  it('the owner role owns the database and the migrated tables and is no superuser', async () => {
    const rows = await withPgClient(ownerUrl(), async (client) => {
      const role = await client.query(`SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user`);
      const database = await client.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`);
      const tables = await client.query(
        `SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`,
      );
      const migrations = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations`);
      return { role: role.rows[0], database: database.rows[0], tables: tables.rows, migrations: migrations.rows[0].n };
    });
    // CREATEDB for restores (the backup role acts as the owner), never a superuser or a role admin.
    expect(rows.role).toEqual({ rolsuper: false, rolcreatedb: true, rolcreaterole: false });
    expect(rows.database.owner).toBe('castline_owner');
    expect(rows.tables).toEqual([{ tableowner: 'castline_owner' }]);
    expect(rows.migrations).toBeGreaterThan(0);
  });

  it('the application role reads and writes the rows of a migrated table', async () => {
    const email = `roles-${randomBytes(4).toString('hex')}@castline.test`;
    const result = await withPgClient(appUrl(), async (client) => {
      const inserted = await client.query(
        `INSERT INTO users (id, email, password_hash, role, updated_at) VALUES (gen_random_uuid(), $1, 'x', 'viewer', now()) RETURNING id`,
        [email],
      );
      const id = inserted.rows[0].id as string;
      await client.query(`UPDATE users SET role = 'operator' WHERE id = $1`, [id]);
      const read = await client.query(`SELECT role FROM users WHERE id = $1`, [id]);
      const deleted = await client.query(`DELETE FROM users WHERE id = $1`, [id]);
      // A bigserial table: the sequence is usable, and the table the superuser made before the script too.
      await client.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('system', 'roles.test', 200, 'success')`);
      await client.query(`INSERT INTO legacy.notes (note) VALUES ('kept')`);
      return { role: read.rows[0].role, deleted: deleted.rowCount };
    });
    expect(result).toEqual({ role: 'operator', deleted: 1 });
  });

  it('the application role is no superuser and cannot change the structure', async () => {
    const role = await withPgClient(appUrl(), (client) =>
      client.query(`SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user`),
    );
    expect(role.rows[0]).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false });
    const INSUFFICIENT_PRIVILEGE = '42501';
    // Each statement: refused for lack of privilege (a typo would fail with another code and fail the test).
    expect(await failureCode(appUrl(), 'CREATE TABLE intruder (id int)')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), 'CREATE SCHEMA intruder')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), 'DROP TABLE users')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), 'ALTER TABLE users ADD COLUMN intruder int')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), 'TRUNCATE audit_log')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), 'CREATE DATABASE intruder')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('the application role cannot rewrite the migration history; the owner (and a backup acting as it) can', async () => {
    // pg_write_all_data covers every table, so a per-table REVOKE changes nothing: a trigger of the migrations
    // refuses writes to _prisma_migrations from any role that does not act as its owner.
    const INSUFFICIENT_PRIVILEGE = '42501';
    expect(await failureCode(appUrl(), `UPDATE _prisma_migrations SET checksum = 'forged'`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await failureCode(appUrl(), `DELETE FROM _prisma_migrations`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(
      await failureCode(
        appUrl(),
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('forged', 'x', now(), '29991231000000_forged', 1)`,
      ),
    ).toBe(INSUFFICIENT_PRIVILEGE);
    // Reading stays open (the services and the backup manifest read which migrations are applied).
    const read = await withPgClient(appUrl(), (client) => client.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE checksum = 'forged'`));
    expect(read.rows[0].n).toBe(0);
    // The owner still records migrations; the backup role, acting as the owner, too.
    for (const url of [ownerUrl(), backupUrl()]) {
      await withPgClient(url, async (client) => {
        await client.query('BEGIN');
        await client.query(`UPDATE _prisma_migrations SET logs = logs WHERE migration_name = (SELECT min(migration_name) FROM _prisma_migrations)`);
        await client.query('ROLLBACK');
      });
    }
  });

  it('tables of a schema a later migration adds are open to the application, too', async () => {
    await withPgClient(ownerUrl(), async (client) => {
      await client.query('CREATE SCHEMA later_feature');
      await client.query('CREATE TABLE later_feature.hits (id bigserial PRIMARY KEY, path text NOT NULL)');
    });
    const rows = await withPgClient(appUrl(), async (client) => {
      await client.query(`INSERT INTO later_feature.hits (path) VALUES ('/live/a.m3u8')`);
      await client.query(`UPDATE later_feature.hits SET path = '/live/b.m3u8'`);
      const read = await client.query('SELECT path FROM later_feature.hits');
      await client.query('DELETE FROM later_feature.hits');
      return read.rows;
    });
    expect(rows).toEqual([{ path: '/live/b.m3u8' }]);
    expect(await failureCode(appUrl(), 'CREATE TABLE later_feature.intruder (id int)')).toBe('42501');
  });

  it('the traffic schema: the application keeps its daily partitions through the owner\'s functions only', async () => {
    const result = await withPgClient(appUrl(), async (client) => {
      const created = await client.query(`SELECT traffic.create_daily_partition('view_sessions', DATE '2026-01-15') AS created`);
      const owner = await client.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'traffic' AND tablename = 'view_sessions_20260115'`);
      const dropped = await client.query(`SELECT traffic.drop_daily_partitions('view_sessions', DATE '2026-01-17') AS name`);
      await client.query('SELECT count(*) FROM traffic.requests');
      return { created: created.rows[0].created, owner: owner.rows[0]?.tableowner, dropped: dropped.rows.map((row) => row.name) };
    });
    expect(result).toEqual({ created: true, owner: 'castline_owner', dropped: ['view_sessions_20260115'] });
    expect(await failureCode(appUrl(), 'CREATE TABLE traffic.intruder (id int)')).toBe('42501');
    expect(await failureCode(appUrl(), 'DROP TABLE traffic.view_sessions_default')).toBe('42501');
  });

  it('the backup role reads every table (pg_dump), creates databases and renames the ones it made', async () => {
    const count = await withPgClient(backupUrl(), (client) =>
      client.query('SELECT current_user, session_user, count(*)::int AS n FROM _prisma_migrations GROUP BY 1, 2'),
    );
    // Logged in as itself, acting as the owner.
    expect(count.rows[0]).toMatchObject({ session_user: 'castline_backup', current_user: 'castline_owner' });
    expect(count.rows[0].n).toBeGreaterThan(0);
    // pg_dump as the backup service runs it (custom format, no owners), the whole database.
    const dump = await run(path.join(bin, 'pg_dump'), ['-Fc', '--no-owner', '-f', path.join(workDir, 'castline.dump'), backupUrl()]);
    expect(dump.stderr).toBe('');
    const listing = await run(path.join(bin, 'pg_restore'), ['--list', path.join(workDir, 'castline.dump')]);
    expect(listing.stdout).toMatch(/TABLE DATA public users /);
    expect(listing.stdout).toMatch(/TABLE DATA legacy notes /);
    const suffix = randomBytes(4).toString('hex');
    await withPgClient(backupUrl('postgres'), async (client) => {
      await client.query(`CREATE DATABASE castline_restore_${suffix}`);
      await client.query(`ALTER DATABASE castline_restore_${suffix} RENAME TO castline_restored_${suffix}`);
      const names = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE '%_${suffix}'`);
      expect(names.rows).toEqual([{ datname: `castline_restored_${suffix}` }]);
      await client.query(`DROP DATABASE castline_restored_${suffix}`);
    });
  });

  it('TCP connections need the password (scram-sha-256), and passwords are stored as scram verifiers', async () => {
    const INVALID_PASSWORD = '28P01';
    expect(await failureCode(urlOf('castline_app', 'wrong-password'), 'SELECT 1')).toBe(INVALID_PASSWORD);
    expect(await failureCode(urlOf('castline_owner', passwords.app), 'SELECT 1')).toBe(INVALID_PASSWORD);
    expect(await failureCode(urlOf('postgres', 'wrong-password'), 'SELECT 1')).toBe(INVALID_PASSWORD);
    const hba = readFileSync(path.join(dataDir, 'pg_hba.conf'), 'utf8');
    expect(hba).toMatch(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/m);
    expect(hba).not.toMatch(/^host\s.*\b(trust|md5|password)$/m);
    const verifiers = await withPgClient(urlOf('postgres', passwords.superuser, 'postgres'), (client) =>
      client.query(`SELECT rolname, left(rolpassword, 14) AS method FROM pg_authid WHERE rolname LIKE 'castline_%' ORDER BY 1`),
    );
    expect(verifiers.rows).toEqual(
      ['castline_app', 'castline_backup', 'castline_owner'].map((rolname) => ({ rolname, method: 'SCRAM-SHA-256$' })),
    );
  });

  it('a restore as the backup service does it (new database, pg_restore, switch) leaves a database both roles can use', async () => {
    const suffix = randomBytes(4).toString('hex');
    const [incoming, previous] = [`castline_restore_${suffix}`, `castline_previous_${suffix}`];
    const archive = path.join(workDir, `restore-${suffix}.dump`);
    const marker = `restored-${suffix}@castline.test`;
    await withPgClient(appUrl(), (client) =>
      client.query(`INSERT INTO users (id, email, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'x', now())`, [marker]),
    );
    // The backup service's pg_dump and pg_restore flags (services/backup/src/database, restore).
    await run(path.join(bin, 'pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', '-f', archive, backupUrl()]);
    await withPgClient(backupUrl('postgres'), (client) => client.query(`CREATE DATABASE ${incoming} TEMPLATE template0`));
    await run(path.join(bin, 'pg_restore'), ['--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${backupUrl(incoming)}`, archive]);

    const appSession = new Client({ connectionString: appUrl() });
    appSession.on('error', () => undefined); // its end is asserted below
    await appSession.connect();
    await withPgClient(backupUrl('postgres'), async (client) => {
      await client.query(`ALTER DATABASE ${DB} ALLOW_CONNECTIONS false`);
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${DB}' AND pid <> pg_backend_pid()`);
      await client.query('BEGIN');
      await client.query(`ALTER DATABASE ${DB} RENAME TO ${previous}`);
      await client.query(`ALTER DATABASE ${incoming} RENAME TO ${DB}`);
      await client.query('COMMIT');
      await client.query(`ALTER DATABASE ${previous} ALLOW_CONNECTIONS true`);
    });
    await expect(appSession.query('SELECT 1')).rejects.toThrow();
    await appSession.end().catch(() => undefined);

    // The restored database: the services read and write its rows (sequences too) and change nothing else...
    const restored = await withPgClient(appUrl(), async (client) => {
      const found = await client.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [marker]);
      await client.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('system', 'restore.test', 200, 'success')`);
      await client.query('DELETE FROM users WHERE email = $1', [marker]);
      return found.rows[0].n;
    });
    expect(restored).toBe(1);
    expect(await failureCode(appUrl(), 'CREATE TABLE intruder (id int)')).toBe('42501');
    expect(await failureCode(appUrl(), 'ALTER TABLE users ADD COLUMN intruder int')).toBe('42501');
    // The dump carried the guard of the migration history.
    expect(await failureCode(appUrl(), 'DELETE FROM _prisma_migrations')).toBe('42501');
    // ...and it belongs to the owner, so the next migration can change it.
    const owners = await withPgClient(ownerUrl(), async (client) => {
      await client.query('ALTER TABLE users ADD COLUMN restore_probe int');
      await client.query('ALTER TABLE users DROP COLUMN restore_probe');
      const tables = await client.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
      const database = await client.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`);
      return { tables: tables.rows, database: database.rows[0].owner };
    });
    expect(owners).toEqual({ tables: [{ tableowner: 'castline_owner' }], database: 'castline_owner' });
    await withPgClient(backupUrl('postgres'), (client) => client.query(`DROP DATABASE ${previous} WITH (FORCE)`));
  });
});
