import { isOnAir, logLineKind } from './on-air';

describe('isOnAir', () => {
  const now = Date.parse('2026-11-30T18:20:10Z');
  const running = { status: 'running', hls: { segmentSeconds: 2 } };
  const sample = (ageSeconds: number | null, sampledAt = '2026-11-30T18:20:09Z') => ({ sampledAt, lastSegmentAgeSeconds: ageSeconds });

  it('is live only while running with a fresh sample and a recent new segment', () => {
    expect(isOnAir(running, sample(1.5), now)).toBe(true);
    expect(isOnAir(running, sample(7), now)).toBe(false);
    expect(isOnAir(running, sample(null), now)).toBe(false);
    expect(isOnAir(running, sample(1, '2026-11-30T18:19:50Z'), now)).toBe(false);
    expect(isOnAir({ ...running, status: 'starting' }, sample(1), now)).toBe(false);
    expect(isOnAir(running, null, now)).toBe(false);
  });
});

describe('logLineKind', () => {
  it.each([
    ['[h264 @ 0x55a951cf1940] [error] non-existing PPS 0 referenced', 'expected'],
    ['[mpegts @ 0x1] [error] udp://127.0.0.1:5999: Invalid data found when processing input', 'expected'],
    ['[error] udp://127.0.0.1:5999: Input/output error', 'error'],
    ['[warning] udp://x: corrupt decoded frame in stream 0', 'warning'],
    ['frame=  100 fps= 25', 'plain'],
  ])('%s -> %s', (line, kind) => {
    expect(logLineKind(line)).toBe(kind);
  });
});
