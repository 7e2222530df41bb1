import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queues } from '@castline/contracts';
import { Jobs } from '@castline/platform';
import { ADMIN, bearer, eventually, login, startTestGateway, type TestGateway, userWithRole, inProcessServiceEnv } from '@castline/testkit';
import { startChannels } from '../src/channels-app';
import { playbackToken } from '@castline/platform';

/** Bulk start/stop, playback URLs and schedules through HTTP -> gateway -> NATS -> channels service -> Redis/Postgres. */
const secret = 'operations-test-secret-operations-test-0123';
const redisKeyPrefix = `castline-test-ops-${randomUUID().slice(0, 8)}:`;
let gateway: TestGateway;
let channels: NestFastifyApplication;
let token: string;
let jobs: Jobs;

beforeAll(async () => {
  gateway = await startTestGateway('channel-ops');
  channels = await startChannels(
    {
      ...inProcessServiceEnv(gateway.databaseUrl),
      REDIS_KEY_PREFIX: redisKeyPrefix,
      PLAYBACK_SIGNING_SECRET: secret,
      PLAYBACK_URL_TTL_SECONDS: '600',
    },
    { handleSignals: false },
  );
  jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: redisKeyPrefix });
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  token = (await userWithRole(gateway.app, admin.accessToken, 'operator')).accessToken;
});
afterAll(async () => {
  await jobs?.queue(Queues.channelSchedules).obliterate().catch(() => undefined);
  await jobs?.close();
  await channels?.close();
  await gateway?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

let port = 21000;
const create = async (body: object = {}) => {
  port += 1;
  const response = await api('POST', '/channels', { name: `Ops ${port}`, sources: [{ url: `udp://127.0.0.1:${port}` }], ...body });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string; slug: string }>();
};

describe('POST /channels/bulk', () => {
  it('starts and stops each id with its own result, unknown ids included', async () => {
    const [one, two] = [await create(), await create()];
    const missing = randomUUID();
    const started = await api('POST', '/channels/bulk', { action: 'start', ids: [one.id, two.id, missing] });
    expect(started.statusCode).toBe(200);
    expect(started.json().results).toEqual([
      { id: one.id, ok: true, status: 'starting' },
      { id: two.id, ok: true, status: 'starting' },
      { id: missing, ok: false, error: { code: 'NOT_FOUND', message: 'Channel not found' } },
    ]);
    // No worker runs here, so stop takes the unclaimed jobs back at once.
    const stopped = await api('POST', '/channels/bulk', { action: 'stop', ids: [one.id, two.id] });
    expect(stopped.json().results).toEqual([
      { id: one.id, ok: true, status: 'stopped' },
      { id: two.id, ok: true, status: 'stopped' },
    ]);
  });

  it('refuses an empty list, more than 200 ids and an unknown action', async () => {
    expect((await api('POST', '/channels/bulk', { action: 'start', ids: [] })).statusCode).toBe(400);
    const many = Array.from({ length: 201 }, () => randomUUID());
    expect((await api('POST', '/channels/bulk', { action: 'stop', ids: many })).statusCode).toBe(400);
    expect((await api('POST', '/channels/bulk', { action: 'restart', ids: [randomUUID()] })).statusCode).toBe(400);
  });
});

describe('GET /channels/:id/playback', () => {
  it('gives a public channel its plain path, without expiry', async () => {
    const channel = await create();
    const response = await api('GET', `/channels/${channel.id}/playback`);
    expect(response.json()).toEqual({ url: `/live/${channel.slug}/index.m3u8`, expiresAt: null, signed: false });
  });

  it('signs a signed channel for PLAYBACK_URL_TTL_SECONDS with the token nginx checks', async () => {
    const channel = await create({ playback: 'signed' });
    expect((await api('GET', `/channels/${channel.id}`)).json().playbackPath).toBeNull();
    const before = Math.floor(Date.now() / 1000);
    const { url, expiresAt, signed } = (await api('GET', `/channels/${channel.id}/playback`)).json();
    expect(signed).toBe(true);
    const [, tokenPart, expires] = url.match(/^\/live\/_signed\/([\w-]{22})\/(\d+)\/[0-9a-f-]{36}\.\d+\/index\.m3u8$/) ?? [];
    expect(Number(expires)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expires)).toBeLessThanOrEqual(before + 601);
    expect(tokenPart).toBe(playbackToken(secret, `${channel.id}.1`, Number(expires)));
    expect(url).toContain(`/${channel.id}.1/index.m3u8`);
    expect(expiresAt).toBe(new Date(Number(expires) * 1000).toISOString());
  });
});

