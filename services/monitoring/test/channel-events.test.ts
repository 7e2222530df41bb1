import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ChannelEventMessage, Rpc } from '@castline/contracts';
import { connectNats } from '@castline/platform';
import { eventually, inProcessServiceEnv, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { startMonitoring } from '../src/monitoring-app';

/**
 * Channel events reach the alert rules through JetStream: published on `channels.events` (as the channels
 * service and its workers do), kept by the CHANNEL_EVENTS stream while monitoring is down, written once per
 * channel_events id, and turned into "channel given up" and "crash loop" alerts.
 */
const env = { CHECKS_TICK_MS: '0', ALERTS_EVAL_INTERVAL_MS: '0', NGINX_HEALTH_URL: 'off', ALERTS_ALLOWED_TARGETS: '127.0.0.1/32', ALERTS_RETRY_BASE_MS: '30', ALERTS_OUTBOX_SCAN_MS: '200' };

describe('channel events', () => {
  let monitoring: ServiceHarness;
  let app: NestFastifyApplication;
  let nats: NatsConnection;
  let db: Client;
  let hook: Server;
  const received: Array<{ transition: string; group: { labels: Record<string, string> }; alerts: Array<{ labels: Record<string, string>; message: string }> }> = [];
  let clock = Date.now();

  const publish = async (message: ChannelEventMessage) => {
    nats.publish('channels.events', JSON.stringify(message));
    await nats.flush();
  };
  const logged = async (channelId: string) => (await db.query('SELECT event_id, type FROM channel_event_log WHERE channel_id = $1 ORDER BY event_id', [channelId])).rows;

  beforeAll(async () => {
    hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    monitoring = await startServiceHarness('monitoring-channel-events', startMonitoring, env);
    app = monitoring.app;
    for (const check of (await monitoring.call(Rpc.checks.list, {})).items) await monitoring.call(Rpc.checks.update, { id: check.id, changes: { enabled: false } });
    await monitoring.call(Rpc.receivers.create, { name: 'hook', kind: 'webhook', config: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` } });
    nats = await connectNats(monitoring.natsUrl, 'test-channels');
    db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await nats.drain();
    await db.end();
    await app.close().catch(() => undefined);
    await monitoring.close().catch(() => undefined);
    hook.close();
  });

  it('stores each event once by its channel_events id and alerts when a channel gives up', async () => {
    const channelId = randomUUID();
    const gaveUp: ChannelEventMessage = { channelId, status: 'error', type: 'error', message: 'error: source lost', at: new Date().toISOString(), eventId: '101' };
    await publish(gaveUp);
    await publish(gaveUp); // a redelivery or a second publish of the same row
    await eventually(async () => ((await logged(channelId)).length === 1 ? true : undefined), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await logged(channelId)).toEqual([{ event_id: '101', type: 'error' }]);
    await app.get(AlertEvaluator).evaluate(new Date((clock += 15_000)));
    await eventually(async () => (received.length >= 1 ? true : undefined), 5_000);
    expect(received[0]).toMatchObject({ transition: 'firing', group: { labels: { alertname: 'channel given up', channel: channelId } } });
    expect(received[0]!.alerts[0]!.message).toContain('error: source lost');
  });

  it('alerts on a crash loop: 5 restarts in 10 minutes', async () => {
    const channelId = randomUUID();
    for (let index = 0; index < 5; index += 1) {
      await publish({ channelId, status: 'starting', type: 'restart', message: `restart ${index + 1}`, at: new Date().toISOString(), eventId: `2${index}` });
    }
    await eventually(async () => ((await logged(channelId)).length === 5 ? true : undefined), 5_000);
    const evaluator = app.get(AlertEvaluator);
    await evaluator.evaluate(new Date((clock += 15_000)));
    await evaluator.evaluate(new Date((clock += 30_000))); // group_wait 30 s
    await eventually(async () => (received.some((message) => message.group.labels.alertname === 'channel crash loop') ? true : undefined), 5_000);
    const loop = received.find((message) => message.group.labels.alertname === 'channel crash loop')!;
    expect(loop.alerts[0]!.message).toBe(`channel ${channelId} restarted 5 times in 10 min`);
  });

  it('alerts on a channel that gave up while monitoring was down, once it is back', async () => {
    await app.close();
    const channelId = randomUUID();
    await publish({ channelId, status: 'error', type: 'error', message: 'error: gave up while nobody watched', at: new Date().toISOString(), eventId: '301' });
    app = await startMonitoring({ ...inProcessServiceEnv(monitoring.databaseUrl, monitoring.natsUrl), REDIS_KEY_PREFIX: monitoring.redisKeyPrefix, ...env }, { handleSignals: false });
    await eventually(async () => ((await logged(channelId)).length === 1 ? true : undefined), 10_000);
    await app.get(AlertEvaluator).evaluate(new Date((clock += 15_000)));
    await eventually(async () => (received.some((message) => message.group.labels.channel === channelId) ? true : undefined), 5_000);
  });
});
