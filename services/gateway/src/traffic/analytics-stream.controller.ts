import { Controller, Get, Injectable, type OnModuleDestroy, type OnModuleInit, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AnalyticsSiteQuerySchema, Events } from '@castline/contracts';
import { EventBus, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { startEventStream } from '../live/event-stream';
import { LiveFeed } from '../live/live-feed';
import { ChannelSelection } from '../live/push-queue';

const HEARTBEAT_INTERVAL_MS = 15_000;
/** A client this many unsent frames behind is ended (it reconnects); the feed is for watching, not for counting. */
const MAX_PENDING_FRAMES = 200;

interface SiteClient {
  siteId: string;
  send(dataJson: string): void;
}

/** The gateway's one subscription to `traffic.events`, fanned out to the live-feed clients of each site. */
@Injectable()
export class AnalyticsFeed implements OnModuleInit, OnModuleDestroy {
  private readonly clients = new Set<SiteClient>();
  private unsubscribe?: () => void;

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(Events.trafficEvents, (message) => {
      if (this.clients.size === 0) return;
      const bySite = new Map<string, typeof message.events>();
      for (const event of message.events) bySite.set(event.siteId, [...(bySite.get(event.siteId) ?? []), event]);
      for (const client of this.clients) {
        const events = bySite.get(client.siteId);
        if (events) client.send(JSON.stringify({ events }));
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.clients.clear();
  }

  add(client: SiteClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }
}

/** GET /analytics/live/stream: a site's tracker events as they are stored, as server-sent events (`event: traffic`). */
@ApiTags('traffic')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('analytics')
export class AnalyticsStreamController {
  constructor(
    private readonly feed: AnalyticsFeed,
    private readonly live: LiveFeed,
  ) {}

  @Get('live/stream')
  @RequirePermission('traffic:read')
  @ApiOperation({ summary: "A site's events (page views, custom events) as they are stored, as text/event-stream (`event: traffic`)" })
  @ApiQuery({ name: 'site', description: 'The site id' })
  @ApiProduces('text/event-stream')
  stream(
    @Query(new ZodValidationPipe(AnalyticsSiteQuerySchema)) query: z.infer<typeof AnalyticsSiteQuerySchema>,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): void {
    const response = startEventStream(reply);
    let pending = 0;
    const end = () => response.end();
    const removeFromFeed = this.feed.add({
      siteId: query.site,
      send: (dataJson) => {
        if (pending >= MAX_PENDING_FRAMES) return end();
        pending += 1;
        response.write(`event: traffic\ndata: ${dataJson}\n\n`, () => (pending -= 1));
      },
    });
    // Registered with the live feed only to be ended with the credential (expiry, revocation, shutdown).
    const removeFromLive = this.live.add({
      selection: new ChannelSelection(),
      owner: { kind: principal.kind, id: principal.id },
      expiresAt: principal.expiresAt,
      may: () => false,
      push: () => undefined,
      end,
    });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_INTERVAL_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      removeFromFeed();
      removeFromLive();
    });
  }
}
