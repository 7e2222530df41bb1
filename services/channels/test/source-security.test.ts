import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@castline/db';
import { redisKeyPrefix } from '@castline/testkit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { startChannels } from '../src/channels-app';
import { DEV_SOURCE_SECRET_KEY } from '../src/config';
import { SourceSecrets } from '../src/channels/source-secrets';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';
import { killGroup, processesFor } from './live-support';

/**
 * Source secrets and the SSRF guard through the real path (HTTP -> gateway -> NATS -> channels -> Postgres,
 * and a worker running FFmpeg): secrets never come back from any read path, log, event or error, and
 * every dangerous host spelling is refused on create, update and start.
 */
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-'));
const redisPrefix = redisKeyPrefix('source-security');
/** The resolver seam: what each host name resolves to right now (tests change answers between create and start). */
const dns = new Map<string, string[]>([['cdn.example', ['93.184.215.14']]]);

let gateway: TestGateway;
let channels: NestFastifyApplication;
let worker: LiveWorker | undefined;
let prisma: ReturnType<typeof createPrismaClient>;
let operator: string;
let viewer: string;
let adminToken: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  gateway = await startTestGateway('source-security');
  // The worker runs in this process: give it a DATABASE_URL to leak, so the environ check below can fail.
  process.env.DATABASE_URL ??= gateway.databaseUrl;
  env = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    // Only the worker's loopback test server is allowed, and only for http.
    SOURCE_ALLOWED_NETWORKS: 'http:127.0.0.2/32',
    REDIS_KEY_PREFIX: redisPrefix,
    HLS_ROOT: hlsRoot,
    INPUT_TIMEOUT_SECONDS: '3',
  };
  channels = await startChannels(env, {
    handleSignals: false,
    resolver: async (host) => {
      const answer = dns.get(host);
      if (!answer) throw new Error('ENOTFOUND');
      return answer;
    },
  });
  prisma = createPrismaClient(gateway.databaseUrl);
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  adminToken = admin.accessToken;
  operator = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
  viewer = (await userWithRole(gateway.app, admin.accessToken, 'viewer')).accessToken;
}, 60_000);

afterAll(async () => {
  await worker?.close();
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  await prisma?.$disconnect();
  await channels?.close();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
}, 30_000);

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, as = operator) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(as), payload });

const PUBLIC = 'https://cdn.example/live/index.m3u8';