describe('revoking signed links', () => {
  it('a new signing version on revoke and on a slug change: earlier URLs name a directory that is gone', async () => {
    const channel = await create({ playback: 'signed' });
    const first = (await api('GET', `/channels/${channel.id}/playback`)).json().url as string;
    expect(first).toContain(`/${channel.id}.1/`);
    const revoked = await api('POST', `/channels/${channel.id}/playback/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().signingVersion).toBe(2);
    const second = (await api('GET', `/channels/${channel.id}/playback`)).json().url as string;
    expect(second).toContain(`/${channel.id}.2/`);
    expect((await api('PATCH', `/channels/${channel.id}`, { slug: `${channel.slug}-renamed` })).json().signingVersion).toBe(3);
    expect((await api('PATCH', `/channels/${channel.id}`, { name: 'Same slug' })).json().signingVersion).toBe(3);
  });
});

describe('schedules', () => {
  const berlinHour = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  const schedule = { timezone: 'Europe/Berlin', start: '0 8 * * *', stop: '30 20 * * 1-5' };

  // The schedulers themselves are tested on the service harness (schedules.test.ts); here the HTTP edge.
  it('answers GET /channels/:id/schedule with the schedule and its next runs', async () => {
    const channel = await create({ schedule });
    const shown = (await api('GET', `/channels/${channel.id}/schedule`)).json();
    expect(shown).toEqual({ schedule, nextStartAt: expect.any(String), nextStopAt: expect.any(String) });
    expect(berlinHour(shown.nextStartAt)).toBe('08');
    expect((await api('PATCH', `/channels/${channel.id}`, { schedule: null })).statusCode).toBe(200);
    expect((await api('GET', `/channels/${channel.id}/schedule`)).json()).toEqual({ schedule: null, nextStartAt: null, nextStopAt: null });
  });

  it('a scheduler that fires really starts the channel, and the stop scheduler really stops it', async () => {
    const channel = await create({});
    const statusOf = async () => (await api('GET', `/channels/${channel.id}`)).json();
    // A schedule's job scheduler, firing every second (six-field cron) instead of at a cron minute.
    const schedules = jobs.queue(Queues.channelSchedules);
    const fire = (action: 'start' | 'stop') =>
      schedules.upsertScheduler(`${channel.id}:${action}`, { pattern: '* * * * * *', timezone: 'UTC' }, { name: action, data: { channelId: channel.id, action }, options: { removeOnComplete: true } });
    await fire('start');
    await eventually(async () => ((await statusOf()).desiredState === 'running' ? true : undefined), 10_000);
    expect(await statusOf()).toMatchObject({ status: 'starting', desiredState: 'running' });
    await schedules.removeScheduler(`${channel.id}:start`);
    await fire('stop');
    await eventually(async () => ((await statusOf()).status === 'stopped' ? true : undefined), 10_000);
    expect(await statusOf()).toMatchObject({ status: 'stopped', desiredState: 'stopped' });
    await schedules.removeScheduler(`${channel.id}:stop`);
    const messages = (await api('GET', `/channels/${channel.id}/events`)).json().items.map((event: { message: string }) => event.message);
    expect(messages).toEqual(expect.arrayContaining(['starting: start requested', 'stopping: stop requested']));
  });

  it('refuses a bad cron expression or an unknown time zone with 400 and the reason', async () => {
    const badCron = await api('POST', '/channels', { name: 'Bad cron', sources: [{ url: 'udp://127.0.0.1:21999' }], schedule: { ...schedule, stop: '61 * * * *' } });
    expect(badCron.statusCode).toBe(400);
    expect(badCron.json().error.message).toBe('schedule.stop: invalid cron expression "61 * * * *": Constraint error, got value 61 expected range 0-59');
    const badZone = await api('POST', '/channels', { name: 'Bad zone', sources: [{ url: 'udp://127.0.0.1:21999' }], schedule: { ...schedule, timezone: 'Mars/Olympus' } });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().error.message).toBe('schedule.timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Berlin)');
    expect((await api('GET', '/channels?search=bad')).json().total).toBe(0);
  });
});
