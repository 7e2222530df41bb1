import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type ChannelLogs, type ChannelMetrics, ChannelIdSchema, type ChannelThumbnail, Subjects } from '@castline/contracts';
import { AppError, ZodValidationPipe } from '@castline/platform';
import { ChannelMetricsStore } from './channel-metrics.store';
import { ChannelTelemetryRepository } from './channel-telemetry.repository';

@Controller()
export class ChannelTelemetryController {
  constructor(
    private readonly store: ChannelMetricsStore,
    private readonly repository: ChannelTelemetryRepository,
  ) {}

  @MessagePattern(Subjects.channelsMetricsGet)
  metrics(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }): ChannelMetrics {
    const latest = this.store.get(request.id);
    if (!latest) throw AppError.notFound('Metrics of a running channel');
    return latest;
  }

  @MessagePattern(Subjects.channelsLogsGet)
  logs(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }): Promise<ChannelLogs> {
    return this.repository.logs(request.id);
  }

  @MessagePattern(Subjects.channelsThumbnailGet)
  async thumbnail(@Payload(new ZodValidationPipe(ChannelIdSchema)) request: { id: string }): Promise<ChannelThumbnail> {
    const thumbnail = await this.repository.thumbnail(request.id);
    if (!thumbnail) throw AppError.notFound('Thumbnail');
    return thumbnail;
  }
}
