import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  eventually,
  inProcessServiceEnv,
  redisKeyPrefix,
  type ServiceProcess,
  spawnService,
  startTestNats,
  startTestNginx,
  TEST_PLAYBACK_SECRET,
  type TestDatabase,
  type TestNats,
  type TestNginx,
} from '@castline/testkit';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import type { RequestRow } from '../src/store/traffic-store';

/**
 * nginx -> access log -> traffic-logger (its own process, from its build) -> traffic.requests and
 * traffic.view_sessions, through a SIGKILL mid-stream: every request stored once, every segment counted once.
 */
const work = mkdtempSync(path.join(tmpdir(), 'castline-traffic-storage-'));
const hlsRoot = path.join(work, 'hls');
const signed = { id: '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d', version: 3 };
const binding = `${signed.id}.${signed.version}`;
const SEGMENT_BYTES = 188 * 20;
let nginx: TestNginx;
let nats: TestNats;
let database: TestDatabase;
let store: PostgresTrafficStore;
let logger: ServiceProcess | undefined;
let env: Record<string, string | undefined>;
const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
const tomorrow = new Date(today.getTime() + 86_400_000);
const expected = { requests: 0, segments: new Map<string, number>() };

function channelDir(dir: string): void {
  for (const sub of ['', '720p/']) {
    mkdirSync(path.join(dir, sub), { recursive: true });
    writeFileSync(path.join(dir, sub, 'index.m3u8'), '#EXTM3U\n#EXTINF:2.0,\nseg_1.ts\n');
    writeFileSync(path.join(dir, sub, 'seg_1.ts'), Buffer.alloc(SEGMENT_BYTES, 0x47));
  }
}

const signedPrefix = () => {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const token = createHash('md5').update(`${expires}/${binding} ${TEST_PLAYBACK_SECRET}`).digest('base64url');
  return { prefix: `/live/_signed/${token}/${expires}/${binding}/`, token };
};

/** A player: playlist, rendition playlist and segment; only the playlists become request rows. */
async function play(prefix: string, player: string, channelKey: string): Promise<void> {
  for (const file of ['index.m3u8', '720p/index.m3u8', '720p/seg_1.ts']) {
    const response = await fetch(`${nginx.baseUrl}${prefix}${file}?player=${player}`, { headers: { 'user-agent': player } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  expected.requests += 2;
  expected.segments.set(channelKey, (expected.segments.get(channelKey) ?? 0) + 1);
}

async function stored(): Promise<{ requests: RequestRow[]; segments: Map<string, number> }> {
  const requests = await store.requestsBetween(today, tomorrow, 100_000);
  const segments = new Map<string, number>();
  for (const session of await store.viewSessions(today.toISOString().slice(0, 10))) {
    segments.set(session.channelKey, (segments.get(session.channelKey) ?? 0) + session.segments);
  }
  return { requests, segments };
}

const allStored = () =>
  eventually(async () => {
    const now = await stored();
    const segmentsDone = [...expected.segments].every(([key, count]) => (now.segments.get(key) ?? 0) >= count);
    return now.requests.length >= expected.requests && segmentsDone ? now : undefined;
  }, 20_000);

beforeAll(async () => {
  channelDir(path.join(hlsRoot, 'news'));
  channelDir(path.join(hlsRoot, '_signed', binding));
  chmodSync(work, 0o755);
  nginx = await startTestNginx({ hlsRoot });
  nats = await startTestNats();
  database = await createTestDatabase('traffic-storage');
  store = new PostgresTrafficStore(database.url);
  env = {
    ...inProcessServiceEnv(database.url, nats.url),
    REDIS_KEY_PREFIX: redisKeyPrefix('traffic-storage'),
    TRAFFIC_ACCESS_LOG: nginx.accessLog,
    TRAFFIC_TAIL_POLL_MS: '20',
    TRAFFIC_FLUSH_MS: '200',
    TRAFFIC_FLUSH_ROWS: '50',
    TRAFFIC_TAIL_LEASE_MS: '1000',
    // Every test player comes from 127.0.0.1 with a User-Agent isbot flags: no bot-flood limit here.
    TRAFFIC_BOT_ROWS_PER_MINUTE: '1000000',
  };
  logger = await spawnService('traffic-logger', env);
}, 60_000);

afterAll(async () => {
  await logger?.stop();
  await store?.close();
  await database?.drop();
  await nats?.stop();
  await nginx?.stop();
  rmSync(work, { recursive: true, force: true });
});

it('stores playlist requests of public, rendition and signed URLs, and folds segments per viewer', async () => {
  const { prefix, token } = signedPrefix();
  for (const player of ['a', 'b']) await play('/live/news/', `Player-${player}`, 'slug:news');
  await play(prefix, 'Player-a', `id:${signed.id}`);
  const now = await allStored();
  expect(now.requests).toHaveLength(expected.requests);
  expect(now.requests.map((row) => row.path).sort()).toEqual(
    [
      '/live/news/index.m3u8', '/live/news/index.m3u8', '/live/news/720p/index.m3u8', '/live/news/720p/index.m3u8',
      `${prefix.replace(token, '[token]')}index.m3u8`, `${prefix.replace(token, '[token]')}720p/index.m3u8`,
    ].sort(),
  );
  expect(JSON.stringify(now.requests)).not.toContain(token);
  const rendition = now.requests.find((row) => row.path === '/live/news/720p/index.m3u8')!;
  expect(rendition).toMatchObject({ mediaKind: 'live', channelSlug: 'news', rendition: '720p', query: 'player=Player-a', ip: null, status: 200 });
  // Enriched on the way: "Player-a" is no browser (isbot), 127.0.0.1 has no country, no GeoIP database is set.
  expect(rendition).toMatchObject({ isBot: true, botType: 'bot', browser: null, country: null });
  expect(rendition.ipHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const signedRow = now.requests.find((row) => row.channelId === signed.id)!;
  expect(signedRow).toMatchObject({ channelSlug: null, rendition: null });
  const sessions = await store.viewSessions(today.toISOString().slice(0, 10));
  expect(sessions.map((row) => [row.channelKey, row.segments, row.bytes > SEGMENT_BYTES])).toEqual(
    expect.arrayContaining([
      ['slug:news', 1, true],
      ['slug:news', 1, true],
      [`id:${signed.id}`, 1, true],
    ]),
  );
  expect(sessions).toHaveLength(3);
});

it('loses nothing and counts nothing twice when the traffic-logger is SIGKILLed mid-stream', async () => {
  const players = Array.from({ length: 40 }, (_, index) => `Player-${index % 8}`);
  let killed = false;
  for (const [index, player] of players.entries()) {
    await play('/live/news/', player, 'slug:news');
    if (index === 25) {
      logger!.child.kill('SIGKILL');
      killed = true;
    }
  }
  expect(killed).toBe(true);
  logger = await spawnService('traffic-logger', env);
  const now = await allStored();
  expect(now.requests).toHaveLength(expected.requests);
  expect(new Set(now.requests.map((row) => row.requestId)).size).toBe(expected.requests);
  expect(Object.fromEntries(now.segments)).toEqual(Object.fromEntries(expected.segments));
});
