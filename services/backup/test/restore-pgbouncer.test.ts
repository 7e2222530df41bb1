import { rm } from 'node:fs/promises';
import { Client, Pool } from 'pg';
import { Rpc } from '@castline/contracts';
import { dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { type ServiceHarness, startServiceHarness, startTestPgBouncer, type TestPgBouncer, testServerUrl } from '@castline/testkit';
import { startBackup } from '../src/backup-app';
import { backupEnv, seedEveryTable, tableDigests, waitUntil } from './backup-support';

/**
 * The restore switch through a real PgBouncer (transaction pooling), as in production: PAUSE, renames, RESUME.
 * A client hammering queries through PgBouncer sees zero errors, only a pause.
 */
let harness: ServiceHarness;
let bouncer: TestPgBouncer;
let work: string;
const leftovers: string[] = [];

beforeAll(async () => {
  bouncer = await startTestPgBouncer(testServerUrl());
  const setup = await backupEnv();
  work = setup.work;
  harness = await startServiceHarness('backup_pgbouncer', startBackup, {
    ...setup.env,
    BACKUP_PGBOUNCER_ADMIN_URL: bouncer.adminUrl,
    BACKUP_PGBOUNCER_PAUSE_TIMEOUT_MS: '3000',
  });
  await seedEveryTable(harness.databaseUrl);
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await bouncer?.stop();
  for (const name of leftovers) await dropDatabase(withDatabaseName(harness.databaseUrl, name)).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

/** The harness database, reached through PgBouncer (same name, PgBouncer's port). */
const throughBouncer = () => bouncer.url.replace(/\/[^/]*$/, `/${new URL(harness.databaseUrl).pathname.slice(1)}`);

const backupDone = (id: string) => waitUntil(() => harness.call(Rpc.backups.get, { id }), (backup) => backup.status !== 'running');
const restoreDone = (id: string) => waitUntil(() => harness.call(Rpc.backups.restoreGet, { id }), (restore) => restore.result !== null, 60_000);

describe('restore switch through PgBouncer', () => {
  it('pauses the pools across the renames: a client hammering queries sees zero errors', async () => {
    const backup = await backupDone((await harness.call(Rpc.backups.create, {})).id);
    expect(backup.status).toBe('completed');
    const before = await tableDigests(harness.databaseUrl);
    await withPgClient(harness.databaseUrl, (client) => client.query(`DELETE FROM channels`));

    const pool = new Pool({ connectionString: throughBouncer(), max: 4 });
    const errors: string[] = [];
    pool.on('error', (error) => errors.push(`idle client: ${error.message}`));
    let running = true;
    let reads = 0;
    const counts = new Set<number>();
    // Four concurrent loops, each query on whatever server connection PgBouncer hands out.
    const loops = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          counts.add(Number((await pool.query('SELECT count(*) AS n FROM channels')).rows[0].n));
          reads++;
        } catch (error) {
          errors.push((error as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    });
    let finished;
    try {
      await waitUntil(async () => reads, (n) => n > 20);
      const restore = await harness.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name });
      finished = await restoreDone(restore.id);
      const readsAtEnd = reads;
      // Still reading after the switch, now the restored data.
      await waitUntil(async () => reads, (n) => n > readsAtEnd + 20);
    } finally {
      running = false;
      await Promise.all(loops);
      await pool.end();
    }
    if (finished.previousDatabase) leftovers.push(finished.previousDatabase);
    expect(finished).toMatchObject({ result: 'success', error: null });
    const switchStep = finished.steps.find((step) => step.step === 'switch')!;
    expect(switchStep.detail).toMatch(/^PgBouncer paused \w+ for \d+ ms$/);
    console.log(`through PgBouncer: ${switchStep.detail}; ${reads} reads, ${errors.length} errors`);
    expect(errors).toEqual([]);
    // Both sides of the switch were seen: the emptied table, then the restored rows.
    expect([...counts].sort()).toEqual([0, before.channels!.rows]);
    expect(await tableDigests(harness.databaseUrl)).toEqual(before);
  });

  it('abandons the switch when PAUSE cannot finish (a long transaction), resuming the pools', async () => {
    const backup = await backupDone((await harness.call(Rpc.backups.create, {})).id);
    const before = await tableDigests(harness.databaseUrl);
    // A transaction held open through PgBouncer keeps its server connection: PAUSE waits for it.
    const holder = new Client({ connectionString: throughBouncer() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1');
    let finished;
    try {
      const restore = await harness.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name });
      finished = await restoreDone(restore.id);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    expect(finished.result).toBe('failed');
    expect(finished.steps.at(-1)).toMatchObject({ step: 'switch', result: 'failed' });
    expect(finished.error).toContain('could not pause');
    expect(finished.previousDatabase).toBeNull();
    // The live database untouched, the restored copy dropped, and PgBouncer serving again.
    expect(await tableDigests(harness.databaseUrl)).toEqual(before);
    const name = new URL(harness.databaseUrl).pathname.slice(1);
    const others = await withPgClient(harness.databaseUrl, async (client) =>
      (await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}_restore_%`])).rows,
    );
    expect(others).toEqual([]);
    await expect(withPgClient(throughBouncer(), (client) => client.query('SELECT 1 AS one'))).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
});
