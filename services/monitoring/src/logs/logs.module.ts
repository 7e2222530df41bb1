import { Module } from '@nestjs/common';
import { ApiMetricsService } from './api-metrics.service';
import { LogsController } from './logs.controller';
import { LogsIngest } from './logs.ingest';
import { LogsRepository } from './logs.repository';
import { LogsService } from './logs.service';

/** App logs (app_logs) and API metrics (api_metric_rollups): ingest from JetStream, list, export pages, stats. */
@Module({
  controllers: [LogsController],
  providers: [LogsRepository, LogsService, LogsIngest, ApiMetricsService],
  exports: [LogsRepository, ApiMetricsService],
})
export class LogsModule {}
