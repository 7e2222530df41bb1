import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ChannelEventMessage } from '@castline/contracts';
import { connectNats } from '@castline/platform';
import { eventually, type ServiceHarness } from '@castline/testkit';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AlertEvaluator } from '../src/alerts/evaluator.service';
import { type AlertingHarness, type HookMessage, startAlertingHarness } from './alerting-harness';

/**
 * Channel events reach the alert rules through JetStream: published on `channels.events` (as the channels
 * service and its workers do), kept by the CHANNEL_EVENTS stream while monitoring is down, written once per
 * channel_events id, and turned into "channel given up" and "crash loop" alerts.
 */
describe('channel events', () => {
  let harness: AlertingHarness;
  let monitoring: ServiceHarness;
  let app: NestFastifyApplication;
  let nats: NatsConnection;
  let db: Client;
  let received: HookMessage[];
  let clock = Date.now();

  const publish = async (message: ChannelEventMessage) => {
    nats.publish('channels.events', JSON.stringify(message));
    await nats.flush();
  };
  const logged = async (channelId: string) => (await db.query('SELECT event_id, type FROM channel_event_log WHERE channel_id = $1 ORDER BY event_id', [channelId])).rows;

  beforeAll(async () => {
    harness = await startAlertingHarness('monitoring-channel-events');
    ({ monitoring, received } = harness);
    app = monitoring.app;
    nats = await connectNats(monitoring.natsUrl, 'test-channels');
    db = new Client({ connectionString: monitoring.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await nats.drain();
    await db.end();
    await app.close().catch(() => undefined);
    await harness.close();
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
    app = await harness.startAnother();
    await eventually(async () => ((await logged(channelId)).length === 1 ? true : undefined), 10_000);
    await app.get(AlertEvaluator).evaluate(new Date((clock += 15_000)));
    await eventually(async () => (received.some((message) => message.group.labels.channel === channelId) ? true : undefined), 5_000);
  });
});
