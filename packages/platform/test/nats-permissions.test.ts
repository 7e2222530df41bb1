import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@castline/testkit';
import { Events, NATS_USERS, type NatsUser, Subjects, natsPasswordVariable, renderNatsUsersConfig } from '@castline/contracts';
import { connect, type Msg, type NatsConnection, type Status } from '@nats-io/transport-node';
import { natsConnectionOptions } from '../src/nats-options';
import { consumeDurably } from '../src/nats/durable-consumer';

/**
 * A real nats-server with the production users file (nats/users.conf, rendered from packages/contracts):
 * each process may use its own subjects only, request/reply works across users.
 */
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

// A leading digit on purpose: nats-server parses a variable's value as config, so `7e5...` would be a number
// (or an error) unless quoted, which docker-compose.prod.yml does and natsServerEnv below copies.
const passwords = Object.fromEntries(NATS_USERS.map((user) => [user, `7e${randomBytes(16).toString('hex')}`])) as Record<
  NatsUser,
  string
>;

let server: ChildProcess;
let port: number;
let workDir: string;
const connections: NatsConnection[] = [];

async function connectAs(user: NatsUser, style: 'url' | 'env' = 'env'): Promise<NatsConnection> {
  const options =
    style === 'url'
      ? natsConnectionOptions({ NATS_URL: `nats://${user}:${encodeURIComponent(passwords[user])}@127.0.0.1:${port}` })
      : natsConnectionOptions({ NATS_URL: `nats://127.0.0.1:${port}`, NATS_USER: user, NATS_PASSWORD: passwords[user] });
  const connection = await connect({ ...options, name: `test-${user}`, reconnect: false });
  connections.push(connection);
  return connection;
}

/** The first error status of a connection (the server's -ERR for a permission violation). */
async function nextError(connection: NatsConnection): Promise<Error> {
  for await (const status of connection.status() as AsyncIterable<Status>) {
    if (status.type === 'error') return status.error as Error;
  }
  throw new Error('connection closed without an error');
}

/** The next message on a subscription. */
function nextMessage(connection: NatsConnection, subject: string): Promise<Msg> {
  return new Promise((resolve, reject) => {
    connection.subscribe(subject, {
      max: 1,
      callback: (error, message) => (error ? reject(error) : resolve(message)),
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  workDir = mkdtempSync(path.join(tmpdir(), 'castline-nats-'));
  const config = path.join(workDir, 'nats.conf');
  writeFileSync(config, `listen: "127.0.0.1:${port}"\n${renderNatsUsersConfig()}`);
  const natsServerEnv = Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user), `"${passwords[user]}"`]));
  const env = { ...process.env, ...natsServerEnv };
  server = spawn(NATS_SERVER, ['-c', config, '-js', '-sd', path.join(workDir, 'jetstream')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${stderr}`))),
  );
  const ready = (async () => {
    for (;;) {
      if (/Server is ready/.test(stderr)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await Promise.race([ready, exited]);
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  server?.kill('SIGTERM');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('nats-server with the per-service users', () => {
  it('refuses a connection without credentials and one with a wrong password', async () => {
    await expect(connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false })).rejects.toThrow(/authorization/i);
    await expect(
      connect({ servers: `nats://127.0.0.1:${port}`, user: 'gateway', pass: passwords.channels, reconnect: false }),
    ).rejects.toThrow(/authorization/i);
  });

  it('lets a service publish and subscribe its own subjects (credentials in NATS_URL or NATS_USER/PASSWORD)', async () => {
    const gateway = await connectAs('gateway', 'url');
    const worker = await connectAs('channels-worker');
    const received = nextMessage(gateway, Subjects.channelsMetrics);
    await gateway.flush();
    worker.publish(Subjects.channelsMetrics, '{"channelId":"c1"}');
    expect((await received).string()).toBe('{"channelId":"c1"}');
  });

  it("refuses a publish on another service's subject, and nothing is delivered", async () => {
    const channels = await connectAs('channels');
    const gateway = await connectAs('gateway');
    const worker = await connectAs('channels-worker');
    const first = nextMessage(channels, Subjects.channelsMetrics);
    await channels.flush();

    // channels.metrics belongs to the workers: the gateway may read it, not write it.
    const refused = nextError(gateway);
    gateway.publish(Subjects.channelsMetrics, '{"forged":true}');
    const error = await refused;
    expect(error.name).toBe('PermissionViolationError');
    expect(error.message).toMatch(/Publish to "channels\.metrics"/);

    // Had the forged message been routed, it would sit before this one in the subscriber's queue.
    worker.publish(Subjects.channelsMetrics, '{"real":true}');
    expect((await first).string()).toBe('{"real":true}');
  });

  it('refuses a worker telling channels what to do and a subscription outside the allow-list', async () => {
    const worker = await connectAs('channels-worker');
    const refused = nextError(worker);
    worker.publish(Subjects.channelControl('c1'), '{"action":"stop"}');
    expect((await refused).message).toMatch(/Publish to "channels\.control\.c1"/);

    const backup = await connectAs('backup');
    await expect(nextMessage(backup, Subjects.channelsList)).rejects.toThrow(/Subscription to "channels\.list"/);
  });

  it('carries request/reply from the gateway to a service that may publish nothing but replies', async () => {
    const gateway = await connectAs('gateway');
    const backup = await connectAs('backup');
    const channels = await connectAs('channels');
    backup.subscribe(Subjects.health('backup'), {
      callback: (_error, message) => {
        message.respond('{"status":"ok"}');
      },
    });
    channels.subscribe(Subjects.channelsList, {
      callback: (_error, message) => {
        message.respond('{"items":[]}');
      },
    });
    await Promise.all([backup.flush(), channels.flush()]);

    expect((await gateway.request(Subjects.health('backup'), '{}', { timeout: 5_000 })).string()).toBe('{"status":"ok"}');
    expect((await gateway.request(Subjects.channelsList, '{}', { timeout: 5_000 })).string()).toBe('{"items":[]}');
  });

  it('lets monitoring keep its JetStream stream and durable consumer of channels.events, and ack what it took', async () => {
    const monitoring = await connectAs('monitoring');
    const worker = await connectAs('channels-worker');
    const seen: string[] = [];
    const warnings: string[] = [];
    const stop = await consumeDurably(monitoring, Events.channelEvents, { stream: 'CHANNEL_EVENTS', durable: 'monitoring-alerts' }, async (message) => {
      seen.push(message.eventId ?? '');
    }, { warn: (message) => warnings.push(message) });
    const at = new Date().toISOString();
    worker.publish(Subjects.channelsEvents, JSON.stringify({ channelId: '6f1c1b1e-6a9f-4a8e-9d55-3b8e1f0c2d11', type: 'error', status: 'error', message: 'gave up', at, eventId: '7' }));
    await worker.flush();
    const deadline = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await stop();
    expect(seen).toEqual(['7']);
    expect(warnings).toEqual([]);
    // Acked: a second consumer run on the same durable gets nothing more (and may change its ack wait).
    const again: string[] = [];
    const stopAgain = await consumeDurably(monitoring, Events.channelEvents, { stream: 'CHANNEL_EVENTS', durable: 'monitoring-alerts', ackWaitMs: 20_000 }, async (message) => {
      again.push(message.eventId ?? '');
    }, { warn: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stopAgain();
    expect(again).toEqual([]);
  });
});
