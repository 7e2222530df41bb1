import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Subjects, type SystemMetrics, SystemMetricsSchema } from '@castline/contracts';
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
}
