import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type BulkChannelAction, BulkChannelActionSchema, ChannelIdSchema, Subjects } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { ChannelOperationsService } from './channel-operations.service';

@Controller()
export class ChannelOperationsController {
  constructor(private readonly operations: ChannelOperationsService) {}

  @MessagePattern(Subjects.channelsBulk)
  bulk(@Payload(new ZodValidationPipe(BulkChannelActionSchema)) body: BulkChannelAction) {
    return this.operations.bulk(body);
  }

  @MessagePattern(Subjects.channelsPlayback)
  playback(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.operations.playback(request.id);
  }

  @MessagePattern(Subjects.channelsPlaybackRevoke)
  revokePlayback(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.operations.revokePlayback(request.id);
  }

  @MessagePattern(Subjects.channelsSchedule)
  schedule(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }) {
    return this.operations.schedule(request.id);
  }
}
