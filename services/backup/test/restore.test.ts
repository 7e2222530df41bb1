import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Pool } from 'pg';
import { Rpc } from '@castline/contracts';
import { databaseNameOf, dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startBackup } from '../src/backup-app';
import { backupEnv, SEEDED_TABLES, seedEveryTable, tableDigests, waitUntil } from './backup-support';

let harness: ServiceHarness;
let work: string;
let uploadsDir: string;
let mediaRoot: string;
const leftovers: string[] = [];

beforeAll(async () => {
  const setup = await backupEnv();
  work = setup.work;
  uploadsDir = setup.env.UPLOADS_DIR!;
  mediaRoot = setup.env.MEDIA_ROOT!;
  harness = await startServiceHarness('backup_restore', startBackup, setup.env);
  await harness.call(Rpc.backups.updateSettings, { components: ['database', 'uploads', 'media', 'config', 'nginx'] });
  await seedEveryTable(harness.databaseUrl);
  await writeFile(path.join(mediaRoot, 'originals', 'v1.mp4'), Buffer.alloc(300_000, 7));
  await writeFile(path.join(mediaRoot, 'vod', 'v1', 'index.m3u8'), '#EXTM3U\n');
  // In flight: a tus upload being received and a transcode's scratch files are not archived.
  await writeFile(path.join(mediaRoot, 'incoming', 'upload-1'), 'half an upload');
  await writeFile(path.join(mediaRoot, 'work', 'segment.ts'), 'scratch');
  await writeFile(path.join(uploadsDir, 'logos', 'logo.png'), Buffer.from([1, 2, 3, 4]));
  await writeFile(path.join(uploadsDir, 'logos', 'big.png'), Buffer.alloc(200_000, 9));
}, 60_000);

