import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Events, latencyQuantile, LOG_LIMITS, Rpc, TRUNCATED_MARKER } from '@castline/contracts';
import { ApiRollups, connectNats, LogShipper, processLoggerOptions } from '@castline/platform';
import { eventually, freePort, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import pino from 'pino';
import { startMonitoring } from '../src/monitoring-app';

/**
 * App logs and API metrics over real NATS (JetStream) and Postgres: a process's warn+ records reach app_logs
 * redacted, cut and folded, once each; logging goes on while NATS is down; API rollups give percentiles within
 * 5 % of the exact ones.
 */
const env = { CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', NGINX_HEALTH_URL: 'off', LOG_SHIP_LEVEL: 'off' };

describe('app logs and API metrics', () => {
  let monitoring: ServiceHarness;
  let nats: NatsConnection;
  let db: Client;

  beforeAll(async () => {
    monitoring = await startServiceHarness('monitoring-logs', startMonitoring, env);
    nats = await connectNats(monitoring.natsUrl, 'test-logs');
    db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await nats.drain();
    await db.end();
    await monitoring.close().catch(() => undefined);
  });

  const rows = async (service: string) => (await db.query('SELECT * FROM app_logs WHERE service = $1 ORDER BY id', [service])).rows;

  it('ships warn+ records redacted and cut, stores each once, and lists them with filters and keyset pages', async () => {
    const shipper = new LogShipper({ service: 'svc-a', intervalMs: 20 });
    shipper.attach(nats);
    const logger = pino(processLoggerOptions('svc-a', 'info'), pino.multistream([{ level: 'warn', stream: shipper }]));
    logger.info('not shipped');
    logger.warn({ password: 'hunter2', nested: { apiKey: 'k-123', deeper: { clientSecret: 's-456' } }, channel: 'c1' }, 'warned');
    logger.error({ err: Object.assign(new Error('boom'), { code: 'E_BOOM', stack: 'x'.repeat(10_000) }) }, 'failed hard');
    logger.error({ req: { id: 'r-1', method: 'GET', url: '/api/v1/channels/123e4567-e89b-12d3-a456-426614174000/logs?token=abc' }, res: { statusCode: 503 }, responseTime: 12.4 }, 'request failed');
    await eventually(async () => ((await rows('svc-a')).length === 3 ? true : undefined), 5_000);
    shipper.detach();
    const [warned, failed, request] = await rows('svc-a');
    expect(warned).toMatchObject({ level: 40, msg: 'warned', meta: { password: '[redacted]', channel: 'c1', nested: { apiKey: '[redacted]', deeper: { clientSecret: '[redacted]' } } } });
    expect(JSON.stringify(warned.meta)).not.toMatch(/hunter2|k-123|s-456/);
    expect(failed).toMatchObject({ level: 50, msg: 'failed hard', err_code: 'E_BOOM' });
    expect(failed.err_stack).toHaveLength(LOG_LIMITS.errStack + TRUNCATED_MARKER.length);
    expect(failed.err_stack.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(request).toMatchObject({ req_id: 'r-1', method: 'GET', url: '/api/v1/channels/:id/logs', status_code: 503, response_time_ms: 12 });

    const list = (query: object) => monitoring.call(Rpc.logs.list, { limit: 100, ...query });
    expect((await list({ service: 'svc-a', level: 'error' })).items.map((row) => row.msg)).toEqual(['request failed', 'failed hard']);
    expect((await list({ service: 'svc-a', status: 503 })).items.map((row) => row.msg)).toEqual(['request failed']);
    expect((await list({ service: 'svc-a', contains: 'HARD' })).items.map((row) => row.msg)).toEqual(['failed hard']);
    expect((await list({ service: 'svc-a', route: '/api/v1/channels/:id/logs' })).items).toHaveLength(1);
    expect((await list({ service: 'svc-a', from: new Date(Date.now() + 60_000).toISOString() })).items).toHaveLength(0);
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const result = await list({ service: 'svc-a', limit: 2, ...(before ? { before } : {}) });
      seen.push(...result.items.map((row) => row.msg));
      if (!result.nextCursor) break;
      before = result.nextCursor;
    }
    expect(seen).toEqual(['request failed', 'failed hard', 'warned']);
    const after = await list({ service: 'svc-a', after: String(warned.id) });
    expect(after.items.map((row) => row.msg)).toEqual(['failed hard', 'request failed']);
    expect((await monitoring.call(Rpc.logs.get, { id: String(failed.id) })).errCode).toBe('E_BOOM');
    await expect(monitoring.call(Rpc.logs.get, { id: '999999999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores a redelivered batch once and folds a storm of identical records into counted rows', async () => {
    const record = { key: 'test-instance:dup:1', ts: new Date().toISOString(), level: 50, service: 'svc-b', instance: 'test-instance', msg: 'dup', repeats: 1 };
    const js = jetstream(nats);
    await js.publish(Events.appLogs.subject, JSON.stringify({ records: [record] }), { msgID: 'dup-a' });
    await js.publish(Events.appLogs.subject, JSON.stringify({ records: [record] }), { msgID: 'dup-b' });
    await eventually(async () => ((await rows('svc-b')).length === 1 ? true : undefined), 5_000);

    const shipper = new LogShipper({ service: 'svc-c', intervalMs: 50 });
    shipper.attach(nats);
    const logger = pino(processLoggerOptions('svc-c', 'info'), pino.multistream([{ level: 'warn', stream: shipper }]));
    for (let index = 0; index < 500; index += 1) logger.error('database unreachable');
    await shipper.flush();
    await eventually(async () => {
      const stored = await rows('svc-c');
      return stored.reduce((sum, row) => sum + row.repeats, 0) === 500 ? stored : undefined;
    }, 5_000);
    expect((await rows('svc-c')).length).toBeLessThan(20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rows('svc-b')).length).toBe(1);
    shipper.detach();
  });

  it('keeps logging while NATS is down: the buffer is bounded, drops are counted, and the rest arrive once NATS is back', async () => {
    const port = await freePort();
    const store = mkdtempSync(path.join(tmpdir(), 'castline-logs-nats-'));
    const startServer = async () => {
      const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await eventually(async () => (log.includes('Server is ready') ? true : undefined), 10_000);
      return server;
    };
    const stopServer = async (server: ChildProcess) => {
      const exited = once(server, 'exit');
      server.kill('SIGKILL');
      await exited;
    };
    let server = await startServer();
    const own = await connectNats(`nats://127.0.0.1:${port}`, 'test-logs-outage');
    try {
      await (await jetstreamManager(own)).streams.add({ name: 'APP_LOGS', subjects: [Events.appLogs.subject] });
      const shipper = new LogShipper({ service: 'svc-d', intervalMs: 20, maxBuffer: 50, publishTimeoutMs: 300 });
      shipper.attach(own);
      const logger = pino(processLoggerOptions('svc-d', 'info'), pino.multistream([{ level: 'warn', stream: shipper }]));
      await stopServer(server);
      for (let index = 0; index < 80; index += 1) logger.warn(`while down ${index}`);
      // Logging returned at once for every record; the buffer holds 50, the other 30 are counted.
      expect(shipper.pending).toBe(50);
      expect(shipper.dropped).toBe(30);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(shipper.pending).toBe(50);
      server = await startServer();
      await eventually(async () => (shipper.pending === 0 ? true : undefined), 15_000);
      const info = await (await jetstreamManager(own)).streams.info('APP_LOGS');
      const messages = info.state.messages;
      let shipped = 0;
      const consumer = await jetstream(own).consumers.get('APP_LOGS');
      for (let index = 0; index < messages; index += 1) {
        const message = await consumer.next({ expires: 2_000 });
        shipped += (message!.json() as { records: unknown[] }).records.length;
      }
      expect(shipped).toBe(50);
      expect(shipper.shipped).toBe(50);
      shipper.detach();
    } finally {
      await own.close();
      await stopServer(server);
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('rolls requests up per minute with log-scale buckets: percentiles of any range within 5 % of exact', async () => {
    const rollups = new ApiRollups('svc-api');
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60_000;
    const durations: number[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let minute = 0; minute < 2; minute += 1) {
      for (let index = 0; index < 2_000; index += 1) {
        const ms = Math.exp(random() * 6) * 0.5; // 0.5 ms .. 200 ms, log-uniform
        durations.push(ms);
        rollups.record('http', '/api/v1/things/:id', 'GET', index % 50 === 0 ? 503 : 200, ms, start + minute * 60_000 + index);
      }
    }
    rollups.attach(nats, 60_000);
    await rollups.publish(start + 2 * 60_000 + 1);
    await rollups.publish(start + 2 * 60_000 + 1); // nothing left: no duplicate
    rollups.detach();
    const stats = await eventually(async () => {
      const reply = await monitoring.call(Rpc.apiMetrics.query, { range: '1h', service: 'svc-api', transport: 'http' });
      return reply.routes[0]?.count === 4_000 ? reply : undefined;
    }, 5_000);
    const route = stats.routes[0]!;
    durations.sort((a, b) => a - b);
    const exact = (q: number) => durations[Math.round(q * (durations.length - 1))]!;
    for (const [q, value] of [[0.5, route.p50Ms], [0.95, route.p95Ms], [0.99, route.p99Ms]] as const) {
      expect(Math.abs(value! - exact(q)) / exact(q)).toBeLessThan(0.05);
    }
    expect(route.errorRate).toBeCloseTo(80 / 4_000, 5);
    expect(stats.series.map((point) => point.count)).toEqual([2_000, 2_000]);
    const hour = await db.query("SELECT sum(count)::int AS count, buckets FROM api_metric_rollups WHERE resolution = 'hour' AND service = 'svc-api' GROUP BY buckets");
    expect(hour.rows.reduce((sum, row) => sum + row.count, 0)).toBe(4_000);
    expect(latencyQuantile({}, 0.5)).toBeNull();
  });
});
