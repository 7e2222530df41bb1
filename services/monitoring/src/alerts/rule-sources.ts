import { Injectable } from '@nestjs/common';
import { type LatencyBuckets, latencyQuantile, mergeLatency, type SystemMetrics } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { HostSampler } from '../system/host-sampler.service';
import { fingerprintOf, type Matcher, matchesAll, type Series } from './rule-engine';

/** What one evaluation reads, once, whatever the number of rules. */
export interface SourceSnapshot {
  checks: Array<{ name: string; kind: string; status: string; lastError: string | null; latencyMs?: number | null }>;
  /** Free bytes of the hls and data disks at each evaluation of the last hour (for "full within N min"). */
  diskHistory?: Array<{ at: number; hls: number | null; data: number | null }>;
  /** HTTP request rollups of the last hour per service, route and minute. */
  api?: Array<{ service: string; route: string; at: number; count: number; errors: number; buckets: LatencyBuckets }>;
  /** Error records (level >= 50, repeats counted) of the last hour per service and minute. */
  logErrors?: Array<{ service: string; at: number; count: number }>;
  /** Alertmanager alerts as last received. */
  external?: Array<{ fingerprint: string; status: string; labels: Record<string, string>; annotations: Record<string, string>; endsAt: Date | null }>;
  host: SystemMetrics | null;
  /** Per channel: the latest status and event times by type over the longest window any rule asks. */
  channels: Array<{ channelId: string; latestStatus: string | null; latestMessage: string; events: Array<{ type: string; at: number; message: string }> }>;
}

export interface RuleInput {
  id: string;
  source: string;
  params: Record<string, unknown>;
  labels: Record<string, string>;
}

const CHANNEL_WINDOW_MINUTES = 1_440;

function compare(value: number, op: unknown, threshold: unknown): boolean {
  return op === '<' ? value < Number(threshold) : value > Number(threshold);
}

function hostValue(host: SystemMetrics, metric: unknown): number | null {
  const freePercent = (mount: string) => {
    const disk = host.disks.find((d) => d.mount === mount);
    return disk && disk.totalBytes > 0 ? (100 * disk.freeBytes) / disk.totalBytes : null;
  };
  switch (metric) {
    case 'cpu_percent':
      return host.cpu.usagePercent;
    case 'memory_percent':
      return host.memory.usedPercent;
    case 'load1':
      return host.load.load1;
    case 'hls_free_percent':
      return freePercent('hls');
    case 'data_free_percent':
      return freePercent('data');
    default:
      return null;
  }
}

