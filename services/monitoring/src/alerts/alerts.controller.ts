import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CreateReceiver, Rpc, type ReceiverDeliveriesRequestSchema } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import type { z } from 'zod';
import { AlertsService } from './alerts.service';

@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @HandleRpc(Rpc.receivers.list)
  list() {
    return this.alerts.listReceivers();
  }

  @HandleRpc(Rpc.receivers.create)
  create(@Payload() body: CreateReceiver) {
    return this.alerts.createReceiver(body);
  }

  @HandleRpc(Rpc.receivers.deliveries)
  deliveries(@Payload() request: z.infer<typeof ReceiverDeliveriesRequestSchema>) {
    return this.alerts.deliveries(request.id, request.limit);
  }
}
