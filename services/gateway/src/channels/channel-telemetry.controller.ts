import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Rpc } from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/decorators';
import { UuidParam } from '../users/users.dto';

/** A running channel's thumbnail, via the channels service (a JPEG body, so not a forwarded JSON route). */
@ApiTags('channels')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('channels')
export class ChannelTelemetryController {
  constructor(private readonly nats: NatsClient) {}

  @Get(':id/thumbnail')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: 'A JPEG of the live output, refreshed every few seconds while the channel runs; 404 when there is none' })
  @ApiProduces('image/jpeg')
  async thumbnail(@Param('id', new ZodValidationPipe(UuidParam)) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const thumbnail = await this.nats.call(Rpc.channels.thumbnail, { id });
    reply.header('Content-Type', 'image/jpeg').header('Cache-Control', 'no-store').header('Last-Modified', new Date(thumbnail.capturedAt).toUTCString());
    return Buffer.from(thumbnail.jpegBase64, 'base64');
  }
}
