import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ChannelMetrics, Events, MonitoringStreamsSchema, type TrafficViewers } from '@castline/contracts';
import { connectNats, EventBus } from '@castline/platform';
import {
  eventually,
  inProcessServiceEnv,
  type ServiceHarness,
  type ServiceProcess,
  spawnService,
  startServiceHarness,
  startTestNginx,
  type TestNginx,
} from '@castline/testkit';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTrafficLogger } from '../src/traffic-logger-app';

/**
 * Live viewers for real: players fetch segments from nginx -> access log -> traffic-logger (tail, count)
 * -> traffic.viewers -> monitoring -> MonitoringStreams.viewers.
 */
const work = mkdtempSync(path.join(tmpdir(), 'castline-viewers-'));
const hlsRoot = path.join(work, 'hls');
const WINDOW_S = 3;
const news = { channelId: '0b7e6c2a-6d1f-4c1e-9a53-4f1d2a3b4c5d', slug: 'news' };
let nginx: TestNginx;
let harness: ServiceHarness;
let monitoring: ServiceProcess;
let connection: NatsConnection;
let bus: EventBus;
let heartbeat: NodeJS.Timeout;

const metrics = (channel: { channelId: string; slug: string }): ChannelMetrics => ({
  ...channel,
  workerId: 'test:1',
  pid: 4242,
  runId: 'run-1',
  uptimeSeconds: 10,
  fps: 25,
  speed: 1,
  bitrateKbps: 800,
  dropFrames: 0,
  dupFrames: 0,
  cpuPercent: 10,
  rssBytes: 1,
  threads: 1,
  readBytesPerSecond: null,
  writeBytesPerSecond: null,
  restarts: 0,
  outputWidth: null,
  outputHeight: null,
  sampledAt: new Date().toISOString(),
});

const streams = async () => MonitoringStreamsSchema.parse(await harness.request('monitoring.streams')).streams;

beforeAll(async () => {
  for (const dir of ['news', 'news/720p']) {
    mkdirSync(path.join(hlsRoot, dir), { recursive: true });
    writeFileSync(path.join(hlsRoot, dir, 'index.m3u8'), '#EXTM3U\n#EXTINF:2.0,\nseg_1.ts\n');
    writeFileSync(path.join(hlsRoot, dir, 'seg_1.ts'), Buffer.alloc(188 * 10, 0x47));
  }
  chmodSync(work, 0o755);
  nginx = await startTestNginx({ hlsRoot });
  harness = await startServiceHarness('traffic-viewers', startTrafficLogger, {
    TRAFFIC_ACCESS_LOG: nginx.accessLog,
    TRAFFIC_VIEWER_WINDOW_S: String(WINDOW_S),
    TRAFFIC_VIEWERS_INTERVAL_MS: '200',
    TRAFFIC_TAIL_POLL_MS: '20',
  });
  monitoring = await spawnService('monitoring', { ...inProcessServiceEnv(harness.databaseUrl, harness.natsUrl), REDIS_KEY_PREFIX: harness.redisKeyPrefix });
  connection = await connectNats(harness.natsUrl, 'viewers-test');
  bus = EventBus.over(connection);
  // The channel's worker, as far as monitoring knows: a running channel reports every second.
  const report = () => bus.publish(Events.channelMetrics, metrics(news));
  report();
  heartbeat = setInterval(report, 500);
}, 60_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await connection?.drain();
  await monitoring?.stop();
  await harness?.close();
  await nginx?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** One player: the playlist, then a segment, as hls.js does (a rendition's when given). */
async function watch(userAgent: string, rendition = ''): Promise<void> {
  for (const file of ['index.m3u8', 'seg_1.ts']) {
    const response = await fetch(`${nginx.baseUrl}/live/news/${rendition}${file}`, { headers: { 'user-agent': userAgent } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
}

it('counts three players as three viewers of the channel, with their egress, in MonitoringStreams', async () => {
  const published: TrafficViewers[] = [];
  const unsubscribe = bus.subscribe(Events.trafficViewers, (report) => void published.push(report));
  await Promise.all([watch('Player/1'), watch('Player/2'), watch('Player/3', '720p/')]);
  // The same player again is still one viewer.
  await watch('Player/1');

  const stream = await eventually(async () => (await streams()).find((each) => each.slug === 'news' && each.viewers === 3), 10_000);
  expect(stream.egressBitsPerSecond).toBeGreaterThan((4 * 188 * 10 * 8) / WINDOW_S);
  expect(published.at(-1)).toMatchObject({ source: path.resolve(nginx.accessLog), windowSeconds: WINDOW_S });
  unsubscribe();
});

it('drops to 0 viewers once the window has passed without segments', async () => {
  const stream = await eventually(async () => (await streams()).find((each) => each.slug === 'news' && each.viewers !== 3), 15_000);
  expect(stream.viewers).toBeLessThan(3);
  // Viewers and egress known (a fresh count), both 0: not null, which would mean nobody counted.
  await eventually(async () => (await streams()).find((each) => each.slug === 'news' && each.viewers === 0 && each.egressBitsPerSecond === 0), 15_000);
});