/** The series of one rule in a snapshot (pure): one per check, one host figure, one per channel. */
export function seriesFor(rule: RuleInput, snapshot: SourceSnapshot, now: number): Series[] {
  const make = (labels: Record<string, string>, value: number | null, active: boolean, message: string): Series => {
    const all = { ...rule.labels, ...labels };
    return { fingerprint: fingerprintOf(rule.id, all), labels: all, value, active, message };
  };
  const params = rule.params;
  switch (rule.source) {
    case 'check_status':
      return snapshot.checks.map((check) => {
        const active = params.status === 'not_up' ? check.status === 'down' || check.status === 'degraded' : check.status === (params.status ?? 'down');
        return make({ check: check.name, kind: check.kind }, active ? 1 : 0, active, `${check.name} is ${check.status.toUpperCase()}${check.lastError ? `: ${check.lastError}` : ''}`);
      });
    case 'host_metric': {
      if (!snapshot.host) return [];
      const value = hostValue(snapshot.host, params.metric);
      if (value === null) return [];
      const rounded = Math.round(value * 100) / 100;
      return [make({ metric: String(params.metric) }, rounded, compare(value, params.op, params.threshold), `${String(params.metric)} is ${rounded} (${String(params.op)} ${String(params.threshold)})`)];
    }
    case 'channel_event': {
      const since = now - Number(params.windowMinutes ?? 10) * 60_000;
      return snapshot.channels.map((channel) => {
        if (params.event === 'given_up') {
          const active = channel.latestStatus === 'error';
          return make({ channel: channel.channelId, event: 'given_up' }, active ? 1 : 0, active, `channel ${channel.channelId} gave up: ${channel.latestMessage}`);
        }
        const type = params.event === 'stall' ? 'stall' : 'failover';
        const recent = channel.events.filter((event) => event.type === type && event.at >= since);
        return make({ channel: channel.channelId, event: String(params.event) }, recent.length, recent.length > 0, `channel ${channel.channelId}: ${recent.length} ${type} event(s) in ${String(params.windowMinutes ?? 10)} min${recent[0] ? `: ${recent.at(-1)!.message}` : ''}`);
      });
    }
    case 'crash_loop': {
      const since = now - Number(params.windowMinutes) * 60_000;
      return snapshot.channels.map((channel) => {
        const restarts = channel.events.filter((event) => event.type === 'restart' && event.at >= since).length;
        const active = restarts >= Number(params.restarts);
        return make({ channel: channel.channelId }, restarts, active, `channel ${channel.channelId} restarted ${restarts} times in ${String(params.windowMinutes)} min`);
      });
    }
    case 'check_latency':
      return snapshot.checks
        .filter((check) => (params.check === undefined || check.name === params.check) && check.latencyMs !== undefined && check.latencyMs !== null)
        .map((check) => {
          const latency = check.latencyMs!;
          const active = latency > Number(params.thresholdMs);
          return make({ check: check.name, kind: check.kind }, latency, active, `${check.name} answered in ${latency} ms (threshold ${String(params.thresholdMs)} ms)`);
        });
    case 'disk_full_within': {
      const disk = params.disk === 'data' ? 'data' : 'hls';
      const since = now - Number(params.sampleMinutes ?? 10) * 60_000;
      const points = (snapshot.diskHistory ?? []).filter((point) => point.at >= since && point[disk] !== null).map((point) => ({ at: point.at, free: point[disk]! }));
      const minutes = minutesUntilFull(points);
      if (minutes === undefined) return [];
      const active = minutes !== null && minutes <= Number(params.minutes);
      const shown = minutes === null ? null : Math.round(minutes * 10) / 10;
      return [make({ disk }, shown, active, shown === null ? `${disk} disk is not filling up` : `${disk} disk full in about ${shown} min at the current rate`)];
    }
    case 'api_metric': {
      const since = now - Number(params.windowMinutes ?? 5) * 60_000;
      const routes = new Map<string, { service: string; route: string; count: number; errors: number; buckets: LatencyBuckets }>();
      for (const row of snapshot.api ?? []) {
        if (row.at < since || (params.service !== undefined && row.service !== params.service) || (params.route !== undefined && row.route !== params.route)) continue;
        const key = `${row.service}\n${row.route}`;
        const entry = routes.get(key) ?? { service: row.service, route: row.route, count: 0, errors: 0, buckets: {} };
        entry.count += row.count;
        entry.errors += row.errors;
        mergeLatency(entry.buckets, row.buckets);
        routes.set(key, entry);
      }
      return [...routes.values()]
        .filter((entry) => entry.count >= Number(params.minRequests ?? 20))
        .map((entry) => {
          const value = params.metric === 'error_rate' ? entry.errors / entry.count : (latencyQuantile(entry.buckets, 0.95) ?? 0);
          const rounded = Math.round(value * 1000) / 1000;
          const what = params.metric === 'error_rate' ? `error rate ${Math.round(value * 1000) / 10} %` : `p95 ${Math.round(value)} ms`;
          return make({ service: entry.service, route: entry.route, metric: String(params.metric) }, rounded, value > Number(params.threshold), `${entry.service} ${entry.route}: ${what} over ${String(params.windowMinutes ?? 5)} min (${entry.count} requests)`);
        });
    }
    case 'app_log_errors': {
      const since = now - Number(params.windowMinutes ?? 5) * 60_000;
      const counts = new Map<string, number>();
      for (const row of snapshot.logErrors ?? []) {
        if (row.at < since || (params.service !== undefined && row.service !== params.service)) continue;
        counts.set(row.service, (counts.get(row.service) ?? 0) + row.count);
      }
      return [...counts.entries()].map(([service, count]) =>
        make({ service }, count, count >= Number(params.threshold), `${service} logged ${count} errors in ${String(params.windowMinutes ?? 5)} min`),
      );
    }
    case 'alertmanager': {
      const matchers = (params.matchers ?? []) as Matcher[];
      return (snapshot.external ?? [])
        .filter((alert) => matchers.length === 0 || matchesAll(matchers, alert.labels))
        .map((alert) => {
          const active = alert.status === 'firing' && (alert.endsAt === null || alert.endsAt.getTime() > now);
          const message = alert.annotations.summary ?? alert.annotations.description ?? alert.labels.alertname ?? alert.fingerprint;
          return make(alert.labels, active ? 1 : 0, active, message);
        });
    }
    default:
      return [];
  }
}

/**
 * Minutes until free bytes reach zero at the least-squares trend of the points (pure): null when the disk is
 * not filling up, undefined when there are too few points (fewer than 3, or spanning under a minute).
 */
export function minutesUntilFull(points: Array<{ at: number; free: number }>): number | null | undefined {
  if (points.length < 3 || points.at(-1)!.at - points[0]!.at < 60_000) return undefined;
  const n = points.length;
  const meanT = points.reduce((sum, point) => sum + point.at, 0) / n;
  const meanF = points.reduce((sum, point) => sum + point.free, 0) / n;
  let num = 0;
  let den = 0;
  for (const point of points) {
    num += (point.at - meanT) * (point.free - meanF);
    den += (point.at - meanT) ** 2;
  }
  const slopePerMs = num / den;
  if (!(slopePerMs < 0)) return null;
  const freeNow = meanF + slopePerMs * (points.at(-1)!.at - meanT);
  return Math.max(0, freeNow / -slopePerMs / 60_000);
}

