import { Controller } from '@nestjs/common';
import { type CheckHistoryRequestSchema, type CreateCheck, Rpc, type RpcRequest } from '@castline/contracts';
import type { z } from 'zod';
import { HandleRpc } from '@castline/platform';
import { Payload } from '@nestjs/microservices';
import { ChecksService } from './checks.service';

@Controller()
export class ChecksController {
  constructor(private readonly checks: ChecksService) {}

  @HandleRpc(Rpc.checks.list)
  list() {
    return this.checks.list();
  }

  @HandleRpc(Rpc.checks.create)
  create(@Payload() body: CreateCheck) {
    return this.checks.create(body);
  }

  @HandleRpc(Rpc.checks.update)
  update(@Payload() request: RpcRequest<typeof Rpc.checks.update>) {
    return this.checks.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.checks.delete)
  delete(@Payload() request: RpcRequest<typeof Rpc.checks.delete>) {
    return this.checks.delete(request.id);
  }

  @HandleRpc(Rpc.checks.history)
  history(@Payload() request: z.infer<typeof CheckHistoryRequestSchema>) {
    return this.checks.history(request.id, request.resolution, request.hours);
  }
}
