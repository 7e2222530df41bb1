import { addLatency, latencyQuantile, type LatencyBuckets, mergeLatency } from './latency-buckets';

describe('latency buckets', () => {
  it('gives quantiles within 5 % of exact, merged or not', () => {
    const values = Array.from({ length: 10_000 }, (_, index) => 0.2 * 1.0009 ** index);
    const whole: LatencyBuckets = {};
    const a: LatencyBuckets = {};
    const b: LatencyBuckets = {};
    values.forEach((value, index) => {
      addLatency(whole, value);
      addLatency(index % 3 === 0 ? a : b, value);
    });
    const merged = mergeLatency(mergeLatency({}, a), b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = values[Math.round(q * (values.length - 1))]!;
      expect(Math.abs(latencyQuantile(whole, q)! - exact) / exact).toBeLessThan(0.05);
      expect(latencyQuantile(merged, q)).toBe(latencyQuantile(whole, q));
    }
    expect(latencyQuantile({}, 0.5)).toBeNull();
  });
});
