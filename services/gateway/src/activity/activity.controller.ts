import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type RecentActivityReply, Subjects } from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import { z } from 'zod';
import { RequirePermission } from '../auth/decorators';
import { ApiZodQuery } from '../common/api-docs';

const ActivityQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
type ActivityQuery = z.infer<typeof ActivityQuerySchema>;

/** Recent activity for the overview page, answered by the monitoring service over NATS. */
@ApiTags('activity')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('activity')
export class ActivityController {
  constructor(private readonly nats: NatsClient) {}

  @Get()
  @RequirePermission('activity:read')
  @ApiOperation({ summary: 'Latest audit entries (who did what), newest first' })
  @ApiZodQuery(ActivityQuerySchema)
  recent(@Query(new ZodValidationPipe(ActivityQuerySchema)) query: ActivityQuery): Promise<RecentActivityReply> {
    return this.nats.request<RecentActivityReply>(Subjects.monitoringRecentActivity, { limit: query.limit });
  }
}
