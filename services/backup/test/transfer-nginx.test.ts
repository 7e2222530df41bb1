import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Rpc } from '@castline/contracts';
import { backupTransferKey, PRINCIPAL_HEADER, signUploadPrincipal } from '@castline/platform';
import {
  ADMIN,
  bearer,
  login,
  type ServiceHarness,
  startServiceHarness,
  startTestGateway,
  startTestNginx,
  type TestGateway,
  type TestNginx,
  userWithRole,
} from '@castline/testkit';
import * as tar from 'tar-stream';
import { startBackup } from '../src/backup-app';
import { backupName, runBackup } from '../src/backups/backup-runner';
import { BackupKeyring } from '../src/crypto/backup-keyring';
import { backupEnv, seedEveryTable, waitUntil } from './backup-support';

/**
 * Download and import of whole backups the way production serves them: real nginx (the repo's templates) ->
 * auth_request to the gateway (backups:read / backups:restore) -> the backup service, which checks the
 * gateway's signed principal for that scope. An import is verified in full before it is listed.
 */
const SECRET = 'backup-transfer-test-secret-0123456789abcdef';
const MAX_IMPORT = 20 * 1024 ** 2;
let harness: ServiceHarness;
let gateway: TestGateway;
let nginx: TestNginx;
let work: string;
let backupDir: string;
let adminToken: string;
let viewerToken: string;
let serviceUrl: string;

const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as AddressInfo).port;

beforeAll(async () => {
  const setup = await backupEnv();
  work = setup.work;
  backupDir = setup.env.BACKUP_DIR!;
  harness = await startServiceHarness('backup_transfer', startBackup, { ...setup.env, BACKUP_TRANSFER_SECRET: SECRET, BACKUP_IMPORT_MAX_BYTES: String(MAX_IMPORT), BACKUP_RESTORE_TEST_CRON: '' });
  await seedEveryTable(harness.databaseUrl);
  serviceUrl = `http://127.0.0.1:${portOf(harness.app)}`;
  gateway = await startTestGateway('backup-transfer', { BACKUP_TRANSFER_SECRET: SECRET });
  nginx = await startTestNginx({
    hlsRoot: path.join(work, 'hls'),
    env: { GATEWAY_UPSTREAM: `127.0.0.1:${portOf(gateway.app)}`, BACKUP_UPSTREAM: `127.0.0.1:${portOf(harness.app)}` },
  });
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  viewerToken = (await userWithRole(gateway.app, adminToken, 'viewer')).accessToken;
}, 90_000);

afterAll(async () => {
  await nginx?.stop();
  await gateway?.close();
  await harness?.close();
  await rm(work, { recursive: true, force: true });
});

async function takeBackup() {
  const created = await harness.call(Rpc.backups.create, {});
  const backup = await waitUntil(() => harness.call(Rpc.backups.get, { id: created.id }), (row) => row.status !== 'running');
  expect(backup.status).toBe('completed');
  return backup;
}

/** The members of a tar as name -> content. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        members.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(bytes);
  await done;
  return members;
}

/** A tar of the given members. */
async function tarOf(members: Map<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of members) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(pack)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const download = (id: string, token?: string) => fetch(`${nginx.baseUrl}/api/v1/backups/${id}/download`, { headers: token ? bearer(token) : {} });
const importArchive = (body: Buffer, token: string | undefined = adminToken) =>
  fetch(`${nginx.baseUrl}/api/v1/backups/import`, { method: 'POST', headers: { 'content-type': 'application/x-tar', ...(token ? bearer(token) : {}) }, body });
const errorOf = async (response: Response) => {
  const text = await response.text();
  try {
    return { status: response.status, ...(JSON.parse(text) as { error: { code: string; message: string } }).error };
  } catch {
    throw new Error(`${response.status}: ${text.slice(0, 200)}`);
  }
};
const leftovers = async () => (await readdir(backupDir)).filter((name) => name.startsWith('.partial'));

