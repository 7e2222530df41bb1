import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChannelLogsSchema, ChannelMetricsSchema, MonitoringProcessesSchema, MonitoringStreamsSchema } from '@castline/contracts';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, redisKeyPrefix, type ServiceProcess, spawnService, startTestGateway, type TestGateway } from '@castline/testkit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startChannels } from '../src/channels-app';
import { freeUdpPort, killGroup, processesFor, startUdpSource } from './live-support';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';

/** Telemetry for real: worker -> channels.metrics / Redis -> channels and monitoring services -> gateway. */
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-telemetry-'));
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-telemetry-'));

let gateway: TestGateway;
let channels: NestFastifyApplication;
let monitoring: ServiceProcess;
let worker: LiveWorker;
let source: ChildProcess;
let sourceUrl: string;
let token: string;

beforeAll(async () => {
  gateway = await startTestGateway('live-telemetry');
  const env = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: redisKeyPrefix('live-telemetry'),
    UPLOADS_DIR: uploadsDir,
    HLS_ROOT: hlsRoot,
    WORKER_SLOTS: '1',
    THUMBNAIL_INTERVAL_MS: '2000',
  };
  channels = await startChannels(env, { handleSignals: false });
  worker = await startWorker(env);
  // Another service: run from its build as its own process, never imported.
  monitoring = await spawnService('monitoring', env);
  token = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;

  const port = await freeUdpPort();
  sourceUrl = `udp://127.0.0.1:${port}`;
  source = startUdpSource(port, 'testsrc2=size=320x180:rate=25');
}, 60_000);

afterAll(async () => {
  await worker?.close();
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  killGroup(source?.pid);
  await monitoring?.stop();
  await channels?.close();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
  rmSync(uploadsDir, { recursive: true, force: true });
}, 30_000);

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

const scrapeChannels = async () => (await channels.inject({ method: 'GET', url: '/metrics' })).body;
const series = (metrics: string, name: string, channelId: string) =>
  metrics.split('\n').find((line) => line.startsWith(`${name}{`) && line.includes(`channel="${channelId}"`));

describe('telemetry of a running channel', () => {
  let channelId: string;
  let outputDir: string;

  it('reports metrics, logs and a thumbnail, on the API, /metrics and in monitoring', async () => {
    const preset = await api('POST', '/settings/presets', {
      name: `Tiny ${Date.now()}`,
      profile: { x264Preset: 'ultrafast', width: 320, height: 180, fps: 25, crf: 32, audioBitrateKbps: 64 },
    });
    expect(preset.statusCode).toBe(201);
    const created = await api('POST', '/channels', { name: `Telemetry ${Date.now()}`, sources: [{ url: sourceUrl }], presetId: preset.json().id });
    expect(created.json()).toMatchObject({ status: 'stopped' });
    channelId = created.json().id;
    outputDir = path.join(hlsRoot, created.json().slug);
    expect((await api('GET', `/channels/${channelId}/metrics`)).statusCode).toBe(404);
    expect((await api('POST', `/channels/${channelId}/start`)).statusCode).toBe(200);

    const metrics = await eventually(async () => {
      const response = await api('GET', `/channels/${channelId}/metrics`);
      if (response.statusCode !== 200) return undefined;
      const body = ChannelMetricsSchema.parse(response.json());
      return body.fps && body.cpuPercent && body.rssBytes > 0 && body.bitrateKbps ? body : undefined;
    }, 20_000);
    const [pid] = await processesFor(outputDir);
    expect(metrics).toMatchObject({ channelId, pid, restarts: 0, slug: created.json().slug });
    expect(metrics.threads).toBeGreaterThan(0);
    expect(metrics.writeBytesPerSecond).toBeGreaterThan(0);
    console.log(`metrics: ${JSON.stringify(metrics)}`);

    const logs = ChannelLogsSchema.parse((await api('GET', `/channels/${channelId}/logs`)).json());
    expect(logs.runs).toHaveLength(1);
    expect(logs.runs[0]).toMatchObject({ runId: metrics.runId });
    expect(logs.runs[0]?.head[0]).toMatch(new RegExp(`^run ${metrics.runId} started: ffmpeg .*udp://127\\.0\\.0\\.1:\\d+/<redacted>`));

    const thumbnail = await eventually(async () => {
      const response = await api('GET', `/channels/${channelId}/thumbnail`);
      return response.statusCode === 200 ? response : undefined;
    }, 15_000);
    expect(thumbnail.headers['content-type']).toBe('image/jpeg');
    expect(thumbnail.headers['cache-control']).toBe('no-store');
    expect([...thumbnail.rawPayload.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    // The output's picture size (logo coordinates are in its pixels), probed once a segment exists: the preset's.
    const sized = await eventually(async () => {
      const body = ChannelMetricsSchema.parse((await api('GET', `/channels/${channelId}/metrics`)).json());
      return body.outputWidth !== null ? body : undefined;
    }, 15_000);
    expect([sized.outputWidth, sized.outputHeight]).toEqual([320, 180]);

    const scraped = await scrapeChannels();
    expect(Number(series(scraped, 'castline_channel_fps', channelId)?.split(' ').pop())).toBeGreaterThan(0);
    expect(series(scraped, 'castline_channel_memory_rss_bytes', channelId)).toBeDefined();
    expect(series(scraped, 'castline_channel_state', channelId)).toMatch(/ 2$/);

    const processes = MonitoringProcessesSchema.parse((await api('GET', '/monitoring/processes')).json());
    expect(processes.processes).toEqual(expect.arrayContaining([expect.objectContaining({ pid, channelId })]));
    const streams = MonitoringStreamsSchema.parse((await api('GET', '/monitoring/streams')).json());
    const stream = streams.streams.find((entry) => entry.channelId === channelId);
    expect(stream).toMatchObject({ viewers: null, egressBitsPerSecond: null });
    expect(stream?.bitrateKbps).toBeGreaterThan(0);
  }, 60_000);

  it('drops the channel from the gauges and metrics once it is stopped; its logs stay', async () => {
    await api('POST', `/channels/${channelId}/stop`);
    await eventually(async () => ((await api('GET', `/channels/${channelId}`)).json().status === 'stopped' ? true : undefined), 10_000);
    await eventually(async () => (series(await scrapeChannels(), 'castline_channel_fps', channelId) ? undefined : true), 15_000);
    const scraped = await scrapeChannels();
    expect(series(scraped, 'castline_channel_cpu_ratio', channelId)).toBeUndefined();
    expect(series(scraped, 'castline_channel_state', channelId)).toMatch(/ 0$/);
    expect((await api('GET', `/channels/${channelId}/metrics`)).statusCode).toBe(404);
    const processes = MonitoringProcessesSchema.parse((await api('GET', '/monitoring/processes')).json());
    expect(processes.processes.map((entry) => entry.channelId)).not.toContain(channelId);

    const logs = ChannelLogsSchema.parse((await api('GET', `/channels/${channelId}/logs`)).json());
    expect(logs.runs).toHaveLength(1);
    expect(logs.runs[0]?.tail.length).toBeGreaterThan(0);
  }, 40_000);
});
