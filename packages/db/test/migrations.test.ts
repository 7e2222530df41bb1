import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDatabaseUrl, dropDatabase, maintenanceUrlOf, withDatabaseName, withPgClient } from '../src/databases';
import { applyMigrations, createMigration, DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, diffSql } from '../src/migrations';

const serverUrl = process.env.TEST_DATABASE_URL || defaultDatabaseUrl();
const shadowServerUrl = maintenanceUrlOf(serverUrl);
const databaseUrl = withDatabaseName(serverUrl, `castline_test_db_migrations_${randomBytes(4).toString('hex')}`);

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** prisma/schema.prisma with one more column on users, which no migration creates. */
async function schemaWithExtraColumn(): Promise<string> {
  const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
  const changed = schema.replace(/^model User \{\n/m, '$&  nickname String?\n');
  expect(changed).not.toBe(schema);
  return changed;
}

let firstRun: string[];

beforeAll(async () => {
  firstRun = await applyMigrations(databaseUrl);
});

afterAll(() => dropDatabase(databaseUrl));

describe('migrations and prisma/schema.prisma agree', () => {
  it('a database migrated from scratch has exactly the schema of prisma/schema.prisma', async () => {
    const drift = await diffSql({ from: { kind: 'database', url: databaseUrl }, to: { kind: 'schemaFile' }, shadowServerUrl });
    expect(drift).toBe('');
  });

  it('replaying the migrations on a shadow database gives no diff either', async () => {
    const drift = await diffSql({ from: { kind: 'migrations' }, to: { kind: 'schemaFile' }, shadowServerUrl });
    expect(drift).toBe('');
  });

  it('the same checks report a schema change that has no migration', async () => {
    const changed = { kind: 'datamodel' as const, text: await schemaWithExtraColumn() };
    const expected = /ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT;/;
    expect(await diffSql({ from: { kind: 'database', url: databaseUrl }, to: changed, shadowServerUrl })).toMatch(expected);
    expect(await diffSql({ from: { kind: 'migrations' }, to: changed, shadowServerUrl })).toMatch(expected);
  });
});

describe('applyMigrations', () => {
  it('applies every migration once and records it like prisma migrate deploy', async () => {
    const names = await migrationNames(DEFAULT_MIGRATIONS_DIR);
    expect(names.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(names);

    const rows = await withPgClient(databaseUrl, async (client) => {
      const result = await client.query<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      );
      return result.rows;
    });
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256').update(await readFile(join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex'),
        finished: true,
        rolled_back: false,
      })),
    );
    expect(rows).toEqual(expected);
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations(databaseUrl)).toEqual([]);
  });
});

describe('createMigration', () => {
  let workDir: string;
  let migrationsDir: string;

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'castline-migrations-'));
    migrationsDir = join(workDir, 'migrations');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  });

  afterEach(() => rm(workDir, { recursive: true, force: true }));

  it('refuses when the schema matches the migrations, writing nothing', async () => {
    const before = await readdir(migrationsDir);
    await expect(createMigration({ name: 'nothing', migrationsDir, shadowServerUrl })).rejects.toThrow(/^No changes/);
    expect(await readdir(migrationsDir)).toEqual(before);
  });

  it('refuses an invalid name', async () => {
    await expect(createMigration({ name: 'Add-Things', migrationsDir, shadowServerUrl })).rejects.toThrow(/Invalid migration name/);
    await expect(createMigration({ name: '', migrationsDir, shadowServerUrl })).rejects.toThrow(/Invalid migration name/);
  });

  it('writes the SQL for a schema change into a new timestamped migration', async () => {
    const schemaPath = join(workDir, 'schema.prisma');
    await writeFile(schemaPath, await schemaWithExtraColumn());
    const created = await createMigration({
      name: 'add_nickname',
      migrationsDir,
      schemaPath,
      shadowServerUrl,
      now: new Date('2099-01-02T03:04:05Z'),
    });
    expect(created.name).toBe('20990102030405_add_nickname');
    expect(await readFile(join(created.directory, 'migration.sql'), 'utf8')).toMatch(/ADD COLUMN\s+"nickname" TEXT;/);
    await expect(createMigration({ name: 'again', migrationsDir, schemaPath, shadowServerUrl })).rejects.toThrow(/^No changes/);
  });
});