describe('backup download and import through nginx', () => {
  it('downloads a backup as a tar of its directory, for backups:read only', async () => {
    const backup = await takeBackup();
    expect((await download(backup.id)).status).toBe(401);
    // auth_request answers 401/403 with nginx's own page.
    expect((await download(backup.id, viewerToken)).status).toBe(403);
    expect((await download(randomUUID(), adminToken)).status).toBe(404);

    const response = await download(backup.id, adminToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${backup.name}.tar"`);
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    const members = await untar(body);
    const onDisk = (await readdir(path.join(backupDir, backup.name))).sort();
    expect([...members.keys()].sort()).toEqual(onDisk.map((file) => `${backup.name}/${file}`));
    for (const file of onDisk) expect(members.get(`${backup.name}/${file}`)).toEqual(await readFile(path.join(backupDir, backup.name, file)));
  });

  it("downloads by a one-time ticket, as a browser's link does: once, for that backup only, never a viewer's", async () => {
    const backup = await takeBackup();
    const other = await takeBackup();
    const ticketFor = async (id: string, token = adminToken) =>
      fetch(`${nginx.baseUrl}/api/v1/backups/${id}/download-ticket`, { method: 'POST', headers: bearer(token) });
    expect((await ticketFor(backup.id, viewerToken)).status).toBe(403);

    const issued = await ticketFor(backup.id);
    expect(issued.status).toBe(201);
    const { url, expiresAt } = (await issued.json()) as { url: string; expiresAt: string };
    expect(url).toMatch(new RegExp(`^/api/v1/backups/${backup.id}/download\\?ticket=[\\w-]{43}$`));
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const ticket = new URL(url, nginx.baseUrl).searchParams.get('ticket')!;
    // Not for another backup; the attempt spends the ticket too (taken before it is compared), so it cannot be retried.
    expect((await fetch(`${nginx.baseUrl}/api/v1/backups/${other.id}/download?ticket=${ticket}`)).status).toBe(401);

    const fresh = (await (await ticketFor(backup.id)).json()) as { url: string };
    const response = await fetch(`${nginx.baseUrl}${fresh.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${backup.name}.tar"`);
    expect([...(await untar(Buffer.from(await response.arrayBuffer()))).keys()]).toContain(`${backup.name}/manifest.json`);
    // Spent: the same link again, or a made-up ticket, is refused.
    expect((await fetch(`${nginx.baseUrl}${fresh.url}`)).status).toBe(401);
    expect((await fetch(`${nginx.baseUrl}/api/v1/backups/${backup.id}/download?ticket=${'A'.repeat(43)}`)).status).toBe(401);
    // A client cannot hand the ticket check a ticket header or URI of its own beside a bearer it lacks.
    const forged = await fetch(`${nginx.baseUrl}/api/v1/backups/${backup.id}/download`, {
      headers: { 'x-castline-download-ticket': ticket, 'x-original-uri': `/api/v1/backups/${backup.id}/download` },
    });
    expect(forged.status).toBe(401);
  });

  it('refuses the service route without the gateway principal, and a principal of the other scope', async () => {
    const backup = await takeBackup();
    expect((await errorOf(await fetch(`${serviceUrl}/api/v1/backups/${backup.id}/download`))).status).toBe(401);
    const forDownload = signUploadPrincipal(backupTransferKey(SECRET, 'download'), { sub: 'user:x', label: 'x', exp: Math.floor(Date.now() / 1000) + 60 });
    // A download's principal does not open an import.
    const response = await fetch(`${serviceUrl}/api/v1/backups/import`, { method: 'POST', headers: { 'content-type': 'application/x-tar', [PRINCIPAL_HEADER]: forDownload }, body: Buffer.alloc(1024) });
    expect(await errorOf(response)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    // A client-sent principal is replaced by nginx: a viewer cannot bring one along.
    const viaNginx = await fetch(`${nginx.baseUrl}/api/v1/backups/${backup.id}/download`, { headers: { ...bearer(viewerToken), [PRINCIPAL_HEADER]: forDownload } });
    expect(viaNginx.status).toBe(403);
  });

  it('imports a downloaded backup: verified before it is listed; a second import is 409', async () => {
    const backup = await takeBackup();
    const archive = Buffer.from(await (await download(backup.id, adminToken)).arrayBuffer());
    const original = await readdir(path.join(backupDir, backup.name));
    await harness.call(Rpc.backups.delete, { id: backup.id });
    expect((await importArchive(archive, viewerToken)).status).toBe(403);

    const response = await importArchive(archive);
    expect(response.status).toBe(201);
    const imported = (await response.json()) as { id: string; name: string; status: string; trigger: string; requestedBy: string; manifestSha256: string };
    expect(imported).toMatchObject({ id: backup.id, name: backup.name, status: 'verified', trigger: 'import', requestedBy: ADMIN.email, manifestSha256: backup.manifestSha256 });
    expect((await readdir(path.join(backupDir, backup.name))).sort()).toEqual(original.sort());
    expect((await harness.call(Rpc.backups.get, { id: backup.id })).components.map((component) => component.kind)).toEqual(backup.components.map((component) => component.kind));
    expect(await leftovers()).toEqual([]);

    expect(await errorOf(await importArchive(archive))).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('refuses a tampered archive, one signed with another key, and anything that is not a backup: 422, nothing kept', async () => {
    const backup = await takeBackup();
    const members = await untar(Buffer.from(await (await download(backup.id, adminToken)).arrayBuffer()));
    await harness.call(Rpc.backups.delete, { id: backup.id });
    const before = await harness.call(Rpc.backups.list, { page: 1, pageSize: 100 });

    const dump = `${backup.name}/database.pgdump`;
    const flipped = new Map(members);
    const bytes = Buffer.from(members.get(dump)!);
    bytes[bytes.length - 100]! ^= 0x01;
    flipped.set(dump, bytes);
    const tampered = await errorOf(await importArchive(await tarOf(flipped)));
    expect(tampered).toMatchObject({ status: 422, code: 'BACKUP_CORRUPT' });
    expect(tampered.message).toContain('database.pgdump: SHA-256 differs from the manifest');

    // A whole backup taken with another key: its manifest names a key this service does not have.
    const otherDir = await mkdtemp(path.join(tmpdir(), 'castline-other-key-'));
    const id = randomUUID();
    const other = await runBackup(
      { id, name: backupName(id, new Date()), components: ['config'], excludeTableData: [] },
      { databaseUrl: harness.databaseUrl, uploadsDir: path.join(work, 'uploads'), configFile: path.join(work, 'local.env'), lowPriority: false },
      otherDir,
      new BackupKeyring('some-other-backup-key-0123456789abcdefgh'),
    );
    const foreign = new Map<string, Buffer>();
    for (const file of await readdir(other.directory)) foreign.set(`${other.manifest.name}/${file}`, await readFile(path.join(other.directory, file)));
    await rm(otherDir, { recursive: true, force: true });
    const wrongKey = await errorOf(await importArchive(await tarOf(foreign)));
    expect(wrongKey).toMatchObject({ status: 422, code: 'BACKUP_CORRUPT' });
    expect(wrongKey.message).toContain('signed with an unknown key');

    const traversal = await errorOf(await importArchive(await tarOf(new Map([['../../etc/passwd', Buffer.from('x')]]))));
    expect(traversal).toMatchObject({ status: 422, message: expect.stringContaining('unexpected member "../../etc/passwd"') });
    const noManifest = await errorOf(await importArchive(await tarOf(new Map([[dump, members.get(dump)!]]))));
    expect(noManifest).toMatchObject({ status: 422, message: expect.stringContaining('no manifest.json') });
    expect(await errorOf(await importArchive(Buffer.from('this is not a tar archive at all'.repeat(40))))).toMatchObject({ status: 422, code: 'BACKUP_CORRUPT' });
    expect(await errorOf(await importArchive(Buffer.alloc(MAX_IMPORT + 1)))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });

    expect(await leftovers()).toEqual([]);
    expect((await readdir(backupDir)).filter((name) => name === backup.name || name === other.manifest.name)).toEqual([]);
    expect(await harness.call(Rpc.backups.list, { page: 1, pageSize: 100 })).toEqual(before);
  });
});