afterAll(async () => {
  await harness?.close();
  for (const name of leftovers) await dropDatabase(withDatabaseName(harness.databaseUrl, name)).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

const backupDone = (id: string) =>
  waitUntil(() => harness.call(Rpc.backups.get, { id }), (backup) => backup.status !== 'running');
const restoreDone = (id: string) =>
  waitUntil(() => harness.call(Rpc.backups.restoreGet, { id }), (restore) => restore.result !== null, 60_000);

describe('backup and restore through the service', () => {
  it('round-trips every table and every file, switching the database in place', async () => {
    const created = await harness.call(Rpc.backups.create, { requestedBy: 'admin-1' });
    expect(created).toMatchObject({ status: 'running', trigger: 'manual', requestedBy: 'admin-1' });
    const backup = await backupDone(created.id);
    expect(backup).toMatchObject({ status: 'completed', error: null });
    expect(backup.components.map((component) => [component.kind, component.status])).toEqual([
      ['database', 'completed'],
      ['uploads', 'completed'],
      ['media', 'completed'],
      ['config', 'completed'],
      ['nginx', 'completed'],
    ]);
    const directory = path.join(work, 'backups', backup.name);
    expect((await readdir(directory)).sort()).toEqual(['config.env', 'database.pgdump', 'manifest.json', 'media.tar', 'nginx.tar', 'uploads.tar']);
    const manifest = JSON.parse(await readFile(path.join(directory, 'manifest.json'), 'utf8')) as { files: { component: string; members?: { path: string }[] }[] };
    const members = (kind: string) => manifest.files.find((file) => file.component === kind)!.members!.map((member) => member.path);
    expect(members('media')).toEqual(['originals/v1.mp4', 'vod/v1/index.m3u8']);
    expect(members('nginx')).toEqual(['nginx.conf', 'snippets/tls.conf']);
    const before = await tableDigests(harness.databaseUrl);
    // Every table is compared below; these hold rows (tables of areas added later are compared, possibly empty).
    for (const table of SEEDED_TABLES) expect({ table, rows: before[table]?.rows }).toEqual({ table, rows: expect.any(Number) });
    expect(SEEDED_TABLES.every((table) => before[table]!.rows > 0)).toBe(true);

    // Change everything afterwards: rows, a file's content, a new file.
    await withPgClient(harness.databaseUrl, async (client) => {
      await client.query(`DELETE FROM channels`);
      await client.query(`UPDATE users SET name = 'changed'`);
      await client.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('user', 'x', 200, 'success')`);
    });
    await writeFile(path.join(uploadsDir, 'logos', 'logo.png'), 'changed');
    await writeFile(path.join(uploadsDir, 'logos', 'new.png'), 'new');
    await writeFile(path.join(mediaRoot, 'originals', 'v1.mp4'), 'changed');
    await writeFile(path.join(mediaRoot, 'vod', 'v1', 'extra.ts'), 'later');
    await writeFile(path.join(work, 'local.env'), 'JWT_SECRET=rotated\nADMIN_EMAIL=admin@castline.local\nNEW_KEY=1\n');
    const changed = await tableDigests(harness.databaseUrl);
    expect(changed).not.toEqual(before);

    await expect(harness.call(Rpc.backups.restore, { id: backup.id, confirm: 'not-the-name' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });

    // A client reads the live database in a loop across the switch.
    const pool = new Pool({ connectionString: harness.databaseUrl, max: 2 });
    pool.on('error', () => undefined);
    let reading = true;
    let errors = 0;
    let reads = 0;
    const loop = (async () => {
      while (reading) {
        try {
          await pool.query('SELECT count(*) FROM channels');
          reads++;
        } catch {
          errors++;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    let restore;
    let finished;
    try {
      restore = await harness.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name, requestedBy: 'admin-1' });
      finished = await restoreDone(restore.id);
    } finally {
      reading = false;
      await loop;
      await pool.end();
    }
    if (finished.previousDatabase) leftovers.push(finished.previousDatabase);

    expect(finished).toMatchObject({ result: 'success', error: null, backupName: backup.name });
    expect(finished.steps.map((step) => [step.step, step.result])).toEqual([
      ['verify', 'success'],
      ['restore_database', 'success'],
      ['check', 'success'],
      ['copy_backup_tables', 'success'],
      ['switch', 'success'],
      ['files', 'success'],
      ['done', 'success'],
    ]);
    expect(finished.switchWindowMs).toBeGreaterThanOrEqual(0);
    console.log(`switch window ${finished.switchWindowMs} ms; client loop: ${reads} reads, ${errors} errors (no PgBouncer: sessions are ended)`);

    // Every table as it was at the backup; the catalogue and this restore's history survived the switch.
    expect(await tableDigests(harness.databaseUrl)).toEqual(before);
    expect((await harness.call(Rpc.backups.get, { id: backup.id })).status).toBe('completed');
    expect((await harness.call(Rpc.backups.restores, {})).items.map((item) => item.id)).toContain(restore.id);
    // The previous database is kept under its pre-restore name.
    const preRestore = await withPgClient(withDatabaseName(harness.databaseUrl, finished.previousDatabase!), async (client) =>
      Number((await client.query(`SELECT count(*) AS n FROM channels`)).rows[0].n),
    );
    expect(preRestore).toBe(0);
    expect(finished.previousDatabase).toBe(`${databaseNameOf(harness.databaseUrl)}_pre_restore_${restore.id.replaceAll('-', '').slice(0, 8)}`);

    // Files: identical to the backup; the file it did not hold moved aside.
    expect(await readFile(path.join(uploadsDir, 'logos', 'logo.png'))).toEqual(Buffer.from([1, 2, 3, 4]));
    expect((await readFile(path.join(uploadsDir, 'logos', 'big.png'))).length).toBe(200_000);
    const entries = await readdir(uploadsDir, { recursive: true });
    expect(entries.filter((entry) => entry.endsWith('new.png'))).toEqual([path.join(`.pre-restore-${restore.id.replaceAll('-', '').slice(0, 8)}`, 'logos', 'new.png')]);
    expect(entries.some((entry) => entry.includes('.tmp'))).toBe(false);
    // Media: the library as backed up, a later file moved aside, what was in flight left alone.
    expect(await readFile(path.join(mediaRoot, 'originals', 'v1.mp4'))).toEqual(Buffer.alloc(300_000, 7));
    const media = await readdir(mediaRoot, { recursive: true });
    expect(media.filter((entry) => entry.endsWith('extra.ts'))).toEqual([path.join(`.pre-restore-${restore.id.replaceAll('-', '').slice(0, 8)}`, 'vod', 'v1', 'extra.ts')]);
    expect(await readFile(path.join(mediaRoot, 'incoming', 'upload-1'), 'utf8')).toBe('half an upload');
    // nginx and config are restored aside (read at start), the config with a key-only diff.
    const aside = path.join(work, 'backups', `.restored-${restore.id.replaceAll('-', '').slice(0, 8)}`);
    expect(await readFile(path.join(aside, 'nginx', 'snippets', 'tls.conf'), 'utf8')).toBe('ssl_protocols TLSv1.3;\n');
    expect(await readFile(path.join(aside, 'config.env'), 'utf8')).toBe('JWT_SECRET=test\nADMIN_EMAIL=admin@castline.local\n');
    const filesStep = finished.steps.find((step) => step.step === 'files')!;
    expect(filesStep.detail).toContain('only in the current file: NEW_KEY; changed: JWT_SECRET');
    expect(filesStep.detail).not.toContain('rotated');
    // The loop read again after the switch.
    expect(reads).toBeGreaterThan(0);

    // Undo: the replaced database is live again, the restored one kept aside; history has both.
    const undo = await harness.call(Rpc.backups.undo, { id: restore.id, requestedBy: 'admin-1' });
    const undone = await restoreDone(undo.id);
    if (undone.previousDatabase) leftovers.push(undone.previousDatabase);
    expect(undone).toMatchObject({ kind: 'undo', result: 'success', error: null });
    expect(undone.steps.map((step) => step.step)).toEqual(['copy_backup_tables', 'switch', 'done']);
    expect(await tableDigests(harness.databaseUrl)).toEqual(changed);
    expect((await harness.call(Rpc.backups.restores, {})).items.map((item) => [item.kind, item.result])).toEqual([
      ['undo', 'success'],
      ['restore', 'success'],
    ]);
    // The pre-restore database is live again under the live name: nothing to undo twice.
    await expect(harness.call(Rpc.backups.undo, { id: restore.id })).rejects.toMatchObject({ status: 409 });
  });

  it('refuses to restore a corrupt backup and leaves the live database untouched', async () => {
    const backup = await backupDone((await harness.call(Rpc.backups.create, {})).id);
    expect(backup.status).toBe('completed');
    const file = path.join(work, 'backups', backup.name, 'database.pgdump');
    const bytes = await readFile(file);
    bytes[bytes.length - 40]! ^= 0xff;
    await writeFile(file, bytes);
    await withPgClient(harness.databaseUrl, (client) => client.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('user', 'after', 200, 'success')`));
    const before = await tableDigests(harness.databaseUrl);
    const restore = await harness.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name });
    const finished = await restoreDone(restore.id);
    expect(finished.result).toBe('failed');
    expect(finished.steps.map((step) => [step.step, step.result])).toEqual([['verify', 'failed']]);
    expect(finished.error).toContain('database.pgdump: SHA-256 differs from the manifest');
    expect((await harness.call(Rpc.backups.get, { id: backup.id })).status).toBe('corrupt');
    expect(await tableDigests(harness.databaseUrl)).toEqual(before);
    // A corrupt backup is refused up front from now on.
    await expect(harness.call(Rpc.backups.restore, { id: backup.id, confirm: backup.name })).rejects.toMatchObject({ status: 409 });
  });

  it('answers 409 BACKUP_BUSY while a restore runs and 404 for an unknown backup', async () => {
    await withPgClient(harness.databaseUrl, (client) =>
      client.query(`INSERT INTO restore_history (id, backup_name, kind, step) VALUES ($1, 'x', 'restore', 'restore_database')`, [randomUUID()]),
    );
    try {
      await expect(harness.call(Rpc.backups.create, {})).rejects.toMatchObject({ code: 'BACKUP_BUSY', status: 409 });
    } finally {
      await withPgClient(harness.databaseUrl, (client) => client.query(`DELETE FROM restore_history WHERE backup_name = 'x'`));
    }
    await expect(harness.call(Rpc.backups.get, { id: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
