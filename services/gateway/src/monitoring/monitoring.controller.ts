import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type MonitoringProcesses,
  MonitoringProcessesSchema,
  type MonitoringStreams,
  MonitoringStreamsSchema,
  Subjects,
  type SystemMetrics,
  SystemMetricsSchema,
} from '@castline/contracts';
import { NatsClient } from '@castline/platform';
import { z } from 'zod';
import { RequirePermission } from '../auth/decorators';

/** Host and live-output monitoring, answered by the monitoring service over NATS. */
@ApiTags('monitoring')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('monitoring')
export class MonitoringController {
  constructor(private readonly nats: NatsClient) {}

  @Get('system')
  @RequirePermission('monitoring:read')
  @ApiOperation({ summary: 'Host CPU per core and total, load, memory, disks (HLS_ROOT, data) and network rates, sampled every second' })
  @ApiOkResponse({ schema: z.toJSONSchema(SystemMetricsSchema, { unrepresentable: 'any' }) as object })
  system(): Promise<SystemMetrics> {
    return this.nats.request<SystemMetrics>(Subjects.monitoringSystem, {}, 2_000);
  }

  @Get('processes')
  @RequirePermission('monitoring:read')
  @ApiOperation({ summary: 'Every FFmpeg process of the live channels with its channel, worker, CPU, memory and I/O (reported in the last 10 s)' })
  @ApiOkResponse({ schema: z.toJSONSchema(MonitoringProcessesSchema, { unrepresentable: 'any' }) as object })
  processes(): Promise<MonitoringProcesses> {
    return this.nats.request<MonitoringProcesses>(Subjects.monitoringProcesses, {}, 2_000);
  }

  @Get('streams')
  @RequirePermission('monitoring:read')
  @ApiOperation({ summary: 'Running channels with their output bitrate, fps and speed; `viewers` is null until the traffic-logger counts them' })
  @ApiOkResponse({ schema: z.toJSONSchema(MonitoringStreamsSchema, { unrepresentable: 'any' }) as object })
  streams(): Promise<MonitoringStreams> {
    return this.nats.request<MonitoringStreams>(Subjects.monitoringStreams, {}, 2_000);
  }
}
