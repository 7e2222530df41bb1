import { Queues, Subjects } from '@castline/contracts';
import { Jobs } from '@castline/platform';
import { eventually, type ServiceHarness } from '@castline/testkit';
import { startChannelsHarness } from './channels-harness';

/**
 * Channel schedules as the channels service keeps them (service harness, no gateway): two job schedulers per
 * channel on `channel-schedules`, read back here through the job module on the service's own key prefix.
 */
let channels: ServiceHarness;
let jobs: Jobs;

beforeAll(async () => {
  channels = await startChannelsHarness('channels-schedules');
  jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: channels.redisKeyPrefix });
});
afterAll(async () => {
  await jobs?.queue(Queues.channelSchedules).obliterate();
  await jobs?.queue(Queues.liveChannels).obliterate();
  await jobs?.close();
  await channels?.close();
});

const schedule = { timezone: 'Europe/Berlin', start: '0 8 * * *', stop: '30 20 * * 1-5' };
const berlinHour = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
let port = 22000;

interface Channel {
  id: string;
  status: string;
  desiredState: string;
}
const create = (body: object = {}) => {
  port += 1;
  return channels.request<Channel>(Subjects.channelsCreate, { name: `Scheduled ${port}`, sources: [{ url: `udp://127.0.0.1:${port}` }], ...body });
};
const nextRuns = async (id: string) => {
  const queue = jobs.queue(Queues.channelSchedules);
  return { start: await queue.nextRun(`${id}:start`), stop: await queue.nextRun(`${id}:stop`) };
};

it('turns a schedule into two cron job schedulers and answers their next runs', async () => {
  const channel = await create({ schedule });
  const { start, stop } = await nextRuns(channel.id);
  const shown = await channels.request<{ schedule: unknown; nextStartAt: string; nextStopAt: string }>(Subjects.channelsSchedule, { id: channel.id });
  expect(shown).toEqual({ schedule, nextStartAt: start!.toISOString(), nextStopAt: stop!.toISOString() });
  expect(berlinHour(shown.nextStartAt)).toBe('08');
  expect(berlinHour(shown.nextStopAt)).toBe('20');
  expect(Date.parse(shown.nextStartAt)).toBeGreaterThan(Date.now());
});

it('replaces the schedulers on update and removes them when the schedule is set to null', async () => {
  const channel = await create({ schedule });
  const before = (await nextRuns(channel.id)).start!;
  await channels.request(Subjects.channelsUpdate, { id: channel.id, changes: { schedule: { ...schedule, start: '15 6 * * *' } } });
  const after = (await nextRuns(channel.id)).start!;
  expect(after.getTime()).not.toBe(before.getTime());
  expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(after)).toBe('06:15');

  await channels.request(Subjects.channelsUpdate, { id: channel.id, changes: { schedule: null } });
  expect(await nextRuns(channel.id)).toEqual({ start: null, stop: null });
  expect(await channels.request(Subjects.channelsSchedule, { id: channel.id })).toEqual({ schedule: null, nextStartAt: null, nextStopAt: null });
});

it('removes the schedulers with the channel', async () => {
  const channel = await create({ schedule });
  await channels.request(Subjects.channelsDelete, { id: channel.id });
  expect(await nextRuns(channel.id)).toEqual({ start: null, stop: null });
});

it('starts the channel when its start scheduler fires', async () => {
  const channel = await create();
  // A scheduler that fires every second, as a channel's start cron would at its time.
  await jobs.queue(Queues.channelSchedules).upsertScheduler(`${channel.id}:start`, { pattern: '* * * * * *', timezone: 'Europe/Berlin' }, {
    name: 'start',
    data: { channelId: channel.id, action: 'start' },
  });
  const started = await eventually(async () => {
    const current = await channels.request<Channel>(Subjects.channelsGet, { id: channel.id });
    return current.desiredState === 'running' ? current : undefined;
  }, 10_000);
  await jobs.queue(Queues.channelSchedules).removeScheduler(`${channel.id}:start`);
  expect(started.status).toBe('starting');
  // No worker runs in this test: the channel waits on the live-channels queue.
  expect(await (await jobs.queue(Queues.liveChannels).getJob(channel.id))?.getState()).toBe('waiting');
});
