import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, bearer, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import WebSocket from 'ws';
import { startChannels } from '../src/channels-app';

/** Start and stop through the API reach a dashboard's WebSocket as `channels.events` (no worker: nobody takes the job). */
let gateway: TestGateway;
let channels: NestFastifyApplication;
let token: string;

beforeAll(async () => {
  gateway = await startTestGateway('channel-events-push');
  channels = await startChannels(
    {
      ...inProcessServiceEnv(gateway.databaseUrl),
      REDIS_KEY_PREFIX: redisKeyPrefix('channel-events-push'),
    },
    { handleSignals: false },
  );
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  token = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
});
afterAll(async () => {
  await channels?.close();
  await gateway?.close();
});

const api = (method: 'POST', url: string, payload?: object) => gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

it('pushes the starting and stopping events of a channel to its WebSocket subscribers', async () => {
  const { id } = (await api('POST', '/channels', { name: 'Pushed', sources: [{ url: 'udp://127.0.0.1:29999' }] })).json<{ id: string }>();
  const url = `${(await gateway.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/^http/, 'ws')}/api/v1/ws/metrics`;
  const socket = new WebSocket(url, ['bearer', token]);
  const received: Array<{ type: string; data?: { channelId: string; status?: string; message: string } }> = [];
  socket.on('message', (raw) => received.push(JSON.parse(raw.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  try {
    socket.send(JSON.stringify({ subscribe: [id] }));
    await waitFor(() => received.some((message) => message.type === 'subscriptions'));

    expect((await api('POST', `/channels/${id}/start`)).statusCode).toBe(200);
    expect((await api('POST', `/channels/${id}/stop`)).statusCode).toBe(200);
    await waitFor(() => received.filter((message) => message.type === 'event').length >= 3);
    expect(received.filter((message) => message.type === 'event').map((message) => [message.data?.channelId, message.data?.status])).toEqual([
      [id, 'starting'],
      [id, 'stopping'],
      [id, 'stopped'],
    ]);
  } finally {
    socket.terminate();
  }
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
