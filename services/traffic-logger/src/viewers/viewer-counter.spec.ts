import { routeMedia, type LiveRoute } from '../access-log/media-route';
import { ViewerCounter } from './viewer-counter';

const ID = '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d';
let now = 1_000_000_000_000;
const counter = () => new ViewerCounter(30_000, () => now);
const hit = (uri: string, overrides: { ip?: string; ua?: string | null; status?: number; bytes?: number; at?: number } = {}) => ({
  entry: {
    at: new Date(overrides.at ?? now),
    status: overrides.status ?? 200,
    bytesSent: overrides.bytes ?? 1000,
    remoteAddr: overrides.ip ?? '203.0.113.1',
    userAgent: overrides.ua === undefined ? 'Player/1' : overrides.ua,
  },
  route: routeMedia(uri) as LiveRoute,
});

const observe = (c: ViewerCounter, ...hits: Array<ReturnType<typeof hit>>) => hits.forEach(({ entry, route }) => c.observe(entry, route));

beforeEach(() => {
  now = 1_000_000_000_000;
});

describe('ViewerCounter', () => {
  it('counts distinct IP + User-Agent pairs with a delivered segment, per channel', () => {
    const c = counter();
    observe(
      c,
      hit('/live/news/seg_1.ts', { ip: '203.0.113.1' }),
      hit('/live/news/seg_2.ts', { ip: '203.0.113.1' }),
      hit('/live/news/720p/seg_2.ts', { ip: '203.0.113.2' }),
      hit('/live/news/seg_2.ts', { ip: '203.0.113.2', ua: 'Other/2' }),
      hit('/live/news/seg_3.ts', { ip: '203.0.113.3', status: 206 }),
      hit('/live/sport/seg_1.ts', { ip: '203.0.113.1' }),
    );
    expect(c.snapshot()).toEqual([
      { slug: 'news', channelId: null, viewers: 4, egressBitsPerSecond: Math.round((5 * 1000 * 8) / 30) },
      { slug: 'sport', channelId: null, viewers: 1, egressBitsPerSecond: Math.round((1000 * 8) / 30) },
    ]);
  });

  it('does not count playlists, errors or not-modified as viewers, but counts their bytes', () => {
    const c = counter();
    observe(
      c,
      hit('/live/news/index.m3u8', { ip: '203.0.113.1', bytes: 300 }),
      hit('/live/news/seg_9.ts', { ip: '203.0.113.2', status: 404, bytes: 150 }),
      hit('/live/news/seg_9.ts', { ip: '203.0.113.3', status: 304, bytes: 150 }),
    );
    expect(c.snapshot()).toEqual([{ slug: 'news', channelId: null, viewers: 0, egressBitsPerSecond: Math.round((600 * 8) / 30) }]);
  });

  it('names signed channels by id', () => {
    const c = counter();
    observe(c, hit(`/live/_signed/AbCdEfGhIjKlMnOpQrStUv/1767225600/${ID}.2/seg_1.ts`));
    expect(c.snapshot()).toEqual([{ slug: null, channelId: ID, viewers: 1, egressBitsPerSecond: Math.round((1000 * 8) / 30) }]);
  });

  it('forgets a viewer once its last segment is older than the window', () => {
    const c = counter();
    observe(c, hit('/live/news/seg_1.ts', { ip: '203.0.113.1' }), hit('/live/news/seg_1.ts', { ip: '203.0.113.2' }));
    now += 20_000;
    observe(c, hit('/live/news/seg_2.ts', { ip: '203.0.113.1' }));
    now += 15_000;
    expect(c.snapshot()).toEqual([{ slug: 'news', channelId: null, viewers: 1, egressBitsPerSecond: Math.round((1000 * 8) / 30) }]);
    now += 30_000;
    expect(c.snapshot()).toEqual([]);
  });

  it('ignores replayed lines older than the window', () => {
    const c = counter();
    observe(c, hit('/live/news/seg_1.ts', { at: now - 31_000 }));
    expect(c.snapshot()).toEqual([]);
  });

  it('keeps the latest sighting when lines arrive out of order', () => {
    const c = counter();
    observe(c, hit('/live/news/seg_2.ts', { at: now }), hit('/live/news/seg_1.ts', { at: now - 25_000 }));
    now += 10_000;
    expect(c.snapshot()[0]).toMatchObject({ viewers: 1 });
  });
});
