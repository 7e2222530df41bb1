import { Module } from '@nestjs/common';
import { ChannelMetricsExporter } from './channel-metrics.exporter';
import { ChannelMetricsStore } from './channel-metrics.store';
import { ChannelStatesRepository } from './channel-states.repository';
import { ChannelTelemetryController } from './channel-telemetry.controller';
import { ChannelTelemetryRepository } from './channel-telemetry.repository';

/** Live telemetry of running channels: latest metrics (NATS + Prometheus), FFmpeg logs and thumbnails from Redis. */
@Module({
  controllers: [ChannelTelemetryController],
  providers: [ChannelMetricsExporter, ChannelMetricsStore, ChannelStatesRepository, ChannelTelemetryRepository],
})
export class ChannelTelemetryModule {}
