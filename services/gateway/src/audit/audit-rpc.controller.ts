import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type RecentActivityReply, type RecentActivityRequest, Rpc } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { AuditRepository } from './audit.repository';

/** The gateway owns audit_log; other services (monitoring's recent activity) read its newest entries over NATS. */
@Controller()
export class AuditRpcController {
  constructor(private readonly audit: AuditRepository) {}

  @HandleRpc(Rpc.gateway.auditRecent)
  async recent(@Payload() request: RecentActivityRequest): Promise<RecentActivityReply> {
    return { items: await this.audit.latest(request.limit) };
  }
}
