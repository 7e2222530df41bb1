import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { ConversionsService } from './conversions.service';
import { TrackingService } from './tracking.service';

/** Tracking links and s2s conversions over NATS (what the gateway forwards). */
@Controller()
export class LinksController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly conversions: ConversionsService,
  ) {}

  @HandleRpc(Rpc.trackingLinks.list)
  list() {
    return this.tracking.links();
  }

  @HandleRpc(Rpc.trackingLinks.create)
  create(@Payload() body: RpcParsedRequest<typeof Rpc.trackingLinks.create>) {
    return this.tracking.createLink(body);
  }

  @HandleRpc(Rpc.trackingLinks.delete)
  delete(@Payload() request: { id: string }) {
    return this.tracking.deleteLink(request.id);
  }

  @HandleRpc(Rpc.conversions.record)
  record(@Payload() body: RpcParsedRequest<typeof Rpc.conversions.record>) {
    return this.conversions.record({ ...body, source: 's2s' });
  }
}
