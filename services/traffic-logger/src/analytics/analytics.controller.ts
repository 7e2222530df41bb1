import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { AnalyticsService } from './analytics.service';

/** traffic-logger.analytics.*: the gateway's /analytics routes. */
@Controller()
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @HandleRpc(Rpc.analytics.summary)
  summary(@Payload() request: RpcParsedRequest<typeof Rpc.analytics.summary>) {
    return this.analytics.summary(request);
  }

  @HandleRpc(Rpc.analytics.series)
  series(@Payload() request: RpcParsedRequest<typeof Rpc.analytics.series>) {
    return this.analytics.series(request);
  }

  @HandleRpc(Rpc.analytics.top)
  top(@Payload() request: RpcParsedRequest<typeof Rpc.analytics.top>) {
    return this.analytics.top(request);
  }

  @HandleRpc(Rpc.analytics.live)
  live(@Payload() request: RpcParsedRequest<typeof Rpc.analytics.live>) {
    return this.analytics.live(request);
  }

  @HandleRpc(Rpc.analytics.channelViewers)
  channelViewers(@Payload() request: RpcParsedRequest<typeof Rpc.analytics.channelViewers>) {
    return this.analytics.channelViewers(request);
  }
}
