import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, Rpc } from '@castline/contracts';
import { eventually, type ServiceHarness } from '@castline/testkit';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { CheckScheduler } from '../src/checks/check-scheduler.service';
import { type AlertingHarness, type HookMessage, startAlertingHarness } from './alerting-harness';

/**
 * Alert rules end to end on real Postgres, Redis and NATS: checks against a local HTTP server whose status the
 * test sets, the evaluator stepped at test times, a local webhook receiving what is sent.
 */
describe('alert rules', () => {
  let harness: AlertingHarness;
  let monitoring: ServiceHarness;
  let scheduler: CheckScheduler;
  let evaluator: AlertEvaluator;
  let server: Server;
  let received: HookMessage[];
  /** Status per path of the checked server. */
  const statusOf = new Map<string, number>();
  let base: string;
  // The test clock starts now and moves ahead of real time; silences and windows made here span both, since the
  // views say `silenced`/`active` at real time and the evaluator holds at test time.
  let clock = Date.now();
  const at = () => new Date(clock);
  /** Moves the test clock, runs the due checks and one evaluation, and waits for the outbox to drain. */
  const cycle = async (seconds: number) => {
    clock += seconds * 1000;
    await scheduler.tick(at());
    await evaluator.evaluate(at());
  };
  const quiet = () => new Promise((resolve) => setTimeout(resolve, 400));

  beforeAll(async () => {
    server = createServer((request, response) => response.writeHead(statusOf.get(request.url ?? '') ?? 200).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    harness = await startAlertingHarness('monitoring-rules');
    ({ monitoring, received } = harness);
    scheduler = monitoring.app.get(CheckScheduler);
    evaluator = monitoring.app.get(AlertEvaluator);
  });
  afterAll(async () => {
    await harness.close();
    server.close();
  });

  it('seeds the five rules and refuses bad rules, silences and windows with a code', async () => {
    const rules = (await monitoring.call(Rpc.rules.list, {})).items;
    expect(rules.filter((rule) => rule.builtin).map((rule) => rule.name).sort()).toEqual(['Alertmanager', 'HLS_ROOT below 10 % free', 'channel crash loop', 'channel given up', 'service DOWN']);
    const base = { name: 'x', source: 'check_status', params: { status: 'down' } };
    const refusals: Array<[string, unknown, string]> = [
      ['monitoring.rules.create', { ...base, source: 'tea_leaves' }, 'source'],
      ['monitoring.rules.create', { ...base, forSeconds: -5 }, 'forSeconds'],
      ['monitoring.rules.create', { ...base, groupBy: ['datacenter'] }, 'groupBy'],
      ['monitoring.silences.create', { matchers: [{ label: 'check', value: '(', regex: true }], endsAt: '2030-01-01T00:00:00Z' }, 'matchers'],
      ['monitoring.maintenance.create', { name: 'w', matchers: [{ label: 'check', value: 'a' }], cron: '0 25 * * *', durationMinutes: 30 }, 'cron'],
      ['monitoring.maintenance.create', { name: 'w', matchers: [{ label: 'check', value: 'a' }], cron: '0 2 * * *', durationMinutes: 30, timezone: 'Mars/Olympus' }, 'timezone'],
    ];
    for (const [subject, body, field] of refusals) {
      await expect(monitoring.request(subject, body)).rejects.toMatchObject({ code: ErrorCodes.validationFailed, status: 400, details: { fields: [expect.objectContaining({ path: expect.stringContaining(field) })] } });
    }
    const seeded = rules.find((rule) => rule.name === 'service DOWN')!;
    await expect(monitoring.call(Rpc.rules.delete, { id: seeded.id })).rejects.toMatchObject({ code: ErrorCodes.conflict });
  });

  it('sends 10 alerts of one group in one message, held by group_wait', async () => {
    const seeded = (await monitoring.call(Rpc.rules.list, {})).items.find((rule) => rule.name === 'service DOWN')!;
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { enabled: false } });
    const rule = await monitoring.call(Rpc.rules.create, { name: 'any check down', source: 'check_status', params: { status: 'down' }, groupBy: [], groupWaitSeconds: 30, groupIntervalSeconds: 300 });
    const checks = [];
    for (let index = 0; index < 10; index += 1) {
      statusOf.set(`/c${index}`, 500);
      checks.push(await monitoring.call(Rpc.checks.create, { kind: 'http', name: `c${index}`, target: `${base}/c${index}`, intervalSeconds: 10 }));
    }
    await cycle(10);
    await quiet();
    expect(received).toHaveLength(0); // group_wait 30 s
    await cycle(10);
    await cycle(10);
    await cycle(10);
    await eventually(async () => (received.length >= 1 ? true : undefined), 5_000);
    await quiet();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ transition: 'firing', group: { labels: { alertname: 'any check down' } } });
    expect(received[0]!.alerts).toHaveLength(10);

    // All back within one group_interval: one resolved message, after the interval.
    for (let index = 0; index < 10; index += 1) statusOf.set(`/c${index}`, 200);
    await cycle(10);
    await quiet();
    expect(received).toHaveLength(1);
    await cycle(300);
    await eventually(async () => (received.length >= 2 ? true : undefined), 5_000);
    expect(received[1]).toMatchObject({ transition: 'resolved' });
    expect(received[1]!.alerts.map((alert) => alert.status)).toEqual(Array(10).fill('resolved'));
    for (const check of checks) await monitoring.call(Rpc.checks.delete, { id: check.id });
    await monitoring.call(Rpc.rules.delete, { id: rule.id });
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { enabled: true } });
    received.length = 0;
  });

  it('resolves the open alerts of a deleted rule: a receiver told of one gets its resolution', async () => {
    const seeded = (await monitoring.call(Rpc.rules.list, {})).items.find((rule) => rule.name === 'service DOWN')!;
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { enabled: false } });
    const rule = await monitoring.call(Rpc.rules.create, { name: 'doomed rule', source: 'check_status', params: { status: 'down' }, groupWaitSeconds: 0 });
    statusOf.set('/doomed', 500);
    const check = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'doomed', target: `${base}/doomed`, intervalSeconds: 10 });
    await cycle(10);
    await eventually(async () => (received.length >= 1 ? true : undefined), 5_000);
    expect(received[0]).toMatchObject({ transition: 'firing', group: { labels: { alertname: 'doomed rule' } } });

    await monitoring.call(Rpc.rules.delete, { id: rule.id });
    const open = (await monitoring.call(Rpc.alerts.list, { state: 'open', limit: 100 })).items.filter((alert) => alert.rule === 'doomed rule');
    expect(open).toEqual([]);
    // The check is still down, but nothing fires without its rule; the resolution follows group_interval (300 s).
    await cycle(10);
    await quiet();
    expect(received).toHaveLength(1);
    await cycle(300);
    await eventually(async () => (received.length >= 2 ? true : undefined), 5_000);
    await quiet();
    expect(received.map((message) => message.transition)).toEqual(['firing', 'resolved']);
    expect(received[1]!.alerts.map((alert) => alert.status)).toEqual(['resolved']);
    await monitoring.call(Rpc.checks.delete, { id: check.id });
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { enabled: true } });
    received.length = 0;
  });

  it('holds delivery during a silence (still recording the alert) and sends it once the silence ends', async () => {
    statusOf.set('/quiet', 500);
    const check = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'quiet', target: `${base}/quiet`, intervalSeconds: 10 });
    const held = await monitoring.call(Rpc.silences.create, { matchers: [{ label: 'check', value: 'qui.*', regex: true }], startsAt: new Date(Date.now() - 1_000).toISOString(), endsAt: new Date(clock + 3_600_000).toISOString() });
    await cycle(10);
    await quiet();
    expect(received).toHaveLength(0);
    const [open] = (await monitoring.call(Rpc.alerts.list, { state: 'open' })).items.filter((alert) => alert.labels.check === 'quiet');
    expect(open).toMatchObject({ silenced: true, notifiedAt: null, severity: 'critical' });
    await monitoring.call(Rpc.silences.delete, { id: held.id });
    await cycle(10);
    await eventually(async () => (received.length >= 1 ? true : undefined), 5_000);
    expect(received[0]).toMatchObject({ transition: 'firing', alerts: [{ labels: { check: 'quiet' } }] });
    await monitoring.call(Rpc.checks.delete, { id: check.id });
    await cycle(300);
    await eventually(async () => (received.length >= 2 ? true : undefined), 5_000);
    expect(received[1]).toMatchObject({ transition: 'resolved' });
    received.length = 0;
  });

  it('holds delivery in a maintenance window, repeats after repeat_interval, and ack stops repeats', async () => {
    statusOf.set('/maint', 500);
    const check = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'maint', target: `${base}/maint`, intervalSeconds: 10 });
    const seeded = (await monitoring.call(Rpc.rules.list, {})).items.find((rule) => rule.name === 'service DOWN')!;
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { repeatIntervalSeconds: 600 } });
    const window = await monitoring.call(Rpc.maintenance.create, { name: 'upgrade', matchers: [{ label: 'check', value: 'maint' }], startsAt: new Date(Date.now() - 1_000).toISOString(), endsAt: new Date(clock + 3_600_000).toISOString() });
    expect(window.active).toBe(true);
    await cycle(10);
    await quiet();
    expect(received).toHaveLength(0);
    await monitoring.call(Rpc.maintenance.delete, { id: window.id });
    await cycle(10);
    await eventually(async () => (received.length >= 1 ? true : undefined), 5_000);
    await cycle(600);
    await eventually(async () => (received.length >= 2 ? true : undefined), 5_000);
    expect(received.map((message) => message.transition)).toEqual(['firing', 'firing']);
    const [open] = (await monitoring.call(Rpc.alerts.list, { state: 'open' })).items.filter((alert) => alert.labels.check === 'maint');
    expect((await monitoring.call(Rpc.alerts.ack, { id: open!.id, by: 'ops@example.com' })).acknowledgedBy).toBe('ops@example.com');
    await cycle(600);
    await cycle(600);
    await quiet();
    expect(received).toHaveLength(2);
    await monitoring.call(Rpc.checks.delete, { id: check.id });
    await cycle(300);
    await eventually(async () => (received.length >= 3 ? true : undefined), 5_000);
    expect(received[2]!.transition).toBe('resolved');
    received.length = 0;
  });

  it('sends at most 2 notices while a check flaps for 10 minutes', async () => {
    const check = await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'flappy', target: `${base}/flappy`, intervalSeconds: 10 });
    for (let index = 0; index < 40; index += 1) {
      statusOf.set('/flappy', index % 2 === 0 ? 500 : 200);
      await cycle(15);
    }
    await quiet();
    await quiet();
    const flappy = received.filter((message) => message.group.labels.check === 'flappy' || message.alerts.some((alert) => alert.labels.check === 'flappy'));
    expect(flappy.length).toBeLessThanOrEqual(2);
    expect(flappy.map((message) => message.transition)).toContain('flapping');
    await monitoring.call(Rpc.checks.delete, { id: check.id });
  });

  it('evaluates on one instance only: the lease holder', async () => {
    const second = await harness.startAnother();
    try {
      const now = new Date();
      const first = await evaluator.tickIfLeader(now);
      const other = await second.get(AlertEvaluator).tickIfLeader(now);
      expect(first).not.toBeNull();
      expect(other).toBeNull();
      expect(first!.rules).toBeGreaterThanOrEqual(4);
    } finally {
      await second.close();
    }
  });

  it('keeps a pending rule across a restart: it fires on time after monitoring comes back', async () => {
    const slow = await monitoring.call(Rpc.rules.create, { name: 'slow burn', source: 'check_status', params: { status: 'down' }, forSeconds: 60, groupBy: ['check'], groupWaitSeconds: 0 });
    const seeded = (await monitoring.call(Rpc.rules.list, {})).items.find((rule) => rule.name === 'service DOWN')!;
    await monitoring.call(Rpc.rules.update, { id: seeded.id, changes: { enabled: false } });
    statusOf.set('/slow', 500);
    await monitoring.call(Rpc.checks.create, { kind: 'http', name: 'slow', target: `${base}/slow`, intervalSeconds: 10 });
    received.length = 0;
    await cycle(10); // pending since now
    await cycle(30);
    await quiet();
    expect(received).toHaveLength(0);
    await monitoring.app.close(); // the process is gone; its state is in Postgres
    const revived = await harness.startAnother();
    try {
      clock += 30_000; // 60 s after the first failing evaluation
      await revived.get(CheckScheduler).tick(at());
      await revived.get(AlertEvaluator).evaluate(at());
      await eventually(async () => (received.some((message) => message.group.labels.alertname === 'slow burn') ? true : undefined), 5_000);
      expect(received.filter((message) => message.group.labels.alertname === 'slow burn')).toHaveLength(1);
    } finally {
      await revived.close();
      void slow;
    }
  });
});
