import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type RecentActivityReply, type RecentActivityRequest, Rpc } from '@castline/contracts';
import { HandleRpc, NatsClient } from '@castline/platform';

/** Recent activity for the overview: the gateway owns the audit log, so it is asked over NATS. */
@Controller()
export class ActivityController {
  constructor(private readonly nats: NatsClient) {}

  @HandleRpc(Rpc.monitoring.recentActivity)
  recent(@Payload() request: RecentActivityRequest): Promise<RecentActivityReply> {
    return this.nats.call(Rpc.gateway.auditRecent, { limit: request.limit });
  }
}
