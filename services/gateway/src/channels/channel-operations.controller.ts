import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type BulkChannelAction,
  BulkChannelActionSchema,
  type ChannelHistory,
  type ChannelHistoryQuery,
  ChannelHistoryQuerySchema,
  Subjects,
} from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import { Audit, RequirePermission } from '../auth/decorators';
import { ApiZodBody, ApiZodQuery } from '../common/api-docs';
import { UuidParam } from '../users/users.dto';

/** Bulk start/stop, playback URLs, schedule run times and event history, answered by the channels service over NATS. */
@ApiTags('channels')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('channels')
export class ChannelOperationsController {
  constructor(private readonly nats: NatsClient) {}

  @Post('bulk')
  @HttpCode(200)
  @RequirePermission('channels:write')
  @Audit('channels.bulk', 'channel')
  @ApiOperation({ summary: 'Start or stop up to 200 channels; one result per id ({ id, ok, status } or { id, ok: false, error })' })
  @ApiZodBody(BulkChannelActionSchema)
  bulk(@Body(new ZodValidationPipe(BulkChannelActionSchema)) body: BulkChannelAction) {
    return this.nats.request(Subjects.channelsBulk, body);
  }

  @Get(':id/playback')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "The channel's playback URL; signed (with expiresAt) when its playback is `signed`" })
  playback(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsPlayback, { id });
  }

  @Post(':id/playback/revoke')
  @HttpCode(200)
  @RequirePermission('channels:write')
  @Audit('channels.playback.revoke', 'channel')
  @ApiOperation({ summary: 'End every signed playback URL handed out so far (a running channel restarts); GET /playback gives a new one' })
  revokePlayback(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsPlaybackRevoke, { id });
  }

  @Get(':id/events')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "The channel's event history (starts, stops, restarts, failovers, errors), newest first; `before` pages back" })
  @ApiZodQuery(ChannelHistoryQuerySchema)
  events(
    @Param('id', new ZodValidationPipe(UuidParam)) id: string,
    @Query(new ZodValidationPipe(ChannelHistoryQuerySchema)) query: ChannelHistoryQuery,
  ): Promise<ChannelHistory> {
    return this.nats.request<ChannelHistory>(Subjects.channelsHistory, { id, ...query });
  }

  @Get(':id/schedule')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "The channel's start/stop schedule and the next time each fires" })
  schedule(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsSchedule, { id });
  }
}
