import { appendSample, backoffDelay, type LiveSample, WINDOW_MS } from './live-metrics';

const sample = (t: number): LiveSample => ({
  t,
  fps: 30,
  speed: 1,
  bitrateKbps: 2500,
  cpuPercent: 20,
  rssBytes: 1e8,
  writeBytesPerSecond: 3e5,
  dropFrames: 0,
  dupFrames: 0,
  restarts: 0,
  uptimeSeconds: t / 1000,
});

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 30 s, within ±20 % jitter', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt, middle))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(0, () => 0.999_999)).toBe(1_200);
    expect(backoffDelay(8, () => 0.999_999)).toBe(36_000);
  });
});

describe('appendSample', () => {
  it('keeps only the last five minutes, oldest first', () => {
    let samples: LiveSample[] = [];
    for (let second = 0; second <= 400; second++) samples = appendSample(samples, sample(second * 1000));
    expect(samples[0]!.t).toBe(400_000 - WINDOW_MS);
    expect(samples.at(-1)!.t).toBe(400_000);
    expect(samples).toHaveLength(301);
  });

  it('drops a repeated sample and puts a late one in its place', () => {
    const samples = [sample(1000), sample(3000)];
    expect(appendSample(samples, sample(3000))).toBe(samples);
    expect(appendSample(samples, sample(2000)).map((entry) => entry.t)).toEqual([1000, 2000, 3000]);
  });
});
