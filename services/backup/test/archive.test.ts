import { randomUUID } from 'node:crypto';
import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { databaseNameOf, dropDatabase, withDatabaseName, withPgClient } from '@castline/db';
import { createTestDatabase, type TestDatabase } from '@castline/testkit';
import { MANIFEST_FILE } from '../src/archive/manifest';
import { verifyArchive } from '../src/archive/verify';
import { backupName, runBackup, type BackupSources } from '../src/backups/backup-runner';
import { BackupKeyring } from '../src/crypto/backup-keyring';
import { locatePgTool, serverVersionOf } from '../src/database/pg-tools';
import { countRows, listTables } from '../src/database/snapshot';
import { DecryptStream } from '../src/crypto/stream-cipher';
import { pgRestore } from '../src/restore/pg-restore';

const keyring = new BackupKeyring('archive-test-backup-key-0123456789abcdef');
let database: TestDatabase;
let work: string;
let sources: BackupSources;

async function seed(url: string): Promise<void> {
  await withPgClient(url, async (client) => {
    for (let index = 0; index < 5; index++) {
      await client.query(
        `INSERT INTO uploads (id, kind, original_name, stored_path, mime_type, size_bytes, width, height, sha256) VALUES ($1, 'logo', 'l.png', $2, 'image/png', 3, 1, 1, 'x')`,
        [randomUUID(), `logos/${index}.png`],
      );
    }
  });
}

beforeAll(async () => {
  database = await createTestDatabase('backup_archive');
  await seed(database.url);
  work = await mkdtemp(path.join(tmpdir(), 'castline-backup-archive-'));
  const uploadsDir = path.join(work, 'uploads');
  await mkdir(path.join(uploadsDir, 'logos'), { recursive: true });
  await writeFile(path.join(uploadsDir, 'logos', 'a.png'), Buffer.alloc(70_000, 7));
  await writeFile(path.join(uploadsDir, 'logos', 'b.png'), 'bee');
  await writeFile(path.join(work, 'local.env'), 'JWT_SECRET=abc\n');
  sources = { databaseUrl: database.url, uploadsDir, configFile: path.join(work, 'local.env'), lowPriority: true };
});

afterAll(async () => {
  await database?.drop();
  await rm(work, { recursive: true, force: true });
});

async function takeBackup(backupDir: string) {
  const id = randomUUID();
  return runBackup({ id, name: backupName(id, new Date()), components: ['database', 'uploads', 'config'], excludeTableData: [] }, sources, backupDir, keyring);
}

