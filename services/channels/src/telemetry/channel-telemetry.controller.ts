import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ChannelLogs, type ChannelMetrics, type ChannelThumbnail, Rpc } from '@castline/contracts';
import { AppError, HandleRpc } from '@castline/platform';
import { ChannelMetricsStore } from './channel-metrics.store';
import { ChannelTelemetryRepository } from './channel-telemetry.repository';

@Controller()
export class ChannelTelemetryController {
  constructor(
    private readonly store: ChannelMetricsStore,
    private readonly repository: ChannelTelemetryRepository,
  ) {}

  @HandleRpc(Rpc.channels.metrics)
  metrics(@Payload() request: { id: string }): ChannelMetrics {
    const latest = this.store.get(request.id);
    if (!latest) throw AppError.notFound('Metrics of a running channel');
    return latest;
  }

  @HandleRpc(Rpc.channels.logs)
  logs(@Payload() request: { id: string }): Promise<ChannelLogs> {
    return this.repository.logs(request.id);
  }

  @HandleRpc(Rpc.channels.thumbnail)
  async thumbnail(@Payload() request: { id: string }): Promise<ChannelThumbnail> {
    const thumbnail = await this.repository.thumbnail(request.id);
    if (!thumbnail) throw AppError.notFound('Thumbnail');
    return thumbnail;
  }
}
