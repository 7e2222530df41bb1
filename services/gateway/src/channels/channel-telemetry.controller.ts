import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type ChannelLogs,
  ChannelLogsSchema,
  type ChannelMetrics,
  ChannelMetricsSchema,
  type ChannelThumbnail,
  Subjects,
} from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RequirePermission } from '../auth/decorators';
import { UuidParam } from '../users/users.dto';

/** What a running channel's worker reports: metrics, FFmpeg's stderr and a thumbnail, via the channels service. */
@ApiTags('channels')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('channels')
export class ChannelTelemetryController {
  constructor(private readonly nats: NatsClient) {}

  @Get(':id/metrics')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "The running channel's latest metrics (reported every second by its worker); 404 when it is not running" })
  @ApiOkResponse({ schema: z.toJSONSchema(ChannelMetricsSchema, { unrepresentable: 'any' }) as object })
  metrics(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<ChannelMetrics> {
    return this.nats.request<ChannelMetrics>(Subjects.channelsMetricsGet, { id }, 2_000);
  }

  @Get(':id/logs')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "FFmpeg's stderr of the channel's last 3 runs, newest first: the first 20 and the last 200 lines of each" })
  @ApiOkResponse({ schema: z.toJSONSchema(ChannelLogsSchema, { unrepresentable: 'any' }) as object })
  logs(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<ChannelLogs> {
    return this.nats.request<ChannelLogs>(Subjects.channelsLogsGet, { id }, 2_000);
  }

  @Get(':id/thumbnail')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: 'A JPEG of the live output, refreshed every few seconds while the channel runs; 404 when there is none' })
  @ApiProduces('image/jpeg')
  async thumbnail(@Param('id', new ZodValidationPipe(UuidParam)) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const thumbnail = await this.nats.request<ChannelThumbnail>(Subjects.channelsThumbnailGet, { id }, 2_000);
    reply.header('Content-Type', 'image/jpeg').header('Cache-Control', 'no-store').header('Last-Modified', new Date(thumbnail.capturedAt).toUTCString());
    return Buffer.from(thumbnail.jpegBase64, 'base64');
  }
}
