import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { AccountsService } from '../accounts/accounts.service';
import { CampaignsService } from './campaigns.service';

@Controller()
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly accounts: AccountsService,
  ) {}

  @HandleRpc(Rpc.campaigns.list)
  list(@Payload() query: RpcParsedRequest<typeof Rpc.campaigns.list>) {
    return this.campaigns.list(query);
  }

  @HandleRpc(Rpc.campaigns.get)
  get(@Payload() request: { id: string }) {
    return this.campaigns.get(request.id);
  }

  @HandleRpc(Rpc.campaigns.create)
  create(@Payload() body: RpcParsedRequest<typeof Rpc.campaigns.create>) {
    return this.campaigns.create(body);
  }

  @HandleRpc(Rpc.campaigns.update)
  update(@Payload() request: RpcParsedRequest<typeof Rpc.campaigns.update>) {
    return this.campaigns.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.campaigns.delete)
  delete(@Payload() request: { id: string }) {
    return this.campaigns.delete(request.id);
  }

  @HandleRpc(Rpc.campaigns.analytics)
  analytics(@Payload() query: RpcParsedRequest<typeof Rpc.campaigns.analytics>) {
    return this.campaigns.analytics(query);
  }

  @HandleRpc(Rpc.campaigns.creatives)
  creatives(@Payload() request: RpcParsedRequest<typeof Rpc.campaigns.creatives>) {
    return this.campaigns.creatives(request);
  }

  @HandleRpc(Rpc.adAccounts.list)
  listAccounts() {
    return this.accounts.list();
  }

  @HandleRpc(Rpc.adAccounts.get)
  getAccount(@Payload() request: { id: string }) {
    return this.accounts.get(request.id);
  }

  @HandleRpc(Rpc.adAccounts.connect)
  connect(@Payload() body: RpcParsedRequest<typeof Rpc.adAccounts.connect>) {
    return this.accounts.connect(body);
  }

  @HandleRpc(Rpc.adAccounts.discover)
  discover(@Payload() request: RpcParsedRequest<typeof Rpc.adAccounts.discover>) {
    return this.accounts.discoverGoogle(request);
  }

  @HandleRpc(Rpc.adAccounts.update)
  updateAccount(@Payload() request: RpcParsedRequest<typeof Rpc.adAccounts.update>) {
    return this.accounts.update(request);
  }

  @HandleRpc(Rpc.adAccounts.pause)
  pause(@Payload() request: { id: string }) {
    return this.accounts.pause(request.id);
  }

  @HandleRpc(Rpc.adAccounts.resume)
  resume(@Payload() request: { id: string }) {
    return this.accounts.resume(request.id);
  }

  @HandleRpc(Rpc.adAccounts.syncNow)
  syncNow(@Payload() request: RpcParsedRequest<typeof Rpc.adAccounts.syncNow>) {
    return this.accounts.syncNow(request);
  }

  @HandleRpc(Rpc.adAccounts.runs)
  runs(@Payload() request: RpcParsedRequest<typeof Rpc.adAccounts.runs>) {
    return this.accounts.runs(request);
  }
}
