import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type ChannelHistoryRequest,
  type CreateChannel,
  type ListChannels,
  Rpc,
  type UpdateChannel,
} from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { ChannelsService } from './channels.service';

@Controller()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @HandleRpc(Rpc.channels.list)
  list(@Payload() query: ListChannels) {
    return this.channels.list(query);
  }

  @HandleRpc(Rpc.channels.get)
  get(@Payload() request: { id: string }) {
    return this.channels.get(request.id);
  }

  @HandleRpc(Rpc.channels.history)
  history(@Payload() request: ChannelHistoryRequest) {
    return this.channels.history(request);
  }

  @HandleRpc(Rpc.channels.create)
  create(@Payload() body: CreateChannel) {
    return this.channels.create(body);
  }

  @HandleRpc(Rpc.channels.update)
  update(@Payload() request: { id: string; changes: UpdateChannel }) {
    return this.channels.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.channels.start)
  start(@Payload() request: { id: string }) {
    return this.channels.start(request.id);
  }

  @HandleRpc(Rpc.channels.stop)
  stop(@Payload() request: { id: string }) {
    return this.channels.stop(request.id);
  }

  @HandleRpc(Rpc.channels.restart)
  restart(@Payload() request: { id: string }) {
    return this.channels.restart(request.id);
  }

  @HandleRpc(Rpc.channels.delete)
  async delete(@Payload() request: { id: string }) {
    await this.channels.delete(request.id);
    return { deleted: true };
  }
}
