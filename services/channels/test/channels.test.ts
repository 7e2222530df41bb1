import { ErrorCodes, Subjects } from '@castline/contracts';
import type { ServiceHarness } from '@castline/testkit';
import { startChannelsHarness } from './channels-harness';

/** Channel definitions as the channels service answers them over NATS (service harness, no gateway). */
let channels: ServiceHarness;

beforeAll(async () => {
  channels = await startChannelsHarness('channels-definitions');
});
afterAll(async () => {
  await channels?.close();
});

interface Channel {
  id: string;
  slug: string;
  status: string;
}
interface Page {
  items: Channel[];
  total: number;
  page: number;
  pageSize: number;
}
interface HistoryEntry {
  id: string;
  at: string;
  type: string;
  message: string;
}

const source = (n: number) => ({ url: `udp://127.0.0.1:${20000 + n}?pkt_size=1316` });
const create = (body: object) => channels.request<Channel & Record<string, unknown>>(Subjects.channelsCreate, body);
const list = (query: object = {}) => channels.request<Page>(Subjects.channelsList, query);

it('creates a channel with a generated slug, stopped, with its playback path', async () => {
  const created = await create({ name: 'Sports HD', sources: [source(1), { url: 'https://93.184.215.14/live/index.m3u8', label: 'backup' }] });
  expect(created).toMatchObject({
    name: 'Sports HD',
    slug: 'sports-hd',
    status: 'stopped',
    desiredState: 'stopped',
    playbackPath: '/live/sports-hd/index.m3u8',
    sources: [
      { position: 0, url: source(1).url, label: '' },
      { position: 1, url: 'https://93.184.215.14/live/index.m3u8', label: 'backup' },
    ],
    hls: { segmentSeconds: 2, listSize: 6 },
    playback: 'public',
    autoRestart: true,
  });
  expect((await create({ name: 'Sports  HD!', sources: [source(2)] })).slug).toBe('sports-hd-2');
});

it('refuses a taken explicit slug with CONFLICT naming the field', async () => {
  await create({ name: 'News', slug: 'news', sources: [source(3)] });
  await expect(create({ name: 'Other', slug: 'news', sources: [source(4)] })).rejects.toMatchObject({
    code: ErrorCodes.conflict,
    status: 409,
    message: 'The slug "news" is taken',
  });
});

it.each([
  ['file:///etc/passwd'],
  ['concat:udp://a|udp://b'],
  ['subfile,,start,0,end,0,,:/etc/passwd'],
  ['data:video/mp2t;base64,AAAA'],
  ['pipe:0'],
  ['hls+file:///tmp/x.m3u8'],
  ['crypto+http://example.com/x'],
  ['gopher://example.com/'],
])('refuses the source %s with VALIDATION_FAILED naming the source, and stores nothing', async (url) => {
  const before = (await list({ pageSize: 200 })).total;
  await expect(create({ name: 'Evil', sources: [source(5), { url }] })).rejects.toMatchObject({
    code: ErrorCodes.validationFailed,
    status: 400,
    message: expect.stringMatching(/^sources\[1\] \(backup source 1\): /),
  });
  expect((await list({ pageSize: 200 })).total).toBe(before);
});

it('lists with search, status filter and pagination', async () => {
  const searched = await list({ search: 'sports' });
  expect(searched.items.map((c) => c.slug).sort()).toEqual(['sports-hd', 'sports-hd-2']);
  expect((await list({ status: 'running' })).total).toBe(0);
  const page = await list({ pageSize: 1, page: 2 });
  expect(page).toMatchObject({ page: 2, pageSize: 1 });
  expect(page.items).toHaveLength(1);
  await expect(list({ status: 'flying' })).rejects.toMatchObject({ code: ErrorCodes.validationFailed });
});

it('updates fields, replaces sources in order, and validates references', async () => {
  const { id } = await create({ name: 'Movies', sources: [source(6)] });
  const update = (changes: object) => channels.request<Record<string, unknown>>(Subjects.channelsUpdate, { id, changes });
  expect(await update({ name: 'Movies+', sources: [source(7), source(8)], hls: { segmentSeconds: 4, listSize: 8 }, playback: 'signed', autoRestart: false })).toMatchObject({
    name: 'Movies+',
    slug: 'movies',
    sources: [{ position: 0, url: source(7).url }, { position: 1, url: source(8).url }],
    hls: { segmentSeconds: 4, listSize: 8 },
    playback: 'signed',
    autoRestart: false,
  });
  await expect(update({ presetId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ status: 400 });
  await expect(update({ logo: { uploadId: '00000000-0000-4000-8000-000000000000' } })).rejects.toMatchObject({
    status: 400,
    message: expect.stringContaining('logo.uploadId'),
  });
});

it('answers NOT_FOUND for unknown channels and deletes', async () => {
  const unknown = { id: '00000000-0000-4000-8000-000000000000' };
  await expect(channels.request(Subjects.channelsGet, unknown)).rejects.toMatchObject({ code: ErrorCodes.notFound, status: 404, message: 'Channel not found' });
  const { id } = await create({ name: 'Temp', sources: [source(9)] });
  await channels.request(Subjects.channelsDelete, { id });
  await expect(channels.request(Subjects.channelsGet, { id })).rejects.toMatchObject({ code: ErrorCodes.notFound });
});

it("lists a channel's event history newest first and pages back with `before`", async () => {
  const { id } = await create({ name: 'History', sources: [source(12)] });
  const history = async (query: object = {}) => (await channels.request<{ items: HistoryEntry[] }>(Subjects.channelsHistory, { id, ...query })).items;
  expect(await history()).toEqual([]);
  // No worker runs here: start and stop only record their state changes.
  await channels.request(Subjects.channelsStart, { id });
  await channels.request(Subjects.channelsStop, { id });

  const all = await history();
  expect(all.length).toBeGreaterThanOrEqual(2);
  expect(all.every((event) => event.type === 'state')).toBe(true);
  expect(all.at(-1)!.message).toBe('starting: start requested');
  expect(all.map((event) => BigInt(event.id))).toEqual([...all.map((event) => BigInt(event.id))].sort((a, b) => (a > b ? -1 : 1)));
  expect(await history({ limit: 1 })).toEqual([all[0]]);
  expect(await history({ before: all[0]!.id })).toEqual(all.slice(1));
});