describe('SSRF guard', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'SOURCE_ADDRESS_REFUSED'],
    ['http://127.0.0.1:6379/', 'SOURCE_ADDRESS_REFUSED'],
    ['udp://127.0.0.1:5004', 'SOURCE_ADDRESS_REFUSED'],
    ['http://0x7f000001:4222/', 'SOURCE_HOST_NUMERIC'],
    ['http://2130706433/', 'SOURCE_HOST_NUMERIC'],
    ['http://0177.0.0.1/', 'SOURCE_HOST_NUMERIC'],
    ['http://[::1]:4222/', 'SOURCE_ADDRESS_REFUSED'],
    ['http://[::ffff:127.0.0.1]/', 'SOURCE_ADDRESS_REFUSED'],
    ['rtsp://10.0.0.5/stream', 'SOURCE_ADDRESS_REFUSED'],
    ['http://100.100.100.200/latest/meta-data/', 'SOURCE_ADDRESS_REFUSED'],
    ['srt://0.0.0.0:9000?mode=listener', 'SOURCE_OPTION_REFUSED'],
    ['srt://93.184.215.14:9000?mode=listener', 'SOURCE_OPTION_REFUSED'],
    ['udp://239.1.1.1:1234?localaddr=10.0.0.1', 'SOURCE_OPTION_REFUSED'],
    ['http://nowhere.invalid/a.m3u8', 'SOURCE_HOST_UNRESOLVED'],
    ['http://cdn.example/a\u0007.m3u8', 'VALIDATION_FAILED'],
  ])('refuses %s on create and on update (%s), writing nothing', async (url, code) => {
    const before = await prisma.channel.count();
    const created = await api('POST', '/channels', { name: 'Evil', sources: [{ url }] });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.code).toBe(code);
    expect(created.json().error.details.fields[0].path).toBe('sources.0.url');
    expect(await prisma.channel.count()).toBe(before);

    const ok = await api('POST', '/channels', { name: 'Fine', sources: [{ url: PUBLIC }] });
    expect(ok.statusCode).toBe(201);
    const updated = await api('PATCH', `/channels/${ok.json().id}`, { sources: [{ url: PUBLIC }, { url }] });
    expect(updated.statusCode).toBe(400);
    expect(updated.json().error.code).toBe(code);
    expect((await api('GET', `/channels/${ok.json().id}`)).json().sources).toHaveLength(1);
  });

  it('names the refused option', async () => {
    const response = await api('POST', '/channels', { name: 'Opt', sources: [{ url: 'udp://239.1.1.1:1234?pkt_size=1316&reuse=1' }] });
    expect(response.json().error).toMatchObject({ code: 'SOURCE_OPTION_REFUSED', details: { option: 'reuse' } });
    expect(response.json().error.message).toContain('"reuse"');
  });

  it('allows public unicast and multicast sources', async () => {
    for (const url of [PUBLIC, 'udp://@239.1.1.1:1234?pkt_size=1316&overrun_nonfatal=1', 'srt://93.184.215.14:9000?mode=caller&latency=200000']) {
      expect((await api('POST', '/channels', { name: 'Ok', sources: [{ url }] })).statusCode).toBe(201);
    }
  });

  it('resolves again at start: a name that now points at the metadata service is refused and nothing changes', async () => {
    dns.set('rebind.example', ['93.184.215.14']);
    const created = await api('POST', '/channels', { name: 'Rebind', sources: [{ url: 'http://rebind.example/live.m3u8' }] });
    expect(created.statusCode).toBe(201);
    dns.set('rebind.example', ['169.254.169.254']);
    const started = await api('POST', `/channels/${created.json().id}/start`);
    expect(started.statusCode).toBe(400);
    expect(started.json().error.code).toBe('SOURCE_ADDRESS_REFUSED');
    expect(started.json().error.message).toContain('169.254.169.254');
    expect((await api('GET', `/channels/${created.json().id}`)).json()).toMatchObject({ status: 'stopped', desiredState: 'stopped' });
  });
});

