import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type CreateChannel,
  CreateChannelSchema,
  type ListChannels,
  ListChannelsSchema,
  Subjects,
  type UpdateChannel,
  UpdateChannelSchema,
} from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ApiZodBody, ApiZodQuery } from '../common/api-docs';
import { UuidParam } from '../users/users.dto';
import { hideSourcesFrom } from './source-visibility';

/** Live channel definitions, answered by the channels service over NATS. */
@ApiTags('channels')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('channels')
export class ChannelsController {
  constructor(private readonly nats: NatsClient) {}

  @Get()
  @RequirePermission('channels:read')
  @ApiOperation({ summary: 'List channels (filter by status, search in name/slug)' })
  @ApiZodQuery(ListChannelsSchema)
  async list(@Query(new ZodValidationPipe(ListChannelsSchema)) query: ListChannels, @CurrentPrincipal() principal: Principal) {
    return hideSourcesFrom(principal, await this.nats.request(Subjects.channelsList, query));
  }

  @Get(':id')
  @RequirePermission('channels:read')
  async get(@Param('id', new ZodValidationPipe(UuidParam)) id: string, @CurrentPrincipal() principal: Principal) {
    return hideSourcesFrom(principal, await this.nats.request(Subjects.channelsGet, { id }));
  }

  @Post()
  @RequirePermission('channels:write')
  @Audit('channels.create', 'channel')
  @ApiOperation({ summary: 'Create a channel: sources (first is primary), optional slug, preset, logo, output' })
  @ApiZodBody(CreateChannelSchema)
  async create(@Body(new ZodValidationPipe(CreateChannelSchema)) body: CreateChannel, @Req() request: FastifyRequest) {
    const channel = await this.nats.request<{ id: string }>(Subjects.channelsCreate, body);
    request.audit = { ...request.audit, targetId: channel.id };
    return channel;
  }

  @Patch(':id')
  @RequirePermission('channels:write')
  @Audit('channels.update', 'channel')
  @ApiOperation({ summary: 'Change a channel; `sources` replaces the whole list' })
  @ApiZodBody(UpdateChannelSchema)
  update(
    @Param('id', new ZodValidationPipe(UuidParam)) id: string,
    @Body(new ZodValidationPipe(UpdateChannelSchema)) changes: UpdateChannel,
  ) {
    return this.nats.request(Subjects.channelsUpdate, { id, changes });
  }

  @Post(':id/start')
  @HttpCode(200)
  @RequirePermission('channels:write')
  @Audit('channels.start', 'channel')
  @ApiOperation({ summary: 'Start a channel (a no-op when it is already starting or running)' })
  start(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsStart, { id });
  }

  @Post(':id/stop')
  @HttpCode(200)
  @RequirePermission('channels:write')
  @Audit('channels.stop', 'channel')
  @ApiOperation({ summary: 'Stop a channel: status `stopping` until its worker has stopped FFmpeg (a no-op when stopped)' })
  stop(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsStop, { id });
  }

  @Post(':id/restart')
  @HttpCode(200)
  @RequirePermission('channels:write')
  @Audit('channels.restart', 'channel')
  @ApiOperation({ summary: 'Restart a running channel at once (skips the automatic-restart cooldown); starts a stopped one' })
  restart(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.nats.request(Subjects.channelsRestart, { id });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('channels:write')
  @Audit('channels.delete', 'channel')
  async delete(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<void> {
    await this.nats.request(Subjects.channelsDelete, { id });
  }
}
