import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RecentActivityReply, type RecentActivityRequest, RecentActivityRequestSchema, Subjects } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { ActivityRepository } from './activity.repository';

@Controller()
export class ActivityController {
  constructor(private readonly activity: ActivityRepository) {}

  @MessagePattern(Subjects.monitoringRecentActivity)
  async recent(
    @Payload(new ZodValidationPipe(RecentActivityRequestSchema)) request: RecentActivityRequest,
  ): Promise<RecentActivityReply> {
    return { items: await this.activity.latest(request.limit) };
  }
}
