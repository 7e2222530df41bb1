import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { EmbedPlayback } from '@castline/contracts';
import { Public, ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
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

  @Post('collect')
  @HttpCode(202)
  async collect(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ accepted: true }> {
    await this.playback.collect(body, Number(request.headers['content-length'] ?? 0));
    return { accepted: true };
  }
}
