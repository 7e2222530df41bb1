import { randomUUID } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rpc } from '@castline/contracts';
import { withDatabaseName, withPgClient } from '@castline/db';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startBackup } from '../src/backup-app';
import { scheduleIntervalMs } from '../src/backups/backup-health';
import { backupEnv, seedEveryTable, waitUntil } from './backup-support';

/** Health (degraded on a stale last success or a pg_dump of another major), metrics, and the scheduled restore test. */
const works: string[] = [];
const harnesses: ServiceHarness[] = [];

afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  for (const work of works) await rm(work, { recursive: true, force: true });
});

async function start(label: string, env: Record<string, string> = {}): Promise<ServiceHarness> {
  const setup = await backupEnv();
  works.push(setup.work);
  const harness = await startServiceHarness(label, startBackup, { ...setup.env, ...env });
  harnesses.push(harness);
  return harness;
}

const backupsCheck = async (harness: ServiceHarness) => {
  const report = await harness.call(Rpc.health('backup'), {});
  return { status: report.status, check: report.checks.find((check) => check.name === 'backups') };
};

async function metric(harness: ServiceHarness, name: string): Promise<number> {
  const text = (await harness.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) || row.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not in /metrics`);
  return Number(line.split(' ').at(-1));
}

describe('schedule interval', () => {
  it('is the time between two runs of the cron', () => {
    expect(scheduleIntervalMs('0 3 * * *', 'UTC')).toBe(86_400_000);
    expect(scheduleIntervalMs('*/15 * * * *', 'Europe/Berlin')).toBe(900_000);
  });
});

describe('backup health, metrics and the restore test', () => {
  it('is degraded while the last success is older than twice the schedule, up after a backup', async () => {
    const harness = await start('backup_health', { BACKUP_RESTORE_TEST_CRON: '' });
    await seedEveryTable(harness.databaseUrl);
    expect(await backupsCheck(harness)).toMatchObject({ status: 'up', check: { status: 'up' } });
    expect(await metric(harness, 'castline_backup_last_success_timestamp_seconds')).toBe(0);

    // Hourly schedule, the last success three hours ago.
    await harness.call(Rpc.backups.updateSettings, { scheduleCron: '0 * * * *' });
    const old = new Date(Date.now() - 3 * 3_600_000);
    await withPgClient(harness.databaseUrl, (client) =>
      client.query(`INSERT INTO system_backups (id, name, trigger, status, started_at, completed_at, size_bytes) VALUES ($1, 'castline-old', 'schedule', 'completed', $2, $2, 10)`, [
        randomUUID(),
        old,
      ]),
    );
    const stale = await backupsCheck(harness);
    expect(stale).toMatchObject({ status: 'degraded', check: { status: 'degraded', error: expect.stringContaining(`completed ${old.toISOString()}, longer ago than twice the schedule (0 * * * *)`) } });
    await withPgClient(harness.databaseUrl, (client) => client.query(`DELETE FROM system_backups WHERE name = 'castline-old'`));

    const created = await harness.call(Rpc.backups.create, {});
    const backup = await waitUntil(() => harness.call(Rpc.backups.get, { id: created.id }), (row) => row.status !== 'running');
    expect(backup.status).toBe('completed');
    expect(await backupsCheck(harness)).toMatchObject({ status: 'up', check: { status: 'up' } });
    expect(await metric(harness, 'castline_backup_last_success_timestamp_seconds')).toBeCloseTo(Date.parse(backup.completedAt!) / 1000, 0);
    expect(await metric(harness, 'castline_backup_last_size_bytes')).toBe(backup.sizeBytes);
    expect(await metric(harness, 'castline_backup_pg_client_mismatch')).toBe(0);
    expect(await metric(harness, 'castline_backup_restore_test_last_success_timestamp_seconds')).toBe(0);
  });

  it('runs the scheduled restore test: verify, restore into a scratch database, check, drop', async () => {
    // Every 2 s: the restore test runs as soon as there is a backup to test.
    const harness = await start('backup_restore_test', { BACKUP_RESTORE_TEST_CRON: '*/2 * * * * *' });
    await seedEveryTable(harness.databaseUrl);
    const created = await harness.call(Rpc.backups.create, {});
    const backup = await waitUntil(() => harness.call(Rpc.backups.get, { id: created.id }), (row) => row.status !== 'running');
    expect(backup.status).toBe('completed');
    const tested = await waitUntil(
      async () => (await harness.call(Rpc.backups.restores, {})).items.find((item) => item.kind === 'test' && item.result !== null),
      (item) => item !== undefined,
      60_000,
    );
    expect(tested).toMatchObject({ kind: 'test', result: 'success', backupId: backup.id, error: null });
    expect(tested!.steps.map((step) => [step.step, step.result])).toEqual([
      ['verify', 'success'],
      ['restore_database', 'success'],
      ['check', 'success'],
      ['done', 'success'],
    ]);
    const scratch = tested!.restoreDatabase!;
    expect(scratch).toMatch(/_restoretest_[0-9a-f]{8}$/);
    const left = await withPgClient(withDatabaseName(harness.databaseUrl, 'postgres'), async (client) =>
      (await client.query(`SELECT datname FROM pg_database WHERE datname = $1`, [scratch])).rowCount,
    );
    expect(left).toBe(0);
    expect(await metric(harness, 'castline_backup_restore_test_last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(await metric(harness, 'castline_backup_failures_total')).toBe(0);
  }, 120_000);

  it('is degraded, naming both versions, when pg_dump is of another major than the server', async () => {
    const setup = await backupEnv();
    works.push(setup.work);
    const bin = path.join(setup.work, 'fake-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 11.22"\n');
    await chmod(path.join(bin, 'pg_dump'), 0o755);
    const harness = await startServiceHarness('backup_health_client', startBackup, { ...setup.env, PG_BIN_DIR: bin, BACKUP_RESTORE_TEST_CRON: '' });
    harnesses.push(harness);
    const { status, check } = await backupsCheck(harness);
    expect(status).toBe('degraded');
    expect(check).toMatchObject({ status: 'degraded', error: expect.stringMatching(/pg_dump 11\.22 .*PostgreSQL \d+/) });
    expect(await metric(harness, 'castline_backup_pg_client_mismatch')).toBe(1);
  });
});
