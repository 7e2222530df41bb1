import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { EmbedPlayback } from '@castline/contracts';
import { Public, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PlaybackService } from './playback.service';

const idPipe = new ZodValidationPipe(z.uuid());
const parentPipe = new ZodValidationPipe(z.object({ parent: z.string().max(300).optional() }));

/**
 * Public HTTP routes of media, behind nginx's `location ~ ^/api/v1/media/(embed/|collect$)` (the gateway is not
 * involved): what an embed plays, and the player's events. Both are called from /embed/<id>, which is served
 * from Castline's own origin, so no CORS is needed.
 */
@Controller('api/v1/media')
@Public()
export class PlaybackController {
  constructor(private readonly playback: PlaybackService) {}

  @Get('embed/:id')
  embed(@Param('id') id: unknown, @Query() query: unknown): Promise<EmbedPlayback> {
    const { parent } = parentPipe.transform(query) as { parent?: string };
    return this.playback.embed(idPipe.transform(id) as string, parent);
  }

  /**
   * nginx's auth_request for the /embed/<id> page (internal: no public nginx route reaches it): always 204, with
   * X-Embed-Ancestors when the video narrows who may frame it. The page's id comes in X-Original-URI.
   */
  @Get('embed-ancestors')
  @HttpCode(204)
  async embedAncestors(@Headers('x-original-uri') originalUri: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const id = /^\/embed\/([0-9a-f-]{36})(?:[/?#]|$)/.exec(originalUri ?? '')?.[1];
    const ancestors = id ? await this.playback.embedAncestors(id) : null;
    if (ancestors) void reply.header('x-embed-ancestors', ancestors);
  }

  @Post('collect')
  @HttpCode(202)
  async collect(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ accepted: true }> {
    await this.playback.collect(body, Number(request.headers['content-length'] ?? 0));
    return { accepted: true };
  }
}
