import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectNats, LogShipper, processLoggerOptions } from '@castline/platform';
import {
  ADMIN,
  bearer,
  eventually,
  inProcessServiceEnv,
  login,
  type ServiceProcess,
  spawnService,
  startTestGateway,
  startTestNginx,
  type TestGateway,
  type TestNginx,
  testNatsUrl,
  userWithRole,
} from '@castline/testkit';
import type { NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';

/**
 * App logs end to end: a process logs an error -> its shipper -> JetStream -> monitoring (from its build) ->
 * app_logs -> monitoring.logs.stored -> gateway -> server-sent events through the real nginx, within 2 s.
 * Last-Event-ID fills the gap after a reconnect; the export streams every page.
 */
let gateway: TestGateway;
let monitoring: ServiceProcess;
let nginx: TestNginx;
let nats: NatsConnection;
let shipper: LogShipper;
let logger: pino.Logger;
let operator: string;
let viewer: string;
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-logs-hls-'));

beforeAll(async () => {
  gateway = await startTestGateway('logs-stream');
  monitoring = await spawnService('monitoring', { ...inProcessServiceEnv(gateway.databaseUrl), NGINX_HEALTH_URL: 'off', CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', LOG_SHIP_LEVEL: 'off' });
  const port = (gateway.app.getHttpServer().address() as AddressInfo).port;
  nginx = await startTestNginx({ hlsRoot, env: { GATEWAY_UPSTREAM: `127.0.0.1:${port}` } });
  const admin = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  operator = (await userWithRole(gateway.app, admin, 'operator')).accessToken;
  viewer = (await userWithRole(gateway.app, admin, 'viewer')).accessToken;
  nats = await connectNats(testNatsUrl(), 'logs-stream-test');
  shipper = new LogShipper({ service: 'svc-sse', intervalMs: 20 });
  shipper.attach(nats);
  logger = pino(processLoggerOptions('svc-sse', 'info'), pino.multistream([{ level: 'warn', stream: shipper }]));
});
afterAll(async () => {
  // Whatever beforeAll got to start: a monitoring process left running answers other tests on the shared NATS.
  shipper?.detach();
  await nats?.drain();
  await nginx?.stop();
  await monitoring?.stop();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens the stream through nginx and collects its events as they come. */
async function openStream(query: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${nginx.baseUrl}/api/v1/logs/stream?${query}`, {
    headers: { ...bearer(operator), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            if (field === 'id' || field === 'event' || field === 'data') event[field] = rest.join(': ');
          }
          if (event.event) events.push(event);
        }
      }
    } catch {
      // aborted
    }
  })();
  const logs = () => events.filter((event) => event.event === 'log').map((event) => ({ id: event.id!, ...(JSON.parse(event.data!) as { msg: string }) }));
  return { logs, close: () => controller.abort() };
}

it('streams a logged error through nginx within 2 s, and Last-Event-ID fills the gap after a reconnect', async () => {
  const first = await openStream('service=svc-sse&level=error');
  logger.warn('below the filter');
  logger.error('first live error');
  await eventually(async () => (first.logs().length === 1 ? true : undefined), 2_000);
  expect(first.logs()[0]).toMatchObject({ msg: 'first live error', service: 'svc-sse', level: 50 });
  const lastId = first.logs()[0]!.id;
  first.close();

  for (const msg of ['missed 1', 'missed 2', 'missed 3']) logger.error(msg);
  await eventually(async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/api/v1/logs?service=svc-sse&contains=missed', headers: bearer(operator) });
    return page.json().items.length === 3 ? true : undefined;
  }, 5_000);
  const second = await openStream('service=svc-sse&level=error', lastId);
  await eventually(async () => (second.logs().length === 3 ? true : undefined), 3_000);
  logger.error('after reconnect');
  await eventually(async () => (second.logs().length === 4 ? true : undefined), 2_000);
  expect(second.logs().map((row) => row.msg)).toEqual(['missed 1', 'missed 2', 'missed 3', 'after reconnect']);
  const ids = second.logs().map((row) => BigInt(row.id));
  expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
  expect(ids[0]! > BigInt(lastId)).toBe(true);
  second.close();
});

it('exports every page as JSON or text, and keeps logs from viewers', async () => {
  const json = await gateway.app.inject({ method: 'GET', url: '/api/v1/logs/export?service=svc-sse&format=json', headers: bearer(operator) });
  expect(json.statusCode).toBe(200);
  expect(json.headers['content-disposition']).toContain('castline-logs.json');
  const rows = JSON.parse(json.body) as Array<{ msg: string }>;
  expect(rows.map((row) => row.msg)).toEqual(['after reconnect', 'missed 3', 'missed 2', 'missed 1', 'first live error', 'below the filter']);
  const text = await gateway.app.inject({ method: 'GET', url: '/api/v1/logs/export?service=svc-sse&format=txt&level=error', headers: bearer(operator) });
  const lines = text.body.trim().split('\n');
  expect(lines).toHaveLength(5);
  expect(lines[0]).toMatch(/^\S+ \| ERROR \| svc-sse \| after reconnect$/);
  const refused = await gateway.app.inject({ method: 'GET', url: '/api/v1/logs', headers: bearer(viewer) });
  expect(refused.statusCode).toBe(403);
  const bad = await gateway.app.inject({ method: 'GET', url: '/api/v1/logs?level=debug', headers: bearer(operator) });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('VALIDATION_FAILED');
});
