import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { parseAttribution } from '@castline/attribution';
import { checkMessage, type CollectEvent, CollectEventSchema, ErrorCodes, PAGE_VIEW, SESSION_START } from '@castline/contracts';
import { AppError, CONFIG, MetricsService, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { TrafficLoggerConfig } from '../config';
import { LiveEventsPublisher } from '../analytics/live-events.publisher';
import { GroupCommit } from '../pipeline/group-commit';
import { classifyBot, droppedCounter } from '../enrichment/bots';
import { parseUserAgent } from '../enrichment/user-agent';
import { SpillRepository } from '../spill/spill.repository';
import { TRAFFIC_STORE } from '../store/store.provider';
import { type EventRow, type SessionRow, type TrafficStore, utcDay } from '../store/traffic-store';
import { SitesRepository } from './sites.repository';
import { cookieVisitorId, visitorIdOf } from './visitors';

/** Bodies above this are refused before parsing. */
export const COLLECT_MAX_BYTES = 8 * 1024;
/** A visitor idle this long starts a new session. */
export const SESSION_IDLE_S = 30 * 60;

const unavailable = (cause: unknown) =>
  new AppError(ErrorCodes.ingestUnavailable, `Events cannot be stored right now: ${(cause as Error).message}`, HttpStatus.SERVICE_UNAVAILABLE, {
    retryAfterSeconds: 30,
  });

export interface CollectRequest {
  /** The body as received: a string (text/plain, sendBeacon) or what Fastify parsed from JSON. */
  body: unknown;
  contentLength: number;
  origin: string | undefined;
  ip: string;
  userAgent: string;
}

/** The session in Redis between events: the stored row's counters and attribution, with when it started. */
interface StoredSession
  extends Pick<SessionRow, 'id' | 'pageviews' | 'events' | 'entryPath' | 'exitPath' | 'referrerDomain' | 'utmSource' | 'utmMedium' | 'utmCampaign'> {
  startedAt: string;
}

/**
 * POST /api/v1/collect: checks in this order (each a 4xx with its code, nothing written): size (413), JSON and
 * schema (400 INVALID_PAYLOAD), site (404 UNKNOWN_SITE), Origin in the site's allow-list (403 ORIGIN_NOT_ALLOWED),
 * rate per IP and site (429 RATE_LIMITED + Retry-After); then stores the event, with a session_start when the
 * visitor's session is new (server-side sessions, 30 minutes idle). Postgres down: the event waits in the Redis
 * spill; that full too: 503 INGEST_UNAVAILABLE.
 */
@Injectable()
export class CollectService {
  private readonly dropped: Counter<'reason'>;
  /** Concurrent events share transactions (each still answered after its commit). */
  private readonly commits: GroupCommit;

  constructor(
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    private readonly sites: SitesRepository,
    private readonly spill: SpillRepository,
    private readonly live: LiveEventsPublisher,
    metrics: MetricsService,
  ) {
    this.dropped = droppedCounter(metrics.registry);
    this.commits = new GroupCommit(store);
  }

  /** Returns the allowed Origin, which the answer echoes (CORS, never *). */
  async collect(request: CollectRequest): Promise<{ origin: string }> {
    const event = this.parse(request);
    const site = await this.sites.forCollect(event.site).catch((error: unknown) => {
      throw unavailable(error);
    });
    if (!site) throw new AppError(ErrorCodes.unknownSite, `No site ${event.site}`, HttpStatus.NOT_FOUND);
    if (!request.origin || !site.allowedOrigins.includes(request.origin)) {
      throw new AppError(ErrorCodes.originNotAllowed, `Origin ${request.origin ?? '(none)'} may not send events for this site`, HttpStatus.FORBIDDEN);
    }
    await this.limit(site.id, request.ip);
    const [events, sessions, keepSession] = await this.rows(event, request, site.useCookie);
    if (events[0]!.isBot && !(await this.admitBot(request.ip))) {
      // A bot flood: accepted (nothing to retry) but only counted, as for the access log.
      this.dropped.inc({ reason: 'bot_flood' }, events.length);
      return { origin: request.origin };
    }
    await this.persist(events, sessions);
    // Only once stored or spilled: a refused event leaves the session's counters as they were.
    await keepSession();
    this.live.publish(events);
    return { origin: request.origin };
  }

  /**
   * Into Postgres, or behind whatever waits in the Redis spill (Postgres down: appended there too). The spill
   * full or Redis down as well: 503 INGEST_UNAVAILABLE, nothing stored, the tracker may send again.
   */
  private async persist(events: EventRow[], sessions: SessionRow[]): Promise<void> {
    let failure: unknown;
    try {
      if ((await this.spill.appendEvents(events, sessions, true)) === 'spilled') return;
      try {
        await this.commits.write(events, sessions);
        return;
      } catch (error) {
        failure = error;
      }
      if ((await this.spill.appendEvents(events, sessions, false)) === 'spilled') return;
      failure = new Error('the spill is full');
    } catch (error) {
      failure ??= error;
    }
    throw unavailable(failure);
  }

  private parse(request: CollectRequest): CollectEvent {
    const text = typeof request.body === 'string' ? request.body : request.body === undefined ? '' : JSON.stringify(request.body);
    if (request.contentLength > COLLECT_MAX_BYTES || Buffer.byteLength(text) > COLLECT_MAX_BYTES) {
      throw new AppError(ErrorCodes.payloadTooLarge, `An event may have at most ${COLLECT_MAX_BYTES} bytes`, HttpStatus.PAYLOAD_TOO_LARGE);
    }
    let json: unknown;
    try {
      json = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
    } catch {
      throw new AppError(ErrorCodes.invalidPayload, 'The body is not JSON', HttpStatus.BAD_REQUEST);
    }
    const check = checkMessage(CollectEventSchema, json);
    if (!check.ok) throw new AppError(ErrorCodes.invalidPayload, `Invalid event: ${check.summary}`, HttpStatus.BAD_REQUEST, { fields: check.problems });
    return check.data;
  }

  private async limit(siteId: string, ip: string): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `traffic:collect:rate:${siteId}:${ip}:${minute}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [[null, number], unknown];
    if (count > this.config.TRAFFIC_COLLECT_PER_MINUTE) {
      const retryAfter = Math.max(1, (minute + 1) * 60 - Math.floor(Date.now() / 1000));
      throw new AppError(ErrorCodes.rateLimited, 'Too many events from this address', HttpStatus.TOO_MANY_REQUESTS, { retryAfterSeconds: retryAfter });
    }
  }

  /** Flagged events stored per IP and minute: TRAFFIC_BOT_ROWS_PER_MINUTE, the rest only counted. */
  private async admitBot(ip: string): Promise<boolean> {
    const key = `traffic:collect:bots:${ip}:${Math.floor(Date.now() / 60_000)}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [[null, number], unknown];
    return count <= this.config.TRAFFIC_BOT_ROWS_PER_MINUTE;
  }

  private async rows(event: CollectEvent, request: CollectRequest, useCookie: boolean): Promise<[EventRow[], SessionRow[], () => Promise<unknown>]> {
    const now = new Date();
    const page = new URL(event.url);
    const attribution = parseAttribution({ url: event.url, referrer: event.referrer ?? null });
    const agent = parseUserAgent(request.userAgent || null);
    const bot = classifyBot({ userAgent: request.userAgent || null, path: page.pathname });
    // The cookie only counts for a site that opted in; elsewhere a sent `vid` is ignored (daily salted hash).
    const visitorId =
      useCookie && event.vid
        ? cookieVisitorId(event.site, event.vid)
        : await visitorIdOf(this.redis, { day: utcDay(now), siteId: event.site, ip: request.ip, userAgent: request.userAgent });
    const sessionKey = `traffic:session:${event.site}:${visitorId}`;
    const stored = await this.redis.get(sessionKey);
    const isNew = !stored;
    const session: StoredSession = stored
      ? (JSON.parse(stored) as StoredSession)
      : {
          id: randomUUID(),
          startedAt: now.toISOString(),
          pageviews: 0,
          events: 0,
          entryPath: page.pathname,
          exitPath: page.pathname,
          referrerDomain: attribution.referrer?.domain ?? null,
          utmSource: attribution.utm.source,
          utmMedium: attribution.utm.medium,
          utmCampaign: attribution.utm.campaign,
        };
    session.events += 1;
    if (event.name === PAGE_VIEW) {
      session.pageviews += 1;
      session.exitPath = page.pathname;
    }
    const keepSession = () => this.redis.set(sessionKey, JSON.stringify(session), 'EX', SESSION_IDLE_S);

    const base = {
      siteId: event.site,
      sessionId: session.id,
      visitorId,
      hostname: page.hostname,
      path: page.pathname,
      query: page.search ? page.search.slice(1) : null,
      referrerDomain: attribution.referrer?.domain ?? null,
      utmSource: attribution.utm.source,
      utmMedium: attribution.utm.medium,
      utmCampaign: attribution.utm.campaign,
      utmTerm: attribution.utm.term,
      utmContent: attribution.utm.content,
      clickId: Object.values(attribution.clickIds).find((id) => id !== null) ?? null,
      isBot: bot.isBot,
      ...agent,
      country: null,
    };
    const events: EventRow[] = [{ ...base, ts: now, id: randomUUID(), name: event.name, props: event.props ?? {} }];
    if (isNew) events.unshift({ ...base, ts: now, id: randomUUID(), name: SESSION_START, props: {} });
    const sessionRow: SessionRow = {
      startedAt: new Date(session.startedAt),
      id: session.id,
      siteId: event.site,
      visitorId,
      lastSeen: now,
      pageviews: session.pageviews,
      events: session.events,
      entryPath: session.entryPath,
      exitPath: session.exitPath,
      referrerDomain: session.referrerDomain,
      utmSource: session.utmSource,
      utmMedium: session.utmMedium,
      utmCampaign: session.utmCampaign,
      browser: agent.browser,
      os: agent.os,
      device: agent.device,
      country: null,
      isBot: bot.isBot,
    };
    return [events, [sessionRow], keepSession];
  }
}
