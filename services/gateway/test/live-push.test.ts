import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { type ChannelEventMessage, type ChannelMetrics, Events } from '@castline/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { ADMIN, bearer, JWT_SECRET, login, type Session, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';

/** WebSocket /api/v1/ws/metrics and its SSE fallback, fed by synthetic NATS messages (no FFmpeg). */
let gateway: TestGateway;
let nats: NatsConnection;
let admin: Session;
let viewerToken: string;
let baseUrl: string;

beforeAll(async () => {
  gateway = await startTestGateway('live-push');
  admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  viewerToken = (await userWithRole(gateway.app, admin.accessToken, 'viewer')).accessToken;
  baseUrl = (await gateway.app.getUrl()).replace('[::1]', '127.0.0.1');
  nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
});
afterAll(async () => {
  await nats?.drain();
  await gateway?.close();
});

const metricsOf = (channelId: string): ChannelMetrics => ({
  channelId,
  slug: `slug-${channelId.slice(0, 8)}`,
  workerId: 'test:1',
  pid: 4242,
  runId: 'run-1',
  uptimeSeconds: 3,
  fps: 25,
  speed: 1,
  bitrateKbps: 900,
  dropFrames: 0,
  dupFrames: 0,
  cpuPercent: 12.5,
  rssBytes: 50_000_000,
  threads: 8,
  readBytesPerSecond: 1000,
  writeBytesPerSecond: 2000,
  restarts: 0,
  outputWidth: 1280,
  outputHeight: 720,
  sampledAt: new Date().toISOString(),
});
const eventOf = (channelId: string): ChannelEventMessage => ({
  channelId,
  status: 'running',
  type: 'state',
  message: 'running',
  at: new Date().toISOString(),
});
const publishMetrics = (channelId: string) => nats.publish(Events.channelMetrics.subject, JSON.stringify(metricsOf(channelId)));
const publishEvent = (channelId: string) => nats.publish(Events.channelEvents.subject, JSON.stringify(eventOf(channelId)));

type Pushed = { type: string; data?: { channelId: string }; channels?: string[] };

/** A test client that keeps every message and waits for the next one. */
class Client {
  private readonly received: Pushed[] = [];
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.received.push(JSON.parse(raw.toString()) as Pushed);
      this.waiter?.();
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  async next(timeoutMs = 3_000): Promise<Pushed> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (Date.now() > deadline) throw new Error('no message in time');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.received.shift()!;
  }

  async send(message: unknown): Promise<Pushed> {
    this.socket.send(JSON.stringify(message));
    return this.next();
  }
}

