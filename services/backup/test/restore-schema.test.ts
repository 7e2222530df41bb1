import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rpc } from '@castline/contracts';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, databaseNameOf, defaultDatabaseUrl, dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startBackup } from '../src/backup-app';
import { backupName, runBackup } from '../src/backups/backup-runner';
import { BackupKeyring } from '../src/crypto/backup-keyring';
import { backupEnv, seedEveryTable, TEST_BACKUP_KEY, tableDigests, waitUntil } from './backup-support';

const works: string[] = [];
const leftovers: string[] = [];
let harness: ServiceHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  for (const url of leftovers) await dropDatabase(url).catch(() => undefined);
  for (const work of works) await rm(work, { recursive: true, force: true });
});

let backupDir = '';

async function start(): Promise<ServiceHarness> {
  const setup = await backupEnv();
  works.push(setup.work);
  backupDir = setup.env.BACKUP_DIR!;
  harness = await startServiceHarness('backup_schema', startBackup, setup.env);
  return harness;
}

async function backupAndRestore(service: ServiceHarness) {
  const created = await service.call(Rpc.backups.create, {});
  const backup = await waitUntil(() => service.call(Rpc.backups.get, { id: created.id }), (row) => row.status !== 'running');
  expect(backup.status).toBe('completed');
  const restore = await service.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name });
  return waitUntil(() => service.call(Rpc.backups.restoreGet, { id: restore.id }), (row) => row.result !== null, 60_000);
}

describe('restore and the schema version', () => {
  it('refuses a backup whose database has migrations this version does not know (BACKUP_SCHEMA_NEWER)', async () => {
    const service = await start();
    await seedEveryTable(service.databaseUrl);
    await withPgClient(service.databaseUrl, (client) =>
      client.query(
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('future', 'x', now(), '29991231000000_from_the_future', 1)`,
      ),
    );
    const finished = await backupAndRestore(service);
    expect(finished.result).toBe('failed');
    expect(finished.steps.map((step) => [step.step, step.result])).toEqual([
      ['verify', 'success'],
      ['restore_database', 'success'],
      ['check', 'failed'],
    ]);
    expect(finished.error).toContain('29991231000000_from_the_future');
    expect(finished.error).toContain('restore it with a newer Castline');
    // Only this test's databases: other suites restore on the same server at the same time.
    const live = databaseNameOf(service.databaseUrl);
    const restoreDatabases = await withPgClient(withDatabaseName(service.databaseUrl, 'postgres'), async (client) =>
      (await client.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`${live}_restore_`])).rows,
    );
    expect(restoreDatabases).toEqual([]);
  });

  it('migrates an older backup forward before the switch', async () => {
    // A backup taken by the previous version: its database has every migration but the newest one.
    const migrations = (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((name) => /^\d+_/.test(name)).sort();
    const newest = migrations.at(-1)!;
    const olderDir = await mkdtemp(path.join(tmpdir(), 'castline-older-migrations-'));
    works.push(olderDir);
    await cp(DEFAULT_MIGRATIONS_DIR, olderDir, { recursive: true });
    await rm(path.join(olderDir, newest), { recursive: true });
    const olderUrl = withDatabaseName(defaultDatabaseUrl(), `castline_test_backup_older_${randomBytes(4).toString('hex')}`);
    await applyMigrations(olderUrl, { migrationsDir: olderDir });
    leftovers.push(olderUrl);
    await seedEveryTable(olderUrl);
    const before = await tableDigests(olderUrl);

    // This version's service, whose catalogue lists that backup.
    const service = await start();
    const id = randomUUID();
    const name = backupName(id, new Date());
    const taken = await runBackup({ id, name, components: ['database'], excludeTableData: [] }, { databaseUrl: olderUrl, uploadsDir: path.join(backupDir, 'none'), lowPriority: false }, backupDir, new BackupKeyring(TEST_BACKUP_KEY));
    expect(taken.manifest.database.migrations.at(-1)).not.toBe(newest);
    await withPgClient(service.databaseUrl, (client) =>
      client.query(`INSERT INTO system_backups (id, name, trigger, status, manifest_sha256, completed_at) VALUES ($1, $2, 'manual', 'completed', $3, now())`, [
        id,
        name,
        createHash('sha256').update(taken.manifestText).digest('hex'),
      ]),
    );
    const restore = await service.call(Rpc.backups.restore, { id, confirm: name });
    const finished = await waitUntil(() => service.call(Rpc.backups.restoreGet, { id: restore.id }), (row) => row.result !== null, 60_000);
    const liveUrl = service.databaseUrl;
    leftovers.push(withDatabaseName(liveUrl, finished.previousDatabase ?? 'none'));
    expect(finished).toMatchObject({ result: 'success', error: null });
    expect(finished.steps.find((step) => step.step === 'check')?.detail).toContain(`migrated forward: ${newest}`);
    const applied = await withPgClient(liveUrl, async (client) => (await client.query(`SELECT migration_name FROM _prisma_migrations`)).rows.map((row) => row.migration_name as string));
    expect(applied).toContain(newest);
    // The rows that were there are there; the newest migration may only have added tables.
    const after = await tableDigests(liveUrl);
    for (const [table, digest] of Object.entries(before).filter(([name]) => name !== '_prisma_migrations')) expect({ table, ...after[table] }).toEqual({ table, ...digest });
  });
});
