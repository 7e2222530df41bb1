import { once } from 'node:events';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AlertmanagerWebhook, Rpc } from '@castline/contracts';
import { eventually, inProcessServiceEnv, type ServiceHarness, spawnNode } from '@castline/testkit';
import { Client } from 'pg';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { type AlertingHarness, type HookMessage, startAlertingHarness } from './alerting-harness';

/**
 * Alerts from outside and from the new sources through the same evaluator and receivers: Alertmanager webhook
 * v4 (firing, re-sent, resolved), app-log error counts; and a record logged right before a service exits
 * still reaches app_logs.
 */
describe('alertmanager intake and log rules', () => {
  let harness: AlertingHarness;
  let monitoring: ServiceHarness;
  let app: NestFastifyApplication;
  let db: Client;
  let received: HookMessage[];
  let clock = Date.now();
  const evaluate = (stepMs = 15_000) => app.get(AlertEvaluator).evaluate(new Date((clock += stepMs)));

  beforeAll(async () => {
    harness = await startAlertingHarness('monitoring-alertmanager', { LOG_SHIP_LEVEL: 'off' });
    ({ monitoring, received } = harness);
    app = monitoring.app;
    db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await harness.close();
  });

  const payload = (status: 'firing' | 'resolved'): AlertmanagerWebhook => ({
    version: '4',
    status,
    receiver: 'castline',
    groupKey: '{}:{alertname="DiskPressure"}',
    alerts: [
      {
        status,
        labels: { alertname: 'DiskPressure', instance: 'node-1', 'app.kubernetes.io/name': 'exporter' },
        annotations: { summary: 'node-1 disk above 90 %' },
        startsAt: '2026-12-01T10:00:00Z',
        endsAt: status === 'resolved' ? '2026-12-01T10:05:00Z' : '0001-01-01T00:00:00Z',
        fingerprint: 'a1b2c3d4e5f60718',
      },
    ],
  });

  it('turns Alertmanager firing and resolved into one alert, one firing and one resolved notice', async () => {
    expect(await monitoring.call(Rpc.alerts.alertmanager, payload('firing'))).toEqual({ firing: 1, resolved: 0 });
    await evaluate();
    await eventually(async () => (received.length === 1 ? true : undefined), 5_000);
    expect(received[0]).toMatchObject({ transition: 'firing', group: { labels: { alertname: 'DiskPressure' } } });
    expect(received[0]!.alerts[0]).toMatchObject({ message: 'node-1 disk above 90 %', labels: { instance: 'node-1', _app_kubernetes_io_name: 'exporter' } });
    // Alertmanager re-sends firing alerts every repeat interval: the same fingerprint changes nothing.
    await monitoring.call(Rpc.alerts.alertmanager, payload('firing'));
    await evaluate();
    expect((await db.query("SELECT count(*)::int AS n FROM alerts WHERE alert_type = 'alertmanager'")).rows[0].n).toBe(1);
    expect(await monitoring.call(Rpc.alerts.alertmanager, payload('resolved'))).toEqual({ firing: 0, resolved: 1 });
    await evaluate(60_000); // the rule's group_interval
    await eventually(async () => (received.length === 2 ? true : undefined), 5_000);
    expect(received[1]).toMatchObject({ transition: 'resolved' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(2);
  });

  it('refuses a bad Alertmanager payload and a rule with a bad matcher regex', async () => {
    await expect(monitoring.request(Rpc.alerts.alertmanager.subject, { ...payload('firing'), version: '3' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      monitoring.request(Rpc.rules.create.subject, { name: 'am bad', source: 'alertmanager', params: { matchers: [{ label: 'team', value: '(', regex: true }] } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('fires an app-log error-count rule from app_logs rows', async () => {
    await monitoring.call(Rpc.rules.create, { name: 'errors in logs', source: 'app_log_errors', params: { threshold: 5, windowMinutes: 5, service: 'svc-err' }, groupWaitSeconds: 0 } as never);
    await db.query(
      `INSERT INTO app_logs (ts, level, service, instance, msg, repeats, record_key)
       SELECT now(), 50, 'svc-err', 'i1', 'db down', 3, 'k-err-' || g FROM generate_series(1, 2) g`,
    );
    await evaluate();
    await eventually(async () => (received.some((message) => message.group.labels.alertname === 'errors in logs') ? true : undefined), 5_000);
    const notice = received.find((message) => message.group.labels.alertname === 'errors in logs')!;
    expect(notice.alerts[0]!.message).toBe('svc-err logged 6 errors in 5 min');
  });

  it('ships an error a worker process logs right before it exits (flushed on stop)', async () => {
    const { child, output } = spawnNode(path.join(__dirname, 'fixtures/dying-worker.js'), {
      ...inProcessServiceEnv(monitoring.databaseUrl, monitoring.natsUrl),
      REDIS_KEY_PREFIX: monitoring.redisKeyPrefix,
      LOG_LEVEL: 'warn',
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect({ code, output: code === 0 ? '' : output() }).toEqual({ code: 0, output: '' });
    const row = await eventually(async () => (await db.query("SELECT * FROM app_logs WHERE service = 'channels-worker' AND msg = 'worker dying'")).rows[0], 10_000);
    expect(row).toMatchObject({ level: 50, err_code: 'ENOSPC' });
  });
});
