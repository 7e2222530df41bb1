import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ApiMetricsQuerySchema, type ListLogs, type LogIdSchema, Rpc } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import type { z } from 'zod';
import { ApiMetricsService } from './api-metrics.service';
import { LogsService } from './logs.service';

@Controller()
export class LogsController {
  constructor(
    private readonly logs: LogsService,
    private readonly apiMetrics: ApiMetricsService,
  ) {}

  @HandleRpc(Rpc.logs.list)
  list(@Payload() query: ListLogs) {
    return this.logs.list(query);
  }

  @HandleRpc(Rpc.logs.get)
  get(@Payload() request: z.infer<typeof LogIdSchema>) {
    return this.logs.get(request.id);
  }

  @HandleRpc(Rpc.apiMetrics.query)
  metrics(@Payload() query: z.infer<typeof ApiMetricsQuerySchema>) {
    return this.apiMetrics.query(query);
  }
}
