import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type BulkChannelAction, BulkChannelActionSchema, Subjects } from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import { Audit, RequirePermission } from '../auth/decorators';
import { ApiZodBody } from '../common/api-docs';
import { UuidParam } from '../users/users.dto';

/** Bulk start/stop, playback URLs and schedule run times, answered by the channels service over NATS. */
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

  @Get(':id/schedule')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "The channel's start/stop schedule and the next time each fires" })
  schedule(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsSchedule, { id });
  }
}