/** Label values from outside (Alertmanager) with label names the rules accept (letters, digits, _). */
const labelNameOf = (name: string) => (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : `_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`);
export const sanitizeLabels = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([name, value]) => [labelNameOf(name), value]));

const HOUR_MS = 3_600_000;

/**
 * Reads every source once per evaluation, whatever the number of rules: checks with their latest latency,
 * host figures (the sampler) and their hour of disk history, channel events, API rollups, app-log error counts
 * and Alertmanager alerts (Postgres); the last four only when an enabled rule uses them.
 */
@Injectable()
export class AlertSources {
  private readonly diskHistory: NonNullable<SourceSnapshot['diskHistory']> = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly host: HostSampler,
  ) {}

  async read(now: Date, sources: ReadonlySet<string> = new Set(['check_latency', 'api_metric', 'app_log_errors', 'alertmanager'])): Promise<SourceSnapshot> {
    const since = new Date(now.getTime() - CHANNEL_WINDOW_MINUTES * 60_000);
    const hourAgo = new Date(now.getTime() - HOUR_MS);
    const [checks, events, latencies, api, logErrors, external] = await Promise.all([
      this.prisma.monitorCheck.findMany({ where: { enabled: true }, select: { id: true, name: true, kind: true, status: true, lastError: true } }),
      this.prisma.channelEventLog.findMany({ where: { at: { gte: since } }, orderBy: { at: 'asc' }, select: { channelId: true, at: true, type: true, status: true, message: true } }),
      sources.has('check_latency')
        ? this.prisma.$queryRaw<Array<{ check_id: string; response_time_ms: number | null }>>`
            SELECT DISTINCT ON (check_id) check_id::text, response_time_ms FROM check_samples
            WHERE checked_at >= ${hourAgo} ORDER BY check_id, checked_at DESC`
        : Promise.resolve([]),
      sources.has('api_metric')
        ? this.prisma.apiMetricRollup.findMany({
            where: { resolution: 'minute', transport: 'http', bucket: { gte: hourAgo } },
            select: { service: true, route: true, bucket: true, count: true, errors: true, buckets: true },
          })
        : Promise.resolve([]),
      sources.has('app_log_errors')
        ? this.prisma.$queryRaw<Array<{ service: string; at: Date; count: bigint }>>`
            SELECT service, date_trunc('minute', ts) AS at, sum(repeats) AS count FROM app_logs
            WHERE ts >= ${hourAgo} AND level >= 50 GROUP BY 1, 2`
        : Promise.resolve([]),
      sources.has('alertmanager') ? this.prisma.externalAlert.findMany() : Promise.resolve([]),
    ]);
    const channels = new Map<string, SourceSnapshot['channels'][number]>();
    for (const event of events) {
      const channel = channels.get(event.channelId) ?? { channelId: event.channelId, latestStatus: null, latestMessage: '', events: [] };
      if (event.status) {
        channel.latestStatus = event.status;
        channel.latestMessage = event.message;
      }
      channel.events.push({ type: event.type, at: event.at.getTime(), message: event.message });
      channels.set(event.channelId, channel);
    }
    let host: SystemMetrics | null;
    try {
      host = this.host.latest();
    } catch {
      // procfs unreadable: host rules have no series this evaluation.
      host = null;
    }
    this.recordDisks(host, now.getTime());
    const latencyById = new Map(latencies.map((row) => [row.check_id, row.response_time_ms]));
    return {
      checks: checks.map(({ id, ...check }) => ({ ...check, latencyMs: latencyById.get(id) ?? null })),
      host,
      channels: [...channels.values()],
      diskHistory: [...this.diskHistory],
      api: api.map((row) => ({ service: row.service, route: row.route, at: row.bucket.getTime(), count: row.count, errors: row.errors, buckets: row.buckets as LatencyBuckets })),
      logErrors: logErrors.map((row) => ({ service: row.service, at: row.at.getTime(), count: Number(row.count) })),
      external: external.map((alert) => ({
        fingerprint: alert.fingerprint,
        status: alert.status,
        labels: alert.labels as Record<string, string>,
        annotations: alert.annotations as Record<string, string>,
        endsAt: alert.endsAt,
      })),
    };
  }

  private recordDisks(host: SystemMetrics | null, at: number): void {
    if (!host) return;
    const free = (mount: string) => host.disks.find((disk) => disk.mount === mount)?.freeBytes ?? null;
    this.diskHistory.push({ at, hls: free('hls'), data: free('data') });
    while (this.diskHistory.length > 0 && this.diskHistory[0]!.at < at - HOUR_MS) this.diskHistory.shift();
  }
}
