/**
 * Mergeable log-scale latency buckets (DDSketch style): bucket i holds durations in (GAMMA^(i-1), GAMMA^i] ms, so
 * any quantile read from summed buckets is within (GAMMA - 1) / (GAMMA + 1) = 4.8 % of the exact value, whatever
 * the number of minutes, instances or routes summed. Buckets travel and are stored as `{ index: count }`.
 */
export const LATENCY_GAMMA = 1.1;
const LOG_GAMMA = Math.log(LATENCY_GAMMA);
/** Durations below this (ms) share the lowest bucket. */
const MIN_MS = 0.001;

export type LatencyBuckets = Record<string, number>;

export const latencyBucketIndex = (ms: number): number => Math.ceil(Math.log(Math.max(ms, MIN_MS)) / LOG_GAMMA);

/** The value a bucket stands for: the point with the same relative distance to both its bounds. */
export const latencyBucketValue = (index: number): number => (2 * LATENCY_GAMMA ** index) / (LATENCY_GAMMA + 1);

export function addLatency(buckets: LatencyBuckets, ms: number, count = 1): void {
  const key = String(latencyBucketIndex(ms));
  buckets[key] = (buckets[key] ?? 0) + count;
}

export function mergeLatency(into: LatencyBuckets, from: LatencyBuckets): LatencyBuckets {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}

/** The q-quantile (0..1) of summed buckets, or null when they are empty. */
export function latencyQuantile(buckets: LatencyBuckets, q: number): number | null {
  const entries = Object.entries(buckets)
    .map(([key, count]) => [Number(key), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * (total - 1);
  let seen = 0;
  for (const [index, count] of entries) {
    seen += count;
    if (seen > rank) return latencyBucketValue(index);
  }
  return latencyBucketValue(entries.at(-1)![0]);
}
