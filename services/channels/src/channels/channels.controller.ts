import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type ChannelHistoryRequest,
  ChannelHistoryRequestSchema,
  ChannelIdSchema,
  type CreateChannel,
  CreateChannelSchema,
  type ListChannels,
  ListChannelsSchema,
  Subjects,
  type UpdateChannel,
  UpdateChannelRequestSchema,
} from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { ChannelsService } from './channels.service';

@Controller()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @MessagePattern(Subjects.channelsList)
  list(@Payload(new ZodValidationPipe(ListChannelsSchema)) query: ListChannels) {
    return this.channels.list(query);
  }

  @MessagePattern(Subjects.channelsGet)
  get(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.channels.get(request.id);
  }

  @MessagePattern(Subjects.channelsHistory)
  history(@Payload(new ZodValidationPipe(ChannelHistoryRequestSchema)) request: ChannelHistoryRequest) {
    return this.channels.history(request);
  }

  @MessagePattern(Subjects.channelsCreate)
  create(@Payload(new ZodValidationPipe(CreateChannelSchema)) body: CreateChannel) {
    return this.channels.create(body);
  }

  @MessagePattern(Subjects.channelsUpdate)
  update(@Payload(new ZodValidationPipe(UpdateChannelRequestSchema)) request: { id: string; changes: UpdateChannel }) {
    return this.channels.update(request.id, request.changes);
  }

  @MessagePattern(Subjects.channelsStart)
  start(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.channels.start(request.id);
  }

  @MessagePattern(Subjects.channelsStop)
  stop(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.channels.stop(request.id);
  }

  @MessagePattern(Subjects.channelsRestart)
  restart(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.channels.restart(request.id);
  }

  @MessagePattern(Subjects.channelsDelete)
  async delete(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    await this.channels.delete(request.id);
    return { deleted: true };
  }
}
