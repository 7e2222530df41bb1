import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, Rpc } from '@castline/contracts';
import { eventually, inProcessServiceEnv, type ServiceHarness, spawnService, startServiceHarness } from '@castline/testkit';
import { Client } from 'pg';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { CheckScheduler } from '../src/checks/check-scheduler.service';
import { startMonitoring } from '../src/monitoring-app';

/**
 * Never-lost delivery on real Postgres, Redis (BullMQ) and NATS: a check going DOWN fires an alert whose
 * outbox rows commit with the transition; a fake webhook (a local HTTP server, the only fake) answers what
 * each test scripts.
 */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

class FakeWebhook {
  readonly received: Received[] = [];
  script: Array<{ status: number; headers?: Record<string, string> }> = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body });
        const next = this.script.shift() ?? { status: 200 };
        response.writeHead(next.status, next.headers).end(next.status === 200 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): void {
    this.server.close();
  }
}

const SECRET = 'a-signing-secret-of-some-length';
const baseEnv = { CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', NGINX_HEALTH_URL: 'off', ALERTS_ALLOWED_TARGETS: '127.0.0.1/32', ALERTS_RETRY_BASE_MS: '30', ALERTS_OUTBOX_SCAN_MS: '200' };

describe('alert delivery', () => {
  let monitoring: ServiceHarness;
  let scheduler: CheckScheduler;
  let evaluator: AlertEvaluator;
  const hook = new FakeWebhook();
  let target: Server;
  let targetStatus = 500;
  let targetUrl: string;
  let clock = Date.parse('2026-12-01T10:00:00Z');
  // Five minutes a step: the seeded rule's group_interval, so each change is sent at the next step.
  const step = () => new Date((clock += 300_000));
  /** One check run and one evaluation at the same (test) moment. */
  const cycle = async () => {
    const at = step();
    await scheduler.tick(at);
    await evaluator.evaluate(at);
  };

  beforeAll(async () => {
    await hook.start();
    target = createServer((_request, response) => response.writeHead(targetStatus).end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    monitoring = await startServiceHarness('monitoring-alerts', startMonitoring, baseEnv);
    scheduler = monitoring.app.get(CheckScheduler);
    evaluator = monitoring.app.get(AlertEvaluator);
    // Only the checks these tests create may fire (no gateway or other service runs here).
    for (const check of (await monitoring.call(Rpc.checks.list, {})).items) {
      await monitoring.call(Rpc.checks.update, { id: check.id, changes: { enabled: false } });
    }
  });
  afterAll(async () => {
    await monitoring.close();
    hook.close();
    target.close();
  });

  it('keeps receiver secrets sealed in Postgres and out of every reply; refuses forbidden targets', async () => {
    const receiver = await monitoring.call(Rpc.receivers.create, { name: 'ops hook', kind: 'webhook', config: { url: hook.url, secret: SECRET } });
    expect(receiver).toMatchObject({ kind: 'webhook', targetHost: new URL(hook.url).host, signed: true });
    const listed = JSON.stringify(await monitoring.call(Rpc.receivers.list, {}));
    expect(listed).not.toContain(SECRET);
    expect(listed).not.toContain('/hook');
    const db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ config: string }>('SELECT config FROM alert_receivers');
    await db.end();
    expect(rows[0]!.config).toMatch(/^v2\./);
    expect(rows[0]!.config).not.toContain(SECRET);
    expect(rows[0]!.config).not.toContain('127.0.0.1');
    await expect(monitoring.call(Rpc.receivers.create, { name: 'meta', kind: 'slack', config: { url: 'http://169.254.169.254/' } })).rejects.toMatchObject({
      code: ErrorCodes.targetForbidden,
      status: 400,
    });
  });

  it('fires once on DOWN and delivers through 500, 500, 200 with one idempotency key and a valid signature', async () => {
    const check = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'site', target: targetUrl, intervalSeconds: 60 });
    hook.script = [{ status: 500 }, { status: 500 }, { status: 200 }];
    await cycle();
    await cycle(); // still DOWN: no second alert
    const [receiver] = (await monitoring.call(Rpc.receivers.list, {})).items;
    const deliveries = await eventually(async () => {
      const { items } = await monitoring.call(Rpc.receivers.deliveries, { id: receiver!.id, limit: 10 });
      return items.length === 1 && items[0]!.deliveredAt ? items : undefined;
    }, 10_000);
    expect(deliveries[0]!.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['retrying', 500],
      ['retrying', 500],
      ['delivered', 200],
    ]);
    expect(deliveries[0]!.attempts[0]!.reply).toBe('try later');
    expect(hook.received).toHaveLength(3);
    const keys = new Set(hook.received.map((request) => request.headers['idempotency-key']));
    expect(keys).toEqual(new Set([deliveries[0]!.idempotencyKey]));
    const last = hook.received[2]!;
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({
      version: 1,
      transition: 'firing',
      group: { labels: { alertname: 'service DOWN', check: 'site' } },
      alerts: [{ severity: 'critical', status: 'firing', labels: { check: 'site', alertname: 'service DOWN' }, message: 'site is DOWN: status 500' }],
    });
    expect(payload.alerts).toHaveLength(1);
    const [t, v1] = String(last.headers['castline-signature']).split(',').map((part) => part.split('=')[1]);
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${last.body}`).digest('hex'));
    expect(check.id).toBeTruthy();
  });

  it('puts the sent alert in the bell with per-user read state, announced on monitoring.notifications', async () => {
    const list = await monitoring.call(Rpc.notifications.list, { userId: 'user-a', limit: 10, unreadOnly: false });
    expect(list.unread).toBe(1);
    expect(list.items[0]).toMatchObject({ kind: 'alert', severity: 'critical', title: 'service DOWN: 1 firing', read: false });
    expect(await monitoring.call(Rpc.notifications.read, { userId: 'user-a', ids: [list.items[0]!.id] })).toEqual({ unread: 0 });
    expect((await monitoring.call(Rpc.notifications.list, { userId: 'user-b', limit: 10, unreadOnly: true })).unread).toBe(1);
    expect((await monitoring.call(Rpc.notifications.list, { userId: 'user-a', limit: 10, unreadOnly: false })).items[0]!.read).toBe(true);
  });

  it('sends the resolved notice once the check is UP, honouring 429 + Retry-After', async () => {
    hook.received.length = 0;
    hook.script = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }];
    targetStatus = 200;
    await cycle();
    await eventually(async () => (hook.received.length === 2 ? true : undefined), 10_000);
    expect(hook.received.map((request) => JSON.parse(request.body).transition)).toEqual(['resolved', 'resolved']);
    const [receiver] = (await monitoring.call(Rpc.receivers.list, {})).items;
    const { items } = await monitoring.call(Rpc.receivers.deliveries, { id: receiver!.id, limit: 10 });
    const resolved = items.find((item) => item.transition === 'resolved')!;
    expect(resolved.attempts.map((attempt) => attempt.statusCode)).toEqual([429, 200]);
    // Retry-After: 1 second, not the 30 ms base backoff.
    expect(Date.parse(resolved.attempts[1]!.at) - Date.parse(resolved.attempts[0]!.at)).toBeGreaterThanOrEqual(900);
  });

  it('sends nothing for PENDING then UP, and fails a 4xx at once', async () => {
    const site = (await monitoring.call(Rpc.checks.list, {})).items.find((check) => check.name === 'site')!;
    await monitoring.call(Rpc.checks.update, { id: site.id, changes: { enabled: false } });
    await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'flaky', target: targetUrl, intervalSeconds: 60, retries: 2 });
    hook.received.length = 0;
    targetStatus = 500;
    await cycle();
    targetStatus = 200;
    await cycle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(0);

    hook.script = [{ status: 404 }];
    targetStatus = 503;
    await cycle(); // flaky: PENDING 1
    await cycle(); // PENDING 2
    await cycle(); // DOWN: fires
    const [receiver] = (await monitoring.call(Rpc.receivers.list, {})).items;
    const failed = await eventually(async () => {
      const { items } = await monitoring.call(Rpc.receivers.deliveries, { id: receiver!.id, limit: 20 });
      return items.find((item) => item.message.startsWith('flaky') && item.failedAt);
    }, 10_000);
    expect(failed.attempts.map((attempt) => [attempt.outcome, attempt.statusCode])).toEqual([['failed', 404]]);
    // A receiver that gave up raises one bell notice.
    const bell = await eventually(async () => {
      const { items } = await monitoring.call(Rpc.notifications.list, { userId: 'user-a', limit: 20, unreadOnly: false });
      return items.find((item) => item.kind === 'receiver');
    }, 5_000);
    expect(bell).toMatchObject({ title: 'Receiver "ops hook" is failing', severity: 'warning' });
    expect(bell.body).toContain('status 404');
  });
});

describe('monitoring killed between commit and enqueue', () => {
  it('queues the committed notification when it is back: delivered once', async () => {
    const hook = new FakeWebhook();
    await hook.start();
    const target = createServer((_request, response) => response.writeHead(500).end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    // A harness only for its database, Redis prefix and NATS; the service under test runs from its build.
    const stores = await startServiceHarness('monitoring-alerts-kill', startMonitoring, { ...baseEnv, ALERTS_OUTBOX_SCAN_MS: '600000' });
    try {
      const receiver = await stores.call(Rpc.receivers.create, { name: 'hook', kind: 'webhook', config: { url: hook.url } });
      for (const check of (await stores.call(Rpc.checks.list, {})).items) {
        await stores.call(Rpc.checks.update, { id: check.id, changes: { enabled: false } });
      }
      await stores.call(Rpc.checks.create, { kind: 'http', name: 'victim', target: `http://127.0.0.1:${(target.address() as AddressInfo).port}/`, intervalSeconds: 10 });
      await stores.app.close();
      const env = { ...inProcessServiceEnv(stores.databaseUrl, stores.natsUrl), REDIS_KEY_PREFIX: stores.redisKeyPrefix, ...baseEnv, LOG_LEVEL: 'warn', CHECKS_TICK_MS: '200', ALERTS_EVAL_INTERVAL_MS: '300' };
      const doomed = await spawnService('monitoring', { ...env, ALERTS_TEST_FAULT: 'exit-after-commit' });
      const [, signal] = await new Promise<[number | null, string | null]>((resolve) => doomed.child.once('exit', (code, signal) => resolve([code, signal])));
      expect(signal).toBe('SIGKILL');
      expect(hook.received).toHaveLength(0);
      const revived = await spawnService('monitoring', env);
      try {
        await eventually(async () => (hook.received.length >= 1 ? true : undefined), 10_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const db = new Client({ connectionString: stores.databaseUrl });
        await db.connect();
        const { rows } = await db.query<{ key: string; delivered: boolean }>('SELECT idempotency_key AS key, delivered_at IS NOT NULL AS delivered FROM alert_outbox WHERE receiver_id = $1', [receiver.id]);
        await db.end();
        expect(rows).toHaveLength(1);
        expect(rows[0]!.delivered).toBe(true);
        expect(hook.received.map((request) => request.headers['idempotency-key'])).toEqual([rows[0]!.key]);
      } finally {
        await revived.stop();
      }
    } finally {
      await stores.close().catch(() => undefined);
      hook.close();
      target.close();
    }
  }, 60_000);
});