describe('source secrets', () => {
  const SECRETS = ['alice', 's3cretPass', 'tokSECRET123', 'streamKEY987'];
  const containsSecret = (text: string) => SECRETS.filter((secret) => text.includes(secret));

  it('masks secrets for operators, hides sources from viewers, and keeps a masked part on update', async () => {
    const full = 'rtmp://alice:s3cretPass@93.184.215.14/app/streamKEY987?token=tokSECRET123';
    const created = await api('POST', '/channels', { name: 'Secret', sources: [{ url: full, label: 'main' }] });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.json().sources[0].url).toBe('rtmp://***@93.184.215.14/app/***?token=***');
    expect((await api('GET', `/channels/${id}`, undefined, viewer)).json().sources).toEqual([{ position: 0, url: null, label: 'main' }]);
    // An operator's API key limited to reading channels sees them as a viewer does.
    const key = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(adminToken), payload: { name: 'wallboard', role: 'operator', permissions: ['channels:read'] } });
    expect(key.statusCode).toBe(201);
    const asKey = await gateway.app.inject({ method: 'GET', url: `/api/v1/channels/${id}`, headers: { 'x-api-key': key.json().key } });
    expect(asKey.json().sources).toEqual([{ position: 0, url: null, label: 'main' }]);
    const listed = (await api('GET', '/channels?pageSize=200', undefined, viewer)).json();
    expect(containsSecret(JSON.stringify(listed))).toEqual([]);
    expect(JSON.stringify(listed)).not.toContain('rtmp://');

    const row = await prisma.channelSource.findFirstOrThrow({ where: { channelId: id } });
    expect(containsSecret(JSON.stringify(row))).toEqual([]);
    const secrets = new SourceSecrets(DEV_SOURCE_SECRET_KEY);
    expect(secrets.reveal(row)).toBe(full);

    // Edit the masked URL: a new token, the rest kept.
    const edited = await api('PATCH', `/channels/${id}`, { sources: [{ url: 'rtmp://***@93.184.215.14/app/***?token=newTOKEN', label: 'main' }] });
    expect(edited.statusCode).toBe(200);
    const after = await prisma.channelSource.findFirstOrThrow({ where: { channelId: id } });
    expect(secrets.reveal(after)).toBe('rtmp://alice:s3cretPass@93.184.215.14/app/streamKEY987?token=newTOKEN');
    // A mask with nothing stored behind it is refused.
    const orphan = await api('PATCH', `/channels/${id}`, { sources: [{ url: 'rtmp://***@93.184.215.14/app/***?other=***' }] });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json().error.message).toContain('"other"');
  });

  it(
    'a started channel hands FFmpeg the real secrets, a minimal environment, and leaks them nowhere',
    async () => {
      // An HTTP "server" that takes FFmpeg's request, holds the connection, then hangs up.
      const requests: string[] = [];
      const sockets: net.Socket[] = [];
      const server = net.createServer((socket) => {
        sockets.push(socket);
        socket.on('data', (chunk) => requests.push(chunk.toString('latin1')));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
      const port = (server.address() as net.AddressInfo).port;
      worker = await startWorker(env);
      try {
        const url = `http://alice:s3cretPass@127.0.0.2:${port}/live/index.m3u8?token=tokSECRET123`;
        const created = await api('POST', '/channels', { name: 'Leaky', sources: [{ url }], autoRestart: false });
        expect(created.statusCode).toBe(201);
        const id = created.json().id as string;
        expect((await api('POST', `/channels/${id}/start`)).statusCode).toBe(200);

        await eventually(async () => (requests.length > 0 ? true : undefined), 15_000);
        expect(requests[0]).toContain('token=tokSECRET123');
        const [pid] = await processesFor(hlsRoot);
        expect(pid).toBeDefined();
        const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
        expect(process.env.DATABASE_URL).toBeDefined();
        expect(environ.some((entry) => entry.startsWith('DATABASE_URL='))).toBe(false);
        expect(environ.every((entry) => entry === '' || /^(PATH|HOME|LANG|TZ)=/.test(entry))).toBe(true);
        for (const socket of sockets) socket.destroy();

        await eventually(async () => ((await api('GET', `/channels/${id}`)).json().status === 'error' ? true : undefined), 30_000);
        const channel = (await api('GET', `/channels/${id}`)).json();
        expect(channel.lastError).toBeTruthy();
        const reads = [
          JSON.stringify(channel),
          (await api('GET', `/channels/${id}`, undefined, viewer)).body,
          (await api('GET', `/channels/${id}/events`)).body,
          (await api('GET', `/channels/${id}/logs`)).body,
          JSON.stringify(await prisma.channelEvent.findMany({ where: { channelId: id }, select: { message: true, details: true } })),
          JSON.stringify(await prisma.auditLog.findMany({ select: { action: true, details: true, actorLabel: true } })),
        ];
        const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
        try {
          for (const key of await redis.keys(`${redisPrefix}*`)) {
            const type = await redis.type(key);
            if (type === 'list') reads.push((await redis.lrange(key, 0, -1)).join('\n'));
            if (type === 'string') reads.push((await redis.get(key)) ?? '');
            if (type === 'hash') reads.push(JSON.stringify(await redis.hgetall(key)));
          }
        } finally {
          redis.disconnect();
        }
        expect(reads.join('\n')).toContain('127.0.0.2');
        expect(containsSecret(reads.join('\n'))).toEqual([]);
      } finally {
        server.close();
        for (const socket of sockets) socket.destroy();
      }
    },
    90_000,
  );
});
