import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { SearchService } from './search.service';

/** traffic-logger.search.*: the gateway's /api/v1/traffic routes (the caller's owner id and traffic:ip travel along). */
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @HandleRpc(Rpc.trafficSearch.run)
  run(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.run>) {
    return this.search.search(request);
  }

  @HandleRpc(Rpc.trafficSearch.journey)
  journey(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.journey>) {
    return this.search.journey(request.id);
  }

  @HandleRpc(Rpc.trafficSearch.savedList)
  savedList(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.savedList>) {
    return this.search.savedList(request.caller.owner);
  }

  @HandleRpc(Rpc.trafficSearch.savedCreate)
  savedCreate(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.savedCreate>) {
    return this.search.saveSearch(request);
  }

  @HandleRpc(Rpc.trafficSearch.savedDelete)
  savedDelete(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.savedDelete>) {
    return this.search.deleteSaved(request.id, request.caller.owner);
  }

  @HandleRpc(Rpc.trafficSearch.history)
  history(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.history>) {
    return this.search.history(request.caller.owner);
  }

  @HandleRpc(Rpc.trafficSearch.historyClear)
  historyClear(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.historyClear>) {
    return this.search.clearHistory(request.caller.owner);
  }

  @HandleRpc(Rpc.trafficSearch.exportTicket)
  exportTicket(@Payload() request: RpcParsedRequest<typeof Rpc.trafficSearch.exportTicket>) {
    return this.search.exportTicket(request);
  }
}
