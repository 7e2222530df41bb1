import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  ErrorCodes,
  type RpcParsedRequest,
  type RpcResponse,
  Rpc,
  type SavedSearchView,
  TRAFFIC_EXPORT_MAX_ROWS,
  TRAFFIC_SEARCH_COUNT_CAP,
  TRAFFIC_SEARCH_HISTORY_SIZE,
  type TrafficCaller,
  type TrafficSearchFilters,
  TrafficSearchFiltersSchema,
} from '@castline/contracts';
import { AppError, CONFIG, OneTimeTickets, PrismaService, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { TrafficLoggerConfig } from '../config';
import { TRAFFIC_STORE } from '../store/store.provider';
import { type SearchHit, type SearchQuery, SearchTimeoutError, StoreUnavailableError, type TrafficStore } from '../store/traffic-store';
import { buildSearchQuery, encodeCursor, SearchInputError } from './search-query';

/** A ticket is good for this long, once. */
export const EXPORT_TICKET_TTL_MS = 30_000;
/** The per-owner export slot lives this long without a refresh (a crashed stream frees it). */
export const EXPORT_SLOT_TTL_MS = 30_000;

export interface ExportJob {
  owner: string;
  format: 'csv' | 'json';
  query: SearchQuery;
}

/** The store's and the input's failures as the API answers them. */
export function searchError(error: unknown): unknown {
  if (error instanceof SearchInputError) {
    if (error.kind === 'forbidden') return new AppError(ErrorCodes.forbidden, error.message, HttpStatus.FORBIDDEN, error.details);
    if (error.kind === 'cursor') return new AppError(ErrorCodes.invalidCursor, error.message, HttpStatus.BAD_REQUEST, error.details);
    return AppError.badRequest(error.message, error.details);
  }
  if (error instanceof SearchTimeoutError) {
    return new AppError(ErrorCodes.searchTimeout, `${error.message}: narrow the time range or add filters`, HttpStatus.GATEWAY_TIMEOUT);
  }
  if (error instanceof StoreUnavailableError) {
    return new AppError(ErrorCodes.storeUnavailable, 'Traffic storage is unavailable, try again shortly', HttpStatus.SERVICE_UNAVAILABLE);
  }
  return error;
}

const rethrow = (error: unknown): never => {
  throw searchError(error);
};

/** Traffic search (seed 000 §4): pages, counts, history, saved searches, the journey and export tickets. */
@Injectable()
export class SearchService {
  private readonly tickets: OneTimeTickets<ExportJob>;

  constructor(
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly prisma: PrismaService,
  ) {
    this.tickets = new OneTimeTickets(redis, 'traffic:export:ticket', EXPORT_TICKET_TTL_MS);
  }

  private query(filters: TrafficSearchFilters, caller: TrafficCaller, options: { sort: SearchQuery['sort']; limit: number; cursor?: string }) {
    try {
      return buildSearchQuery(filters, options, {
        storeRawIp: this.config.TRAFFIC_STORE_RAW_IP,
        ipSecret: this.config.TRAFFIC_IP_SECRET,
        canSeeIp: caller.canSeeIp,
        now: new Date(),
      });
    } catch (error) {
      return rethrow(error);
    }
  }

  async search(request: RpcParsedRequest<typeof Rpc.trafficSearch.run>): Promise<RpcResponse<typeof Rpc.trafficSearch.run>> {
    const query = this.query(request.filters, request.caller, request);
    const timeout = this.config.TRAFFIC_SEARCH_TIMEOUT_MS;
    const [page, counted] = await Promise.all([
      this.store.search(query, timeout),
      query.after ? Promise.resolve(null) : this.store.countMatching(query, TRAFFIC_SEARCH_COUNT_CAP, timeout),
    ]).catch(rethrow);
    const last = page.hits.at(-1);
    const count = counted === null ? null : { value: Math.min(counted, TRAFFIC_SEARCH_COUNT_CAP), capped: counted > TRAFFIC_SEARCH_COUNT_CAP };
    if (count) await this.remember(request.caller.owner, request.filters, count);
    return {
      items: page.hits,
      nextCursor: page.more && last ? encodeCursor(query.source, query.sort, last.ts, last.id) : null,
      count,
    };
  }

  async journey(sessionId: string): Promise<RpcResponse<typeof Rpc.trafficSearch.journey>> {
    const { session, hits } = await this.store.journey(sessionId, this.config.TRAFFIC_SEARCH_TIMEOUT_MS).catch(rethrow);
    return {
      session: session && {
        id: session.id,
        siteId: session.siteId,
        startedAt: new Date(session.startedAt).toISOString(),
        lastSeen: new Date(session.lastSeen).toISOString(),
        pageviews: session.pageviews,
        events: session.events,
        entryPath: session.entryPath,
        exitPath: session.exitPath,
        referrerDomain: session.referrerDomain,
        country: session.country,
        device: session.device,
        browser: session.browser,
        os: session.os,
      },
      items: hits,
    };
  }

  /** Search history: a first page is remembered; only the newest 50 of an owner are kept. */
  private async remember(owner: string, filters: TrafficSearchFilters, count: { value: number; capped: boolean }): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.searchHistory.create({ data: { owner, filters, resultCount: count.value, capped: count.capped } }),
      this.prisma.$executeRaw`DELETE FROM search_history WHERE owner = ${owner} AND id NOT IN (
        SELECT id FROM search_history WHERE owner = ${owner} ORDER BY executed_at DESC, id DESC LIMIT ${TRAFFIC_SEARCH_HISTORY_SIZE})`,
    ]);
  }

  async history(owner: string): Promise<RpcResponse<typeof Rpc.trafficSearch.history>> {
    const rows = await this.prisma.searchHistory.findMany({ where: { owner }, orderBy: [{ executedAt: 'desc' }, { id: 'desc' }], take: TRAFFIC_SEARCH_HISTORY_SIZE });
    return {
      items: rows.flatMap((row) => {
        const filters = TrafficSearchFiltersSchema.safeParse(row.filters);
        return filters.success ? [{ id: row.id, filters: filters.data, resultCount: row.resultCount, capped: row.capped, executedAt: row.executedAt.toISOString() }] : [];
      }),
    };
  }

  async clearHistory(owner: string): Promise<{ cleared: number }> {
    const { count } = await this.prisma.searchHistory.deleteMany({ where: { owner } });
    return { cleared: count };
  }

  async savedList(owner: string): Promise<{ items: SavedSearchView[] }> {
    const rows = await this.prisma.savedSearch.findMany({ where: { owner }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    return {
      items: rows.flatMap((row) => {
        const filters = TrafficSearchFiltersSchema.safeParse(row.filters);
        return filters.success ? [{ id: row.id, name: row.name, filters: filters.data, createdAt: row.createdAt.toISOString() }] : [];
      }),
    };
  }

  async saveSearch(request: RpcParsedRequest<typeof Rpc.trafficSearch.savedCreate>): Promise<SavedSearchView> {
    // Saved filters must search: the same checks as a search (range, source, IP), before anything is written.
    this.query(request.filters, request.caller, { sort: 'newest', limit: 1 });
    const row = await this.prisma.savedSearch.create({ data: { owner: request.caller.owner, name: request.name, filters: request.filters } });
    return { id: row.id, name: row.name, filters: request.filters, createdAt: row.createdAt.toISOString() };
  }

  async deleteSaved(id: string, owner: string): Promise<{ deleted: true }> {
    const { count } = await this.prisma.savedSearch.deleteMany({ where: { id, owner } });
    if (count === 0) throw AppError.notFound('Saved search');
    return { deleted: true };
  }

  /**
   * An export ticket: the filters checked, the rows counted (over 1M: 422 EXPORT_TOO_LARGE, nothing streamed),
   * the owner's one export slot taken (a second: 429), then a random one-time ticket the gateway redeems on
   * the internal stream within 30 s.
   */
  async exportTicket(request: RpcParsedRequest<typeof Rpc.trafficSearch.exportTicket>): Promise<RpcResponse<typeof Rpc.trafficSearch.exportTicket>> {
    const query = this.query(request.filters, request.caller, { sort: request.sort, limit: 1 });
    const rows = await this.store.countMatching(query, TRAFFIC_EXPORT_MAX_ROWS, this.config.TRAFFIC_SEARCH_TIMEOUT_MS).catch(rethrow);
    if (rows > TRAFFIC_EXPORT_MAX_ROWS) {
      throw new AppError(
        ErrorCodes.exportTooLarge,
        `More than ${TRAFFIC_EXPORT_MAX_ROWS.toLocaleString('en')} rows match: narrow the time range or add filters`,
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
    const slot = await this.redis.set(slotKey(request.caller.owner), 'export', 'PX', EXPORT_SLOT_TTL_MS, 'NX');
    if (slot !== 'OK') throw new AppError(ErrorCodes.rateLimited, 'An export of yours is running: wait for it to finish', HttpStatus.TOO_MANY_REQUESTS);
    const ticket = await this.tickets.issue({ owner: request.caller.owner, format: request.format, query });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return {
      ticket,
      rows,
      filename: `traffic-${query.source}-${stamp}.${request.format}`,
      contentType: request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    };
  }

  /** Redeems a ticket (once): the export it stands for, or null (unknown, used or expired). */
  async redeem(ticket: string): Promise<ExportJob | null> {
    const job = await this.tickets.redeem(ticket);
    if (!job) return null;
    job.query.from = new Date(job.query.from);
    job.query.to = new Date(job.query.to);
    return job;
  }

  /** Keeps the owner's export slot while its stream runs. */
  async holdSlot(owner: string): Promise<void> {
    await this.redis.pexpire(slotKey(owner), EXPORT_SLOT_TTL_MS);
  }

  async releaseSlot(owner: string): Promise<void> {
    await this.redis.del(slotKey(owner));
  }

  stream(job: ExportJob): AsyncIterable<SearchHit> & { destroy(error?: Error): void } {
    return this.store.streamSearch(job.query);
  }
}

const hashed = (value: string) => createHash('sha256').update(value).digest('base64url');
const slotKey = (owner: string) => `traffic:export:slot:${hashed(owner)}`;
