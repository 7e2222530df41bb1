import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  type AnalyticsLive,
  type AnalyticsSeries,
  type AnalyticsSummary,
  type AnalyticsTop,
  type AnalyticsTotalsView,
  type ChannelViewersSeries,
  ErrorCodes,
  LIVE_VISITORS_WINDOW_S,
  type Rpc,
  type RpcParsedRequest,
} from '@castline/contracts';
import { AppError } from '@castline/platform';
import { TRAFFIC_STORE } from '../store/store.provider';
import type { AnalyticsTotals, TrafficStore } from '../store/traffic-store';
import { periodOf, resolveRange } from './analytics-range';

/** A read that takes longer is answered 503 STORE_UNAVAILABLE (Postgres down or stuck), well within the RPC's 3 s. */
export const STORE_READ_TIMEOUT_MS = 2_000;
const DAY_MS = 86_400_000;

const view = (totals: AnalyticsTotals): AnalyticsTotalsView => ({
  ...totals,
  bounceRate: totals.sessions > 0 ? totals.bounces / totals.sessions : null,
  avgDurationSeconds: totals.sessions > 0 ? totals.durationSeconds / totals.sessions : null,
});

/** The analytics API over the TrafficStore's rollups: ranges resolved here, every read bounded in time. */
@Injectable()
export class AnalyticsService {
  constructor(@Inject(TRAFFIC_STORE) private readonly store: TrafficStore) {}

  async summary(request: RpcParsedRequest<typeof Rpc.analytics.summary>): Promise<AnalyticsSummary> {
    const range = resolveRange(request);
    const [current, previous] = await this.read(() =>
      Promise.all([this.store.analyticsTotals(request.site, range.from, range.to), this.store.analyticsTotals(request.site, range.previousFrom, range.from)]),
    );
    return {
      site: request.site,
      period: periodOf(range.from, range.to),
      previousPeriod: periodOf(range.previousFrom, range.from),
      current: view(current),
      previous: view(previous),
    };
  }

  /** By hour for a single day, by day otherwise (unless asked). */
  async series(request: RpcParsedRequest<typeof Rpc.analytics.series>): Promise<AnalyticsSeries> {
    const range = resolveRange(request);
    const interval = request.interval ?? (range.to.getTime() - range.from.getTime() <= DAY_MS ? 'hour' : 'day');
    const points = await this.read(() => this.store.analyticsSeries(request.site, range.from, range.to, interval));
    return {
      interval,
      period: periodOf(range.from, range.to),
      points: points.map((point) => ({ at: point.at.toISOString(), visitors: point.visitors, pageviews: point.pageviews, sessions: point.sessions, bounces: point.bounces })),
    };
  }

  async top(request: RpcParsedRequest<typeof Rpc.analytics.top>): Promise<AnalyticsTop> {
    const range = resolveRange(request);
    const top = await this.read(() => this.store.analyticsTop(request.site, request.dimension, range.from, range.to, request.limit));
    return { dimension: request.dimension, period: periodOf(range.from, range.to), ...top };
  }

  async live(request: RpcParsedRequest<typeof Rpc.analytics.live>): Promise<AnalyticsLive> {
    const visitors = await this.read(() => this.store.liveVisitors(request.site, new Date(Date.now() - LIVE_VISITORS_WINDOW_S * 1000)));
    return { site: request.site, visitors, windowSeconds: LIVE_VISITORS_WINDOW_S };
  }

  async channelViewers(request: RpcParsedRequest<typeof Rpc.analytics.channelViewers>): Promise<ChannelViewersSeries> {
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
    const from = new Date(to.getTime() - DAY_MS);
    const minutes = await this.read(() => this.store.channelMinutes({ channelId: request.channelId ?? null, channelSlug: request.slug ?? null }, from, to));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      points: minutes.map((entry) => ({ minute: entry.minute.toISOString(), viewers: entry.viewers, bytes: entry.bytes })),
    };
  }

  /** Any failure or a wait beyond STORE_READ_TIMEOUT_MS: 503 STORE_UNAVAILABLE (the query keeps running, harmless). */
  private async read<T>(query: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STORE_READ_TIMEOUT_MS} ms`)), STORE_READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([query(), timeout]);
    } catch (error) {
      throw new AppError(ErrorCodes.storeUnavailable, `The traffic store cannot be read right now: ${(error as Error).message}`, HttpStatus.SERVICE_UNAVAILABLE);
    } finally {
      clearTimeout(timer);
    }
  }
}
