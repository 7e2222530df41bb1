import { addLatency, type LatencyBuckets } from '@castline/contracts';
import { minutesUntilFull, type RuleInput, sanitizeLabels, seriesFor, type SourceSnapshot } from './rule-sources';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const rule = (source: string, params: Record<string, unknown>): RuleInput => ({ id: 'r1', source, params, labels: {} });
const base: SourceSnapshot = { checks: [], host: null, channels: [] };
const buckets = (values: number[]): LatencyBuckets => {
  const result: LatencyBuckets = {};
  for (const value of values) addLatency(result, value);
  return result;
};

describe('rule sources', () => {
  it('check_latency: each check over its threshold, one check when named', () => {
    const snapshot: SourceSnapshot = {
      ...base,
      checks: [
        { name: 'api', kind: 'http', status: 'up', lastError: null, latencyMs: 900 },
        { name: 'db', kind: 'postgres', status: 'up', lastError: null, latencyMs: 20 },
        { name: 'new', kind: 'tcp', status: 'unknown', lastError: null, latencyMs: null },
      ],
    };
    const series = seriesFor(rule('check_latency', { thresholdMs: 500 }), snapshot, NOW);
    expect(series.map((one) => [one.labels.check, one.active, one.value])).toEqual([
      ['api', true, 900],
      ['db', false, 20],
    ]);
    expect(seriesFor(rule('check_latency', { thresholdMs: 500, check: 'db' }), snapshot, NOW).map((one) => one.labels.check)).toEqual(['db']);
  });

  it('api_metric: error rate and p95 per route over the window, once it had minRequests', () => {
    const at = NOW - 60_000;
    const snapshot: SourceSnapshot = {
      ...base,
      api: [
        { service: 'gateway', route: '/a', at, count: 100, errors: 10, buckets: buckets(Array.from({ length: 100 }, (_, index) => index + 1)) },
        { service: 'gateway', route: '/a', at: NOW - 20 * 60_000, count: 1_000, errors: 0, buckets: {} },
        { service: 'gateway', route: '/b', at, count: 5, errors: 5, buckets: buckets([1, 1, 1, 1, 1]) },
      ],
    };
    const errors = seriesFor(rule('api_metric', { metric: 'error_rate', threshold: 0.05, windowMinutes: 5, minRequests: 20 }), snapshot, NOW);
    expect(errors.map((one) => [one.labels.route, one.active, one.value])).toEqual([['/a', true, 0.1]]);
    const p95 = seriesFor(rule('api_metric', { metric: 'p95_ms', threshold: 100, windowMinutes: 5, minRequests: 1 }), snapshot, NOW);
    expect(p95.find((one) => one.labels.route === '/a')).toMatchObject({ active: false });
    expect(Math.abs(p95.find((one) => one.labels.route === '/a')!.value! - 95) / 95).toBeLessThan(0.05);
  });

  it('app_log_errors: error records per service in the window, repeats counted', () => {
    const snapshot: SourceSnapshot = {
      ...base,
      logErrors: [
        { service: 'gateway', at: NOW - 60_000, count: 7 },
        { service: 'gateway', at: NOW - 2 * 60_000, count: 4 },
        { service: 'gateway', at: NOW - 30 * 60_000, count: 100 },
        { service: 'media', at: NOW - 60_000, count: 1 },
      ],
    };
    const series = seriesFor(rule('app_log_errors', { threshold: 10, windowMinutes: 5 }), snapshot, NOW);
    expect(series.map((one) => [one.labels.service, one.value, one.active])).toEqual([
      ['gateway', 11, true],
      ['media', 1, false],
    ]);
  });

  it('disk_full_within: linear trend of free bytes, none while not filling', () => {
    // 1 GB free, losing 10 MB a minute: full in ~100 min.
    const points = Array.from({ length: 21 }, (_, index) => ({ at: NOW - (20 - index) * 30_000, free: 1_000_000_000 + (20 - index) * 5_000_000 }));
    expect(minutesUntilFull(points)).toBeCloseTo(100, 5);
    expect(minutesUntilFull(points.map((point) => ({ ...point, free: 5e8 })))).toBeNull();
    expect(minutesUntilFull(points.slice(0, 2))).toBeUndefined();
    const snapshot: SourceSnapshot = { ...base, diskHistory: points.map((point) => ({ at: point.at, hls: point.free, data: null })) };
    expect(seriesFor(rule('disk_full_within', { disk: 'hls', minutes: 120, sampleMinutes: 15 }), snapshot, NOW)[0]).toMatchObject({ active: true, value: 100, labels: { disk: 'hls' } });
    expect(seriesFor(rule('disk_full_within', { disk: 'hls', minutes: 60, sampleMinutes: 15 }), snapshot, NOW)[0]).toMatchObject({ active: false });
    expect(seriesFor(rule('disk_full_within', { disk: 'data', minutes: 60 }), snapshot, NOW)).toEqual([]);
  });

  it('alertmanager: firing alerts whose labels match, ended ones inactive', () => {
    const snapshot: SourceSnapshot = {
      ...base,
      external: [
        { fingerprint: 'f1', status: 'firing', labels: { alertname: 'HighLoad', team: 'ops' }, annotations: { summary: 'load is high' }, endsAt: null },
        { fingerprint: 'f2', status: 'firing', labels: { alertname: 'Other', team: 'dev' }, annotations: {}, endsAt: new Date(NOW - 1) },
        { fingerprint: 'f3', status: 'resolved', labels: { alertname: 'Gone', team: 'ops' }, annotations: {}, endsAt: new Date(NOW - 1) },
      ],
    };
    const all = seriesFor(rule('alertmanager', { matchers: [] }), snapshot, NOW);
    expect(all.map((one) => [one.labels.alertname, one.active, one.message])).toEqual([
      ['HighLoad', true, 'load is high'],
      ['Other', false, 'Other'],
      ['Gone', false, 'Gone'],
    ]);
    expect(seriesFor(rule('alertmanager', { matchers: [{ label: 'team', value: 'ops' }] }), snapshot, NOW).map((one) => one.labels.alertname)).toEqual(['HighLoad', 'Gone']);
    expect(sanitizeLabels({ 'app.kubernetes.io/name': 'x', ok: 'y' })).toEqual({ _app_kubernetes_io_name: 'x', ok: 'y' });
  });
});
