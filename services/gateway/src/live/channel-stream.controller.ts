import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators';
import { type Principal, principalHas } from '../auth/principal';
import { startEventStream } from './event-stream';
import { LiveFeed } from './live-feed';
import { ChannelSelection, ChannelSelectorSchema, type PushKind, PushQueue } from './push-queue';

/** Proxies drop a connection that stays silent; nginx's proxy_read_timeout is 60 s by default. */
const HEARTBEAT_INTERVAL_MS = 15_000;

const StreamQuerySchema = z.object({
  channels: z
    .string()
    .transform((list) => list.split(',').map((selector) => selector.trim()).filter(Boolean))
    .pipe(z.array(ChannelSelectorSchema).min(1).max(1_000)),
});

/** The WebSocket's fallback for clients and proxies without WebSockets: the same messages as server-sent events. */
@ApiTags('channels')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('channels')
export class ChannelStreamController {
  constructor(private readonly feed: LiveFeed) {}

  @Get('stream')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: 'Live metrics and events of the given channels ("*" for all) as text/event-stream: `event: metrics` and `event: event`' })
  @ApiQuery({ name: 'channels', description: 'Comma-separated channel ids, or *', example: '*' })
  @ApiProduces('text/event-stream')
  stream(
    @Query(new ZodValidationPipe(StreamQuerySchema)) query: z.infer<typeof StreamQuerySchema>,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): void {
    const response = startEventStream(reply);

    let blocked = false;
    const queue: PushQueue = new PushQueue(
      {
        ready: () => !blocked && !response.destroyed,
        write: (kind: PushKind, dataJson: string) => {
          if (response.write(`event: ${kind}\ndata: ${dataJson}\n\n`)) return;
          blocked = true;
          response.once('drain', () => {
            blocked = false;
            queue.flush();
          });
        },
      },
      () => response.end(),
    );
    const selection = new ChannelSelection();
    selection.add(query.channels);
    // An event stream has no close code: the client sees the end and reconnects, and its credential is checked again.
    const remove = this.feed.add({
      selection,
      owner: { kind: principal.kind, id: principal.id },
      expiresAt: principal.expiresAt,
      may: (permission) => principalHas(principal, permission),
      push: (kind, dataJson) => queue.push(kind, dataJson),
      end: () => response.end(),
    });
    const heartbeat = setInterval(() => {
      if (!blocked) response.write(': heartbeat\n\n');
    }, HEARTBEAT_INTERVAL_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      remove();
    });
  }
}