describe('a backup archive', () => {
  it('holds the dump, the uploads and the config, with a manifest whose counts are the database rows', async () => {
    const backupDir = path.join(work, 'backups-ok');
    const outcome = await takeBackup(backupDir);
    expect((await readdir(backupDir)).sort()).toEqual([outcome.manifest.name]);
    expect((await readdir(outcome.directory)).sort()).toEqual(['config.env', 'database.pgdump', MANIFEST_FILE, 'uploads.tar']);
    expect(outcome.manifest.database.rowCounts.uploads).toBe(5);
    expect(outcome.manifest.database.migrations.length).toBeGreaterThan(0);
    const uploads = outcome.manifest.files.find((file) => file.component === 'uploads')!;
    expect(uploads.members?.map((member) => [member.path, member.size])).toEqual([
      ['logos/a.png', 70_000],
      ['logos/b.png', 3],
    ]);
    // Nothing is stored in clear.
    expect((await readFile(path.join(outcome.directory, 'config.env'))).includes('JWT_SECRET')).toBe(false);
    const verified = await verifyArchive(outcome.directory, keyring);
    expect(verified).toMatchObject({ ok: true, problems: [] });
  });

  it('counts exactly the rows the dump holds while writes go on (one snapshot for both)', async () => {
    let writing = true;
    let written = 0;
    const writer = withPgClient(database.url, async (client) => {
      while (writing) {
        await client.query(`INSERT INTO audit_log (actor_type, action, status_code, result) VALUES ('user', 'concurrent', 200, 'success')`);
        written++;
      }
    });
    let outcome;
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      outcome = await takeBackup(path.join(work, 'backups-concurrent'));
    } finally {
      writing = false;
      await writer;
    }
    expect(written).toBeGreaterThan(0);
    const restored = `${databaseNameOf(database.url)}_counts`;
    const restoredUrl = withDatabaseName(database.url, restored);
    await withPgClient(withDatabaseName(database.url, 'postgres'), (client) => client.query(`CREATE DATABASE ${restored}`));
    try {
      const server = serverVersionOf(Number(await withPgClient(database.url, async (client) => (await client.query(`SHOW server_version_num`)).rows[0].server_version_num)));
      const tool = await locatePgTool('pg_restore', server);
      await pgRestore(tool, restoredUrl, createReadStream(path.join(outcome.directory, 'database.pgdump')).pipe(new DecryptStream(keyring)));
      const counts = await withPgClient(restoredUrl, async (client) => countRows(client, await listTables(client)));
      expect(counts).toEqual(outcome.manifest.database.rowCounts);
      // Rows kept arriving after the snapshot: the live table has more than the dump.
      const live = await withPgClient(database.url, async (client) => Number((await client.query(`SELECT count(*) AS n FROM audit_log`)).rows[0].n));
      expect(live).toBeGreaterThanOrEqual(outcome.manifest.database.rowCounts.audit_log!);
    } finally {
      await dropDatabase(restoredUrl);
    }
  });

  describe('verify refuses', () => {
    let directory: string;
    beforeEach(async () => {
      directory = (await takeBackup(path.join(work, `backups-${randomUUID()}`))).directory;
    });

    it('a flipped byte', async () => {
      const file = path.join(directory, 'database.pgdump');
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
      await writeFile(file, bytes);
      const result = await verifyArchive(directory, keyring);
      expect(result.ok).toBe(false);
      expect(result.problems).toContain('database.pgdump: SHA-256 differs from the manifest');
      expect(result.problems.join('\n')).toContain('failed authentication');
    });

    it('truncated ciphertext', async () => {
      const file = path.join(directory, 'uploads.tar');
      const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
      await truncate(file, size - 100);
      const result = await verifyArchive(directory, keyring);
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toMatch(/uploads.tar: .*(failed authentication|bytes stored)/);
    });

    it('a missing file and an extra file', async () => {
      await rm(path.join(directory, 'config.env'));
      await writeFile(path.join(directory, 'planted.sh'), 'echo hi');
      const result = await verifyArchive(directory, keyring);
      expect(result.problems).toEqual(['config.env is missing', 'planted.sh is not in the manifest']);
    });

    it('a tampered manifest (a row count changed, HMAC kept)', async () => {
      const file = path.join(directory, MANIFEST_FILE);
      const manifest = JSON.parse(await readFile(file, 'utf8')) as { database: { rowCounts: Record<string, number> } };
      manifest.database.rowCounts.uploads = 99;
      await writeFile(file, JSON.stringify(manifest));
      const result = await verifyArchive(directory, keyring);
      expect(result.problems).toEqual(['manifest.json failed its HMAC check (tampered, or signed with another key)']);
    });

    it('the wrong key, and reads with the old key after a rotation', async () => {
      const other = new BackupKeyring('some-other-backup-key-0123456789abcdef');
      expect((await verifyArchive(directory, other)).problems[0]).toContain('signed with an unknown key');
      const rotated = new BackupKeyring('some-other-backup-key-0123456789abcdef', ['archive-test-backup-key-0123456789abcdef']);
      expect(await verifyArchive(directory, rotated)).toMatchObject({ ok: true });
    });

    it('bytes appended to a file', async () => {
      await appendFile(path.join(directory, 'config.env'), Buffer.alloc(16));
      const result = await verifyArchive(directory, keyring);
      expect(result.ok).toBe(false);
      expect(result.problems[0]).toMatch(/^config.env: \d+ bytes stored, the manifest says \d+$/);
    });
  });

  it('refuses a pg_dump of another major before any file exists', async () => {
    const backupDir = path.join(work, 'backups-mismatch');
    const bin = path.join(work, 'fake-bin');
    await mkdir(bin, { recursive: true });
    const server = serverVersionOf(Number(await withPgClient(database.url, async (client) => (await client.query(`SHOW server_version_num`)).rows[0].server_version_num)));
    const other = server.major === 14 ? 13 : 14;
    await writeFile(path.join(bin, 'pg_dump'), `#!/bin/sh\necho "pg_dump (PostgreSQL) ${other}.7"\n`);
    await chmod(path.join(bin, 'pg_dump'), 0o755);
    const id = randomUUID();
    const attempt = runBackup({ id, name: backupName(id, new Date()), components: ['database'], excludeTableData: [] }, { ...sources, pgBinDir: bin }, backupDir, keyring);
    await expect(attempt).rejects.toMatchObject({
      code: 'BACKUP_PG_CLIENT_MISMATCH',
      message: expect.stringMatching(new RegExp(`pg_dump ${other}\\.7 .* PostgreSQL ${server.version.replace('.', '\\.')}`)),
    });
    await expect(readdir(backupDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes the partial directory when pg_dump fails, leaving older backups alone', async () => {
    const backupDir = path.join(work, 'backups-failing');
    const older = await takeBackup(backupDir);
    const bin = path.join(work, 'failing-bin');
    await mkdir(bin, { recursive: true });
    const realVersion = older.manifest.versions.pgDump;
    await writeFile(path.join(bin, 'pg_dump'), `#!/bin/sh\nif [ "$1" = --version ]; then echo "pg_dump (PostgreSQL) ${realVersion}"; exit 0; fi\nprintf 'PGDMP partial'\necho "pg_dump: error: connection lost" >&2\nexit 1\n`);
    await chmod(path.join(bin, 'pg_dump'), 0o755);
    const id = randomUUID();
    const attempt = runBackup({ id, name: backupName(id, new Date()), components: ['database', 'uploads'], excludeTableData: [] }, { ...sources, pgBinDir: bin }, backupDir, keyring);
    await expect(attempt).rejects.toThrow('pg_dump exited with 1: pg_dump: error: connection lost');
    expect(await readdir(backupDir)).toEqual([older.manifest.name]);
    expect(await verifyArchive(older.directory, keyring)).toMatchObject({ ok: true });
  });

  it('refuses media.tar up front when BACKUP_DIR lacks the space it needs (BACKUP_NO_SPACE), older backups untouched', async () => {
    const backupDir = path.join(work, 'backups-full');
    const older = await takeBackup(backupDir);
    const mediaRoot = path.join(work, 'media');
    await mkdir(path.join(mediaRoot, 'originals'), { recursive: true });
    await writeFile(path.join(mediaRoot, 'originals', 'v.mp4'), Buffer.alloc(1000, 1));
    const id = randomUUID();
    // A reserve larger than any disk: the check must fail before media.tar is opened.
    const attempt = runBackup(
      { id, name: backupName(id, new Date()), components: ['uploads', 'media'], excludeTableData: [] },
      { ...sources, mediaRoot, diskReserveBytes: 2 ** 60 },
      backupDir,
      keyring,
    );
    await expect(attempt).rejects.toMatchObject({ code: 'BACKUP_NO_SPACE', message: expect.stringContaining('media needs') });
    expect(await readdir(backupDir)).toEqual([older.manifest.name]);
  });
});
