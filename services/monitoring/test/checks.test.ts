import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CheckView, ErrorCodes, Rpc } from '@castline/contracts';
import { inProcessServiceEnv, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { CheckScheduler } from '../src/checks/check-scheduler.service';
import { startMonitoring } from '../src/monitoring-app';

/**
 * Health checks on real Postgres, Redis and NATS (with JetStream), against a local HTTP server whose answers
 * the test sets. The scheduler does not tick by itself (CHECKS_TICK_MS=0): each `tick(at)` is one slot.
 */
const env = { CHECKS_TICK_MS: '0', NGINX_HEALTH_URL: 'off', ALERTS_ALLOWED_TARGETS: '127.0.0.1/32', CHECKS_BUILTIN_INTERVAL_SECONDS: '10' };

describe('health checks', () => {
  let monitoring: ServiceHarness;
  let scheduler: CheckScheduler;
  let server: Server;
  let base: string;
  let answer = { status: 200, body: 'all good', delayMs: 0 };
  let clock = Date.parse('2026-12-01T10:00:00Z');
  /** One scheduler slot later (every check has a 10 s interval here). */
  const step = () => new Date((clock += 10_000));

  beforeAll(async () => {
    server = createServer((_request, response) => {
      setTimeout(() => response.writeHead(answer.status).end(answer.body), answer.delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    monitoring = await startServiceHarness('monitoring-checks', startMonitoring, env);
    scheduler = monitoring.app.get(CheckScheduler);
  });
  afterAll(async () => {
    await monitoring.close();
    server.close();
  });

  const list = async () => (await monitoring.call(Rpc.checks.list, {})).items;
  const byName = async (name: string) => (await list()).find((check) => check.name === name) as CheckView;

  it('creates the built-in checks and runs them: this service, Postgres, Redis, NATS + JetStream up; an absent service PENDING then DOWN', async () => {
    const names = (await list()).map((check) => check.name);
    expect(names).toEqual(expect.arrayContaining(['service:gateway', 'service:monitoring', 'postgres', 'redis', 'nats']));
    expect(names).not.toContain('nginx');
    await scheduler.tick(step());
    for (const name of ['service:monitoring', 'postgres', 'redis', 'nats']) expect(await byName(name)).toMatchObject({ status: 'up', builtin: true });
    expect(await byName('service:gateway')).toMatchObject({ status: 'pending', failures: 1 });
    await scheduler.tick(step());
    const gateway = await byName('service:gateway');
    expect(gateway).toMatchObject({ status: 'down', failures: 2 });
    expect(gateway.lastError).toMatch(/no service answers gateway.health/i);
  });

  it('refuses bad checks with a code: forbidden target, bad scheme, short interval, taken name', async () => {
    const http = { kind: 'http' as const, name: 'metadata', intervalSeconds: 10 };
    await expect(monitoring.call(Rpc.checks.create, { ...http, target: 'http://169.254.169.254/latest' })).rejects.toMatchObject({
      code: ErrorCodes.targetForbidden,
      status: 400,
    });
    await expect(monitoring.call(Rpc.checks.create, { ...http, target: 'http://[::ffff:10.0.0.1]/' })).rejects.toMatchObject({ code: ErrorCodes.targetForbidden });
    await expect(monitoring.call(Rpc.checks.create, { kind: 'tcp', name: 'db', target: '10.0.0.5:5432', intervalSeconds: 10 })).rejects.toMatchObject({
      code: ErrorCodes.targetForbidden,
    });
    await expect(monitoring.request('monitoring.checks.create', { ...http, target: 'ftp://example.com/' })).rejects.toMatchObject({ code: ErrorCodes.validationFailed });
    await expect(monitoring.request('monitoring.checks.create', { ...http, target: `${base}/`, intervalSeconds: 5 })).rejects.toMatchObject({
      code: ErrorCodes.validationFailed,
      details: { fields: [expect.objectContaining({ path: 'intervalSeconds' })] },
    });
    await expect(monitoring.call(Rpc.checks.create, { ...http, name: 'postgres', target: `${base}/` })).rejects.toMatchObject({ code: ErrorCodes.conflict });
    expect((await list()).map((check) => check.name)).not.toContain('metadata');
  });

  it('runs an HTTP check: retries as PENDING, DOWN with one outage, back UP closing it, slow as DEGRADED, keyword', async () => {
    const created = await monitoring.call(Rpc.checks.create, {
      kind: 'http',
      name: 'website',
      target: `${base}/status`,
      intervalSeconds: 10,
      retries: 2,
      slowMs: 300,
      keyword: 'good',
    });
    expect(created).toMatchObject({ status: 'unknown', timeoutMs: 8_000, method: 'GET' });
    const statuses: string[] = [];
    const run = async () => {
      await scheduler.tick(step());
      statuses.push((await byName('website')).status);
    };
    await run();
    answer = { status: 500, body: 'oops', delayMs: 0 };
    await run();
    await run();
    await run();
    await run();
    answer = { status: 200, body: 'all good', delayMs: 0 };
    await run();
    answer = { status: 200, body: 'all good', delayMs: 400 };
    await run();
    answer = { status: 200, body: 'nothing here', delayMs: 0 };
    await run();
    expect(statuses).toEqual(['up', 'pending', 'pending', 'down', 'down', 'up', 'degraded', 'pending']);

    const history = await monitoring.call(Rpc.checks.history, { id: created.id, resolution: 'minute', hours: 24 * 365 });
    expect(history.outages).toHaveLength(1);
    expect(history.outages[0]).toMatchObject({ reason: 'status 500', downtimeDurationSeconds: 40 });
    expect(history.samples.map((sample) => sample.statusCode)).toEqual([200, 200, 200, 500, 500, 500, 500, 200]);
    expect(history.samples[0]).toMatchObject({ status: 'pending', errorMessage: 'keyword "good" not found' });
    expect(history.samples[1]).toMatchObject({ status: 'degraded' });
    expect(history.samples[1]!.responseTimeMs).toBeGreaterThanOrEqual(300);
    const counted = history.rollups.reduce((sum, row) => ({ total: sum.total + row.total, down: sum.down + row.down }), { total: 0, down: 0 });
    expect(counted).toEqual({ total: 8, down: 5 });
    expect(history.uptimePercent).toBeCloseTo(37.5);
  });

  it('leaves runs inside a maintenance window out of the uptime %', async () => {
    const created = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'maintained', target: `${base}/status`, intervalSeconds: 10 });
    answer = { status: 200, body: 'all good', delayMs: 0 };
    await scheduler.tick(step());
    await scheduler.tick(step());
    // Down for two runs, but inside a window matching the check: neither up nor down.
    const window = await monitoring.call(Rpc.maintenance.create, {
      name: 'upgrade',
      matchers: [{ label: 'check', value: 'maintained', regex: false }],
      startsAt: new Date(clock).toISOString(),
      endsAt: new Date(clock + 25_000).toISOString(),
      timezone: 'UTC',
    });
    answer = { status: 500, body: 'upgrading', delayMs: 0 };
    await scheduler.tick(step());
    await scheduler.tick(step());
    await monitoring.call(Rpc.maintenance.delete, { id: window.id });
    await scheduler.tick(step()); // down, outside the window
    answer = { status: 200, body: 'all good', delayMs: 0 };
    await scheduler.tick(step());
    const history = await monitoring.call(Rpc.checks.history, { id: created.id, resolution: 'minute', hours: 24 * 365 });
    const counted = history.rollups.reduce((sum, row) => ({ total: sum.total + row.total, maintenance: sum.maintenance + row.maintenance, down: sum.down + row.down }), { total: 0, maintenance: 0, down: 0 });
    expect(counted).toEqual({ total: 6, maintenance: 2, down: 1 });
    expect(history.uptimePercent).toBeCloseTo(75);
    expect((await byName('maintained')).uptime24hPercent).toBeCloseTo(75);
  });

  it('runs a TCP check and fails it when nothing listens', async () => {
    const listener = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    const check = await monitoring.call(Rpc.checks.create, { kind: 'tcp', name: 'tcp', target: `127.0.0.1:${port}`, intervalSeconds: 10 });
    await scheduler.tick(step());
    expect(await byName('tcp')).toMatchObject({ status: 'up' });
    await new Promise((resolve) => listener.close(resolve));
    await scheduler.tick(step());
    expect(await byName('tcp')).toMatchObject({ status: 'down', lastError: expect.stringContaining('ECONNREFUSED') });
    await monitoring.call(Rpc.checks.delete, { id: check.id });
    expect((await list()).map((c) => c.name)).not.toContain('tcp');
  });

  it('keeps built-in checks: only interval, timeout, retries, slowMs and enabled change, and they cannot be deleted', async () => {
    const postgres = await byName('postgres');
    await expect(monitoring.request('monitoring.checks.update', { id: postgres.id, changes: { target: 'http://x/' } })).rejects.toMatchObject({ code: ErrorCodes.validationFailed });
    await expect(monitoring.call(Rpc.checks.delete, { id: postgres.id })).rejects.toMatchObject({ code: ErrorCodes.conflict });
    expect(await monitoring.call(Rpc.checks.update, { id: postgres.id, changes: { intervalSeconds: 20 } })).toMatchObject({ intervalSeconds: 20, timeoutMs: 16_000 });
  });

  it('runs each check once per slot with two monitoring instances', async () => {
    const second: NestFastifyApplication = await startMonitoring(
      { ...inProcessServiceEnv(monitoring.databaseUrl, monitoring.natsUrl), REDIS_KEY_PREFIX: monitoring.redisKeyPrefix, ...env },
      { handleSignals: false },
    );
    try {
      const other = second.get(CheckScheduler);
      const website = await byName('website');
      const before = (await monitoring.call(Rpc.checks.history, { id: website.id, resolution: 'day', hours: 24 * 365 })).samples.length;
      const at = step();
      const [ran, ranElsewhere] = await Promise.all([scheduler.tick(at), other.tick(at)]);
      const enabled = (await list()).filter((check) => check.enabled).length;
      expect(ran + ranElsewhere).toBe(enabled);
      const after = (await monitoring.call(Rpc.checks.history, { id: website.id, resolution: 'day', hours: 24 * 365 })).samples.length;
      expect(after).toBe(before + 1);
    } finally {
      await second.close();
    }
  });
});
