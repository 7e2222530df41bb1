import type { TrafficViewers } from '@castline/contracts';
import { audienceOf } from './live-processes.store';

const news = { channelId: '0b7e6c2a-6d1f-4c1e-9a53-4f1d2a3b4c5d', slug: 'news' };
const report = (source: string, channels: TrafficViewers['channels']): TrafficViewers => ({ source, windowSeconds: 30, sampledAt: new Date().toISOString(), channels });

describe('audienceOf', () => {
  it('is unknown (null) without a fresh count', () => {
    expect(audienceOf([], news)).toEqual({ viewers: null, egressBitsPerSecond: null });
  });

  it('is 0 when the counts do not name the channel', () => {
    expect(audienceOf([report('a', [{ slug: 'sport', channelId: null, viewers: 4, egressBitsPerSecond: 10 }])], news)).toEqual({ viewers: 0, egressBitsPerSecond: 0 });
  });

  it('matches public channels by slug, signed ones by id, and sums the access logs', () => {
    const reports = [
      report('/var/log/nginx/a.log', [{ slug: 'news', channelId: null, viewers: 3, egressBitsPerSecond: 1_000 }]),
      report('/var/log/nginx/b.log', [{ slug: null, channelId: news.channelId, viewers: 2, egressBitsPerSecond: 500 }]),
    ];
    expect(audienceOf(reports, news)).toEqual({ viewers: 5, egressBitsPerSecond: 1_500 });
  });
});
