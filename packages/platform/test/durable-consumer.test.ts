import { randomUUID } from 'node:crypto';
import { Events } from '@castline/contracts';
import { eventually, startTestNats, type TestNats } from '@castline/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumeDurably } from '../src/nats/durable-consumer';

/**
 * The durable consumer on a real JetStream: by default one message at a time, in stream order (channel events
 * rely on it); with `concurrency` several at once (app log batches), each still acked only after its handler.
 */
let nats: TestNats;
let connection: NatsConnection;

beforeAll(async () => {
  nats = await startTestNats();
  connection = await connect({ servers: nats.url });
});
afterAll(async () => {
  await connection?.drain();
  await nats?.stop();
});

const batch = (index: number) => ({ records: [{ key: `k${index}`, ts: new Date().toISOString(), level: 40, service: 'svc', instance: 'i', msg: `m${index}` }] });

async function run(concurrency: number | undefined) {
  const name = `T${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let running = 0;
  let most = 0;
  const order: string[] = [];
  const releases: Array<() => void> = [];
  const stop = await consumeDurably(
    connection,
    Events.appLogs,
    { stream: name, durable: name, concurrency },
    async (payload) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      order.push(payload.records[0]!.msg);
      running -= 1;
    },
    { warn: () => undefined },
  );
  // One stream per test: streams may not share a subject, so it goes with its consumer.
  const end = async () => {
    await stop();
    await (await jetstreamManager(connection)).streams.delete(name);
  };
  return { stop: end, releases, order, most: () => most, running: () => running };
}

it('handles one message at a time, in stream order, by default', async () => {
  const consumer = await run(undefined);
  for (let index = 0; index < 5; index += 1) connection.publish(Events.appLogs.subject, JSON.stringify(batch(index)));
  await connection.flush();
  for (let index = 0; index < 5; index += 1) {
    await eventually(async () => (consumer.releases.length > index ? true : undefined), 5_000);
    consumer.releases[index]!();
  }
  await eventually(async () => (consumer.order.length === 5 ? true : undefined), 5_000);
  expect(consumer.most()).toBe(1);
  expect(consumer.order).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  await consumer.stop();
});

it('with concurrency 3, has three messages in its handler at once, and no more', async () => {
  const consumer = await run(3);
  for (let index = 0; index < 6; index += 1) connection.publish(Events.appLogs.subject, JSON.stringify(batch(index)));
  await connection.flush();
  await eventually(async () => (consumer.running() === 3 ? true : undefined), 5_000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(consumer.running()).toBe(3);
  for (let released = 0; released < 6; released += 1) {
    await eventually(async () => (consumer.releases.length > released ? true : undefined), 5_000);
    consumer.releases[released]!();
  }
  await eventually(async () => (consumer.order.length === 6 ? true : undefined), 5_000);
  expect(consumer.most()).toBe(3);
  expect([...consumer.order].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  await consumer.stop();
});
