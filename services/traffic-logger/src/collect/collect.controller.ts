import { Body, Controller, Get, Header, HttpCode, Options, Post, Req, Res } from '@nestjs/common';
import { AppError, Public } from '@castline/platform';
import { trackerSource } from '@castline/tracker';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CollectService } from './collect.service';

/**
 * The public tracker endpoint, behind nginx's `location /api/v1/collect` (the gateway is not involved). CORS
 * echoes the site's allowed Origin, never `*`. sendBeacon posts text/plain, which needs no preflight.
 */
@Controller('api/v1/collect')
@Public()
export class CollectController {
  private readonly tracker = trackerSource();

  constructor(private readonly collect: CollectService) {}

  /** The tracker script (packages/tracker, < 2 KiB gzipped; nginx gzips it). Sites embed it with data-site. */
  @Get('tracker.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  script(): string {
    return this.tracker;
  }

  @Post()
  @HttpCode(202)
  async event(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ accepted: true }> {
    try {
      const { origin } = await this.collect.collect({
        body,
        contentLength: Number(request.headers['content-length'] ?? 0),
        origin: request.headers.origin,
        // nginx sets the client address (realip behind a load balancer); the service trusts only nginx.
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
      void reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
      return { accepted: true };
    } catch (error) {
      const retryAfter = (error as AppError).details as { retryAfterSeconds?: number } | undefined;
      if (error instanceof AppError && retryAfter?.retryAfterSeconds) void reply.header('Retry-After', String(retryAfter.retryAfterSeconds));
      throw error;
    }
  }

  /** Preflight of a JSON post: allowed per event by the site's list, so the preflight only echoes the Origin. */
  @Options()
  @HttpCode(204)
  preflight(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const origin = request.headers.origin;
    if (!origin) return;
    void reply
      .header('Access-Control-Allow-Origin', origin)
      .header('Vary', 'Origin')
      .header('Access-Control-Allow-Methods', 'POST')
      .header('Access-Control-Allow-Headers', 'Content-Type')
      .header('Access-Control-Max-Age', '86400');
  }
}
