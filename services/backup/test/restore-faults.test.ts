import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Rpc, type RpcContract, type RpcRequest, type RpcResponse } from '@castline/contracts';
import { databaseNameOf, dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { type BaseConfig, connectNats, NatsClient } from '@castline/platform';
import { createTestDatabase, redisKeyPrefix, type ServiceProcess, spawnService, startTestNats, type TestDatabase, type TestNats } from '@castline/testkit';
import type { NatsConnection } from '@nats-io/transport-node';
import { backupEnv, seedEveryTable, tableDigests, waitUntil } from './backup-support';

/**
 * SIGKILL at each restore step (BACKUP_FAULT_AT, the service's fault-injection hook), then a clean start: the
 * live database is untouched or fully switched, the restore has its result, and no restore database is left.
 */
let database: TestDatabase;
let nats: TestNats;
let connection: NatsConnection;
let client: NatsClient;
let work: string;
let env: Record<string, string>;
let service: ServiceProcess | undefined;

const call = <R extends RpcContract>(rpc: R, payload: RpcRequest<R>): Promise<RpcResponse<R>> => client.call(rpc, payload);

async function start(fault?: string): Promise<ServiceProcess> {
  service = await spawnService('backup', { ...env, ...(fault ? { BACKUP_FAULT_AT: fault } : {}) });
  return service;
}

async function databasesNamed(part: string): Promise<string[]> {
  return withPgClient(withDatabaseName(database.url, 'postgres'), async (pg) =>
    (await pg.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`${databaseNameOf(database.url)}${part}%`])).rows.map((row) => row.datname),
  );
}

beforeAll(async () => {
  database = await createTestDatabase('backup_faults');
  await seedEveryTable(database.url);
  nats = await startTestNats();
  connection = await connectNats(nats.url, 'backup-faults-test');
  client = new NatsClient(connection, { CONTRACT_VALIDATION: 'on' } as BaseConfig);
  const setup = await backupEnv();
  work = setup.work;
  env = { ...setup.env, DATABASE_URL: database.url, NATS_URL: nats.url, REDIS_URL: process.env.REDIS_URL ?? '', REDIS_KEY_PREFIX: redisKeyPrefix('backup_faults'), LOG_LEVEL: 'warn' };
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await connection?.drain();
  await nats?.stop();
  for (const name of await databasesNamed('_')) await dropDatabase(withDatabaseName(database.url, name));
  await database?.drop();
  await rm(work, { recursive: true, force: true });
});

const STEPS = ['verify', 'restore_database', 'check', 'copy_backup_tables', 'switch', 'switched', 'files'] as const;
const SWITCHED = new Set(['switched', 'files']);

describe('SIGKILL during a restore, then a restart', () => {
  let backupId: string;
  let backupName: string;
  let atBackup: Awaited<ReturnType<typeof tableDigests>>;

  beforeAll(async () => {
    await start();
    const created = await call(Rpc.backups.create, {});
    const backup = await waitUntil(() => call(Rpc.backups.get, { id: created.id }), (row) => row.status !== 'running');
    expect(backup.status).toBe('completed');
    backupId = backup.id;
    backupName = backup.name;
    atBackup = await tableDigests(database.url);
    await service!.stop();
  }, 60_000);

  it.each(STEPS)('killed at %s: live database untouched or fully switched, nothing left over', async (step) => {
    // Rows written after the backup: still there when the restore never switched, gone when it did.
    await withPgClient(database.url, (pg) => pg.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('user', $1, 200, 'success')`, [`after-${step}`]));
    const changed = await tableDigests(database.url);
    const faulty = await start(step);
    const restore = await call(Rpc.backups.restore, { id: backupId, confirm: backupName });
    const [code, signal] = (await once(faulty.child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    await start();
    const finished = await waitUntil(() => call(Rpc.backups.restoreGet, { id: restore.id }), (row) => row.result !== null);
    expect(finished.result).toBe('interrupted');
    expect(await databasesNamed('_restore_')).toEqual([]);
    if (SWITCHED.has(step)) {
      expect(await tableDigests(database.url)).toEqual(atBackup);
      expect(finished.error).toContain('the database is restored');
      expect(await databasesNamed('_pre_restore_')).toContain(finished.previousDatabase);
    } else {
      expect(await tableDigests(database.url)).toEqual(changed);
      expect(finished.error).toContain('the live database was never touched');
    }
    await service!.stop();
  }, 60_000);
});