const socketUrl = (query = '') => `${baseUrl.replace(/^http/, 'ws')}/api/v1/ws/metrics${query}`;
const clients: Client[] = [];
function open(query?: string, protocols?: string[]): Client {
  const client = new Client(new WebSocket(socketUrl(query), protocols));
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

describe('WebSocket /api/v1/ws/metrics', () => {
  it('closes a connection without a credential with 4401', async () => {
    const client = open();
    expect(await client.closed).toEqual({ code: 4401, reason: expect.any(String) });
  });

  it('closes a connection with a bad token with 4401', async () => {
    const client = open('?token=not-a-token');
    expect((await client.closed).code).toBe(4401);
  });

  it('pushes metrics and events of the subscribed channels only, until unsubscribed', async () => {
    const client = open(`?token=${viewerToken}`);
    await client.opened;
    const followed = randomUUID();
    const other = randomUUID();
    expect(await client.send({ subscribe: [followed] })).toEqual({ type: 'subscriptions', channels: [followed] });

    // One publisher connection keeps the order: if `other` leaked through, it would come first.
    publishMetrics(other);
    publishMetrics(followed);
    publishEvent(other);
    publishEvent(followed);
    expect(await client.next()).toEqual({ type: 'metrics', data: expect.objectContaining({ channelId: followed, fps: 25 }) });
    expect(await client.next()).toEqual({ type: 'event', data: expect.objectContaining({ channelId: followed, status: 'running', type: 'state' }) });

    const later = randomUUID();
    expect(await client.send({ subscribe: [later], unsubscribe: [followed] })).toEqual({ type: 'subscriptions', channels: [later] });
    publishMetrics(followed);
    publishEvent(followed);
    publishMetrics(later);
    expect(await client.next()).toEqual({ type: 'metrics', data: expect.objectContaining({ channelId: later }) });
  });

  it('follows every channel with "*", authenticated by the bearer subprotocol', async () => {
    const client = open('', ['bearer', viewerToken]);
    await client.opened;
    expect(client.socket.protocol).toBe('bearer');
    expect(await client.send({ subscribe: ['*'] })).toEqual({ type: 'subscriptions', channels: ['*'] });
    const channelId = randomUUID();
    publishEvent(channelId);
    expect(await client.next()).toEqual({ type: 'event', data: expect.objectContaining({ channelId }) });
  });

  it('relays backup progress to clients with backups:read only', async () => {
    const viewer = open(`?token=${viewerToken}`);
    const adminClient = open(`?token=${admin.accessToken}`);
    await Promise.all([viewer.opened, adminClient.opened]);
    // A round trip each: both are registered with the feed before the progress is published.
    expect(await viewer.send({ subscribe: [] })).toMatchObject({ type: 'subscriptions' });
    expect(await adminClient.send({ subscribe: [] })).toMatchObject({ type: 'subscriptions' });
    const backupId = randomUUID();
    const progress = { kind: 'backup', backupId, stage: 'database', bytes: 1024, bytesPerSecond: 512, done: false };
    nats.publish(Events.backupProgress.subject, JSON.stringify(progress));
    expect(await adminClient.next()).toEqual({ type: 'backup', data: progress });
    // The viewer gets the next channel event, not the backup frame published before it.
    const channelId = randomUUID();
    expect(await viewer.send({ subscribe: [channelId] })).toMatchObject({ type: 'subscriptions' });
    publishEvent(channelId);
    expect(await viewer.next()).toEqual({ type: 'event', data: expect.objectContaining({ channelId }) });
  });

  it('answers a malformed subscription with an error and keeps the connection', async () => {
    const client = open(`?token=${viewerToken}`);
    await client.opened;
    expect(await client.send({ subscribe: ['not-a-uuid'] })).toEqual({ type: 'error', message: expect.any(String) });
    expect(await client.send({ subscribe: ['*'] })).toEqual({ type: 'subscriptions', channels: ['*'] });
  });
});

/** A GET on its own connection (no keep-alive pool), so destroying the response closes the stream for sure. */
function openStream(path: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}${path}`, { agent: false, headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject);
  });
}

describe('SSE /api/v1/channels/stream', () => {
  it('refuses a request without a credential', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/v1/channels/stream?channels=*' });
    expect(response.statusCode).toBe(401);
  });

  it('streams metrics and events of the given channels as server-sent events', async () => {
    const followed = randomUUID();
    const response = await openStream(`/api/v1/channels/stream?channels=${followed}`, viewerToken);
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(response.headers['x-accel-buffering']).toBe('no');

      publishMetrics(randomUUID());
      publishMetrics(followed);
      publishEvent(followed);
      let text = '';
      for await (const chunk of response) {
        text += String(chunk);
        if (text.includes('event: event\n')) break;
      }
      const events = text
        .split('\n\n')
        .filter((block) => block.startsWith('event: '))
        .map((block) => {
          const [eventLine, dataLine] = block.split('\n') as [string, string];
          return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as { channelId: string } };
        });
      expect(events).toEqual([
        { event: 'metrics', data: expect.objectContaining({ channelId: followed }) },
        { event: 'event', data: expect.objectContaining({ channelId: followed, status: 'running' }) },
      ]);
    } finally {
      response.destroy();
    }
  });
});

/** An access token like the gateway's own, expiring in `seconds`. */
function tokenExpiringIn(user: Session['user'], seconds: number): Promise<string> {
  return new SignJWT({ email: user.email, role: user.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer('castline')
    .setAudience('castline-api')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function openedWith(token: string): Promise<Client> {
  const client = open('', ['bearer', token]);
  await client.opened;
  expect(await client.send({ subscribe: ['*'] })).toEqual({ type: 'subscriptions', channels: ['*'] });
  return client;
}

describe('live connections end when their credential stops being valid', () => {
  it('closes a WebSocket with 4401 when its access token expires, and refuses the expired token on reconnect', async () => {
    const operator = await userWithRole(gateway.app, admin.accessToken, 'operator');
    const token = await tokenExpiringIn(operator.user, 2);
    const client = await openedWith(token);
    expect(await client.closed).toEqual({ code: 4401, reason: 'credential expired' });

    const again = open('', ['bearer', token]);
    expect((await again.closed).code).toBe(4401);
  });

  it("signing out everywhere closes that user's sockets and event streams at once, and no one else's", async () => {
    const operator = await userWithRole(gateway.app, admin.accessToken, 'operator');
    const secondDevice = await login(gateway.app, operator.user.email, 'operator-password-123', '10.2.0.1');
    const mine = await openedWith(operator.accessToken);
    const mineElsewhere = await openedWith(secondDevice.accessToken);
    const stream = await openStream('/api/v1/channels/stream?channels=*', operator.accessToken);
    const streamEnded = new Promise<void>((resolve) => stream.on('end', resolve).resume());
    const someoneElse = await openedWith(viewerToken);

    const logout = await gateway.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: operator.refreshToken, everywhere: true } });
    expect(logout.statusCode).toBe(204);

    expect(await mine.closed).toEqual({ code: 4401, reason: 'credential revoked' });
    expect(await mineElsewhere.closed).toEqual({ code: 4401, reason: 'credential revoked' });
    await streamEnded;
    const channelId = randomUUID();
    publishEvent(channelId);
    expect(await someoneElse.next()).toEqual({ type: 'event', data: expect.objectContaining({ channelId }) });
  });

  it('disabling a user closes their sockets', async () => {
    const operator = await userWithRole(gateway.app, admin.accessToken, 'operator');
    const client = await openedWith(operator.accessToken);
    const disabled = await gateway.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${operator.user.id}`,
      headers: bearer(admin.accessToken),
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect(await client.closed).toEqual({ code: 4401, reason: 'credential revoked' });
  });

  it("revoking an API key closes the sockets opened with it and leaves the other keys' open", async () => {
    const createKey = async (name: string) => {
      const response = await gateway.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer(admin.accessToken), payload: { name, role: 'viewer' } });
      expect(response.statusCode).toBe(201);
      return response.json<{ id: string; key: string }>();
    };
    const revoked = await createKey('wall display');
    const kept = await createKey('noc screen');
    const client = await openedWith(revoked.key);
    const other = await openedWith(kept.key);

    const response = await gateway.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${revoked.id}`, headers: bearer(admin.accessToken) });
    expect(response.statusCode).toBe(204);
    expect(await client.closed).toEqual({ code: 4401, reason: 'credential revoked' });
    const channelId = randomUUID();
    publishEvent(channelId);
    expect(await other.next()).toEqual({ type: 'event', data: expect.objectContaining({ channelId }) });
  });
});

describe('campaigns.events on the live feed', () => {
  it('pushes an ad account pause to every client, whatever channels it follows', async () => {
    const client = open(`?token=${viewerToken}`);
    await client.opened;
    const followed = randomUUID();
    expect(await client.send({ subscribe: [followed] })).toEqual({ type: 'subscriptions', channels: [followed] });
    const event = { accountId: randomUUID(), type: 'account.paused', code: 'meta_token_expired', message: 'reconnect the account', at: new Date().toISOString() };
    nats.publish(Events.campaignEvents.subject, JSON.stringify(event));
    expect(await client.next()).toEqual({ type: 'campaign', data: event });
  });
});

describe('media.videos.progress on the live feed', () => {
  it('pushes a transcode progress to every client (the /media grid overlays), whatever channels it follows', async () => {
    const client = open(`?token=${viewerToken}`);
    await client.opened;
    const followed = randomUUID();
    expect(await client.send({ subscribe: [followed] })).toEqual({ type: 'subscriptions', channels: [followed] });
    const progress = { videoId: randomUUID(), status: 'transcoding', progress: 42, errorCode: null };
    nats.publish(Events.mediaVideoProgress.subject, JSON.stringify(progress));
    expect(await client.next()).toEqual({ type: 'media', data: progress });
  });
});
