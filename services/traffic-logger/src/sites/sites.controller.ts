import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { SitesService } from './sites.service';

@Controller()
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @HandleRpc(Rpc.sites.list)
  list() {
    return this.sites.list();
  }

  @HandleRpc(Rpc.sites.get)
  get(@Payload() request: RpcParsedRequest<typeof Rpc.sites.get>) {
    return this.sites.get(request.id);
  }

  @HandleRpc(Rpc.sites.create)
  create(@Payload() request: RpcParsedRequest<typeof Rpc.sites.create>) {
    return this.sites.create(request);
  }

  @HandleRpc(Rpc.sites.update)
  update(@Payload() request: RpcParsedRequest<typeof Rpc.sites.update>) {
    return this.sites.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.sites.delete)
  delete(@Payload() request: RpcParsedRequest<typeof Rpc.sites.delete>) {
    return this.sites.delete(request.id);
  }
}
