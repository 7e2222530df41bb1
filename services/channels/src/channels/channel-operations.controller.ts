import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BulkChannelAction, Rpc } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { ChannelOperationsService } from './channel-operations.service';

@Controller()
export class ChannelOperationsController {
  constructor(private readonly operations: ChannelOperationsService) {}

  @HandleRpc(Rpc.channels.bulk)
  bulk(@Payload() body: BulkChannelAction) {
    return this.operations.bulk(body);
  }

  @HandleRpc(Rpc.channels.playback)
  playback(@Payload() request: { id: string }) {
    return this.operations.playback(request.id);
  }

  @HandleRpc(Rpc.channels.revokePlayback)
  revokePlayback(@Payload() request: { id: string }) {
    return this.operations.revokePlayback(request.id);
  }

  @HandleRpc(Rpc.channels.schedule)
  schedule(@Payload() request: { id: string }) {
    return this.operations.schedule(request.id);
  }
}
