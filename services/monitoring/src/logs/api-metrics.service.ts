import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  API_METRIC_RANGES,
  type ApiMetrics,
  type ApiMetricsQuerySchema,
  type ApiRollupBatch,
  type ApiRouteStats,
  Events,
  type LatencyBuckets,
  latencyQuantile,
  mergeLatency,
} from '@castline/contracts';
import type { ApiMetricRollup } from '@castline/db';
import { EventBus, PrismaService } from '@castline/platform';
import type { z } from 'zod';

export const API_METRICS_STREAM = 'API_METRICS';
export const API_METRICS_DURABLE = 'monitoring-api-metrics';
const MINUTE_KEEP_MS = 14 * 86_400_000;
const HOUR_KEEP_MS = 365 * 86_400_000;
const HOUR = 3_600_000;

interface Totals {
  count: number;
  errors: number;
  sumMs: number;
  maxMs: number;
  buckets: LatencyBuckets;
}
const emptyTotals = (): Totals => ({ count: 0, errors: 0, sumMs: 0, maxMs: 0, buckets: {} });
function add(into: Totals, row: Pick<ApiMetricRollup, 'count' | 'errors' | 'sumMs' | 'maxMs' | 'buckets'>): void {
  into.count += row.count;
  into.errors += row.errors;
  into.sumMs += row.sumMs;
  into.maxMs = Math.max(into.maxMs, row.maxMs);
  mergeLatency(into.buckets, row.buckets as LatencyBuckets);
}
const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

/** Per-route stats of summed rows (pure): count, error rate, mean and p50/p95/p99 from the merged buckets. */
export function routeStats(rows: Array<Pick<ApiMetricRollup, 'service' | 'route' | 'method' | 'count' | 'errors' | 'sumMs' | 'maxMs' | 'buckets'>>): ApiRouteStats[] {
  const byRoute = new Map<string, { service: string; route: string; method: string; totals: Totals }>();
  for (const row of rows) {
    const key = `${row.service}\n${row.method}\n${row.route}`;
    const entry = byRoute.get(key) ?? { service: row.service, route: row.route, method: row.method, totals: emptyTotals() };
    add(entry.totals, row);
    byRoute.set(key, entry);
  }
  return [...byRoute.values()]
    .map(({ service, route, method, totals }) => ({
      service,
      route,
      method,
      count: totals.count,
      errorRate: totals.count > 0 ? totals.errors / totals.count : 0,
      meanMs: totals.count > 0 ? round(totals.sumMs / totals.count) : null,
      p50Ms: round(latencyQuantile(totals.buckets, 0.5)),
      p95Ms: round(latencyQuantile(totals.buckets, 0.95)),
      p99Ms: round(latencyQuantile(totals.buckets, 0.99)),
      maxMs: totals.count > 0 ? round(totals.maxMs) : null,
    }))
    .sort((a, b) => b.count - a.count);
}

/**
 * API metrics: the API_METRICS stream's minute batches upserted into api_metric_rollups (a redelivered minute
 * replaces itself), each touched hour recomputed from its minutes, and ranges answered from summed buckets:
 * minute rows up to 24 h, hour rows beyond. Minute rows are kept 14 days, hour rows a year.
 */
@Injectable()
export class ApiMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiMetricsService.name);
  private stop?: () => Promise<void>;
  private lastPrune = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      this.stop = await this.bus.consumeDurably(Events.apiMetrics, { stream: API_METRICS_STREAM, durable: API_METRICS_DURABLE, maxAgeMs: 86_400_000 }, (batch) => this.store(batch));
    } catch (error) {
      this.logger.warn(`API metrics are not consumed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async store(batch: ApiRollupBatch): Promise<void> {
    const minute = new Date(batch.minute);
    const hour = new Date(Math.floor(minute.getTime() / HOUR) * HOUR);
    const key = { service: batch.service, instance: batch.instance };
    await this.prisma.$transaction(async (tx) => {
      for (const row of batch.rows) {
        const id = { resolution: 'minute', bucket: minute, ...key, transport: row.transport, route: row.route, method: row.method, statusClass: row.statusClass };
        const values = { count: row.count, errors: row.errors, sumMs: row.sumMs, maxMs: row.maxMs, buckets: row.buckets };
        await tx.apiMetricRollup.upsert({ where: { resolution_bucket_service_instance_transport_route_method_statusClass: id }, create: { ...id, ...values }, update: values });
      }
      // The hour of this minute, recomputed from its minute rows (idempotent, whatever arrives twice).
      const minutes = await tx.apiMetricRollup.findMany({ where: { resolution: 'minute', ...key, bucket: { gte: hour, lt: new Date(hour.getTime() + HOUR) } } });
      const hours = new Map<string, { id: Omit<ApiMetricRollup, 'count' | 'errors' | 'sumMs' | 'maxMs' | 'buckets'>; totals: Totals }>();
      for (const row of minutes) {
        const rowKey = `${row.transport}\n${row.route}\n${row.method}\n${row.statusClass}`;
        const entry = hours.get(rowKey) ?? { id: { resolution: 'hour', bucket: hour, ...key, transport: row.transport, route: row.route, method: row.method, statusClass: row.statusClass }, totals: emptyTotals() };
        add(entry.totals, row);
        hours.set(rowKey, entry);
      }
      for (const { id, totals } of hours.values()) {
        await tx.apiMetricRollup.upsert({ where: { resolution_bucket_service_instance_transport_route_method_statusClass: id }, create: { ...id, ...totals }, update: totals });
      }
    });
    if (Date.now() - this.lastPrune > HOUR) {
      this.lastPrune = Date.now();
      await this.prisma.apiMetricRollup.deleteMany({ where: { resolution: 'minute', bucket: { lt: new Date(Date.now() - MINUTE_KEEP_MS) } } });
      await this.prisma.apiMetricRollup.deleteMany({ where: { resolution: 'hour', bucket: { lt: new Date(Date.now() - HOUR_KEEP_MS) } } });
    }
  }

  /** Rows of a range (minute rows up to 24 h, hour rows beyond), optionally of one service and transport. */
  rows(from: Date, to: Date, filter: { service?: string; transport?: string } = {}): Promise<ApiMetricRollup[]> {
    const resolution = to.getTime() - from.getTime() > 86_400_000 ? 'hour' : 'minute';
    return this.prisma.apiMetricRollup.findMany({
      where: { resolution, bucket: { gte: from, lt: to }, ...(filter.service ? { service: filter.service } : {}), ...(filter.transport ? { transport: filter.transport } : {}) },
      orderBy: { bucket: 'asc' },
    });
  }

  async query(query: z.infer<typeof ApiMetricsQuerySchema>, now = new Date()): Promise<ApiMetrics> {
    const span = API_METRIC_RANGES[query.range];
    const from = new Date(now.getTime() - span);
    const rows = await this.rows(from, now, { service: query.service, transport: query.transport });
    const resolution = span > 86_400_000 ? 'hour' : 'minute';
    const byBucket = new Map<number, Totals>();
    for (const row of rows) {
      const totals = byBucket.get(row.bucket.getTime()) ?? emptyTotals();
      add(totals, row);
      byBucket.set(row.bucket.getTime(), totals);
    }
    return {
      from: from.toISOString(),
      to: now.toISOString(),
      resolution,
      routes: routeStats(rows),
      series: [...byBucket.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([at, totals]) => ({ at: new Date(at).toISOString(), count: totals.count, errorRate: totals.count > 0 ? totals.errors / totals.count : 0, p95Ms: round(latencyQuantile(totals.buckets, 0.95)) })),
    };
  }
}
