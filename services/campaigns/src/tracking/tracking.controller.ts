import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { RecordConversionSchema } from '@castline/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConversionsService } from './conversions.service';
import { cookieValue, isOurId, TRACKING_COOKIE, TrackingService } from './tracking.service';

/** The 1x1 transparent GIF every /px.gif answers, whatever happened. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Public HTTP endpoints reached through nginx (not the gateway): tracking links and the conversion pixel. */
@Controller()
export class TrackingController {
  private readonly logger = new Logger(TrackingController.name);

  constructor(
    private readonly tracking: TrackingService,
    private readonly conversions: ConversionsService,
  ) {}

  /** Records the click, sets the tracking id cookie, 302s to the link's stored destination (never to a URL from the query). */
  @Get('r/:code')
  async click(@Param('code') code: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const visit = { peer: request.socket.remoteAddress ?? '', headers: request.headers, url: request.url };
    const result = /^[A-Za-z0-9_-]{3,64}$/.test(code) ? await this.tracking.click(code, visit) : null;
    if (!result) {
      await reply.code(404).header('cache-control', 'no-store').send({ error: { code: 'NOT_FOUND', message: 'Unknown tracking link' } });
      return;
    }
    await reply
      .code(302)
      .header('location', result.location)
      .header('set-cookie', this.tracking.cookie(result.trackingId))
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer-when-downgrade')
      .send();
  }

  /**
   * The conversion pixel: `?id=<pixel id>&type=purchase&value=12.5&currency=EUR&order=<order id>` (+ `event`,
   * `click`, `session`). Always a 1x1 GIF: a page never breaks on a bad pixel; what was wrong is logged.
   * `click` is the `cl_click` our redirect put on the landing URL: the only way to attribute a pixel on another
   * site, whose <img> request carries no SameSite=Lax cookie of ours. It comes before the cookie; a value that
   * cannot be one of our click ids is dropped (the conversion still counts, by cookie or unattributed).
   */
  @Get('px.gif')
  async pixel(@Query() query: Record<string, string>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const parsed = RecordConversionSchema.safeParse({
      pixelId: query.id,
      type: query.type ?? 'purchase',
      value: query.value === undefined ? 0 : Number(query.value),
      currency: query.currency,
      orderId: query.order,
      eventId: query.event,
      clickId: isOurId(query.click) ? query.click : undefined,
      sessionId: query.session,
      trackingId: cookieValue((request.headers.cookie as string | undefined) ?? null, TRACKING_COOKIE) ?? undefined,
      source: 'pixel',
    });
    if (parsed.success) {
      const visit = { peer: request.socket.remoteAddress ?? '', headers: request.headers, url: request.url };
      await this.conversions
        .record(parsed.data, {
          ipHash: this.tracking.ipHash(visit),
          userAgent: (request.headers['user-agent'] ?? '').slice(0, 512) || null,
          referrer: (request.headers.referer ?? '').slice(0, 2048) || null,
          landingPage: (request.headers.referer ?? '').slice(0, 2048) || null,
        })
        .catch((error: unknown) => this.logger.warn(`pixel ${query.id}: ${(error as Error).message}`));
    } else {
      this.logger.debug(`pixel ignored: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
    }
    await reply.code(200).header('content-type', 'image/gif').header('cache-control', 'no-store, max-age=0').send(PIXEL_GIF);
  }
}
