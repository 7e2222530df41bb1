import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Rpc } from '@castline/contracts';
import { inProcessServiceEnv, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startMonitoring } from '../src/monitoring-app';

/**
 * What the alerting tests share: monitoring driven by the test (no check ticks, no evaluation timer: the test
 * steps them at its own times), fast delivery retries, and a local webhook as the only receiver.
 */
export const ALERTING_ENV = {
  CHECKS_TICK_MS: '0',
  ALERTS_EVAL_INTERVAL_MS: '0',
  NGINX_HEALTH_URL: 'off',
  ALERTS_ALLOWED_TARGETS: '127.0.0.1/32',
  ALERTS_RETRY_BASE_MS: '30',
  ALERTS_OUTBOX_SCAN_MS: '200',
};

/** A webhook message as the receiver gets it (the fields the tests look at). */
export interface HookMessage {
  transition: string;
  group: { labels: Record<string, string> };
  alerts: Array<{ labels: Record<string, string>; status: string; message: string }>;
}

export interface AlertingHarness {
  monitoring: ServiceHarness;
  /** Every message the webhook received, in order (tests may empty it). */
  received: HookMessage[];
  /** A second monitoring instance on the same database, NATS and Redis prefix. */
  startAnother(): Promise<NestFastifyApplication>;
  close(): Promise<void>;
}

export async function startAlertingHarness(name: string, env: Record<string, string> = {}): Promise<AlertingHarness> {
  const received: HookMessage[] = [];
  const hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as HookMessage);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const fullEnv = { ...ALERTING_ENV, ...env };
  const monitoring = await startServiceHarness(name, startMonitoring, fullEnv);
  // The built-in checks would alert on their own schedule; the tests make their own.
  for (const check of (await monitoring.call(Rpc.checks.list, {})).items) await monitoring.call(Rpc.checks.update, { id: check.id, changes: { enabled: false } });
  await monitoring.call(Rpc.receivers.create, { name: 'hook', kind: 'webhook', config: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` } });
  return {
    monitoring,
    received,
    startAnother: () =>
      startMonitoring({ ...inProcessServiceEnv(monitoring.databaseUrl, monitoring.natsUrl), REDIS_KEY_PREFIX: monitoring.redisKeyPrefix, ...fullEnv }, { handleSignals: false }),
    close: async () => {
      await monitoring.close().catch(() => undefined);
      hook.close();
    },
  };
}
