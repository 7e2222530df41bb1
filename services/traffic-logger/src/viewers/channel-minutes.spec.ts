import type { LiveRoute } from '../access-log/media-route';
import { ChannelMinutes } from './channel-minutes';

const route = (overrides: Partial<LiveRoute> = {}): LiveRoute => ({ kind: 'live', slug: 'news', channelId: null, rendition: null, file: 'seg_1.ts', segment: true, ...overrides });
const minute = Date.UTC(2026, 10, 20, 10, 5);
const line = (offsetMs: number, remoteAddr: string, status = 200, bytesSent = 1_000) => ({
  at: new Date(minute + offsetMs), status, bytesSent, remoteAddr, userAgent: 'Player/1',
});

describe('ChannelMinutes', () => {
  it('counts distinct viewers with a delivered segment and every byte, per channel and minute', () => {
    const minutes = new ChannelMinutes('/logs/access.log', 10_000);
    minutes.observe(line(1_000, '10.0.0.1'), route());
    minutes.observe(line(2_000, '10.0.0.1'), route());
    minutes.observe(line(3_000, '10.0.0.2', 206), route());
    minutes.observe(line(4_000, '10.0.0.3', 404), route());
    minutes.observe(line(5_000, '10.0.0.4'), route({ file: 'index.m3u8', segment: false }));
    minutes.observe(line(6_000, '10.0.0.1'), route({ slug: null, channelId: '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d' }));
    minutes.observe(line(61_000, '10.0.0.1'), route());
    // The minute is handed out only after its end + grace, and only once.
    expect(minutes.takeClosed(minute + 60_000 + 9_999)).toEqual([]);
    const closed = minutes.takeClosed(minute + 70_000);
    expect(closed).toEqual([
      { minute: new Date(minute), source: '/logs/access.log', channelSlug: 'news', channelId: null, viewers: 2, bytes: 5_000 },
      { minute: new Date(minute), source: '/logs/access.log', channelSlug: null, channelId: '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d', viewers: 1, bytes: 1_000 },
    ]);
    expect(minutes.takeClosed(minute + 70_000)).toEqual([]);
    expect(minutes.takeClosed(minute + 130_000)).toEqual([expect.objectContaining({ minute: new Date(minute + 60_000), viewers: 1 })]);
  });
});
