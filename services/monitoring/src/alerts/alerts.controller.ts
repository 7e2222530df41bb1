import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AckAlertSchema,
  type AlertmanagerWebhook,
  type CreateMaintenanceWindowSchema,
  type CreateReceiver,
  type CreateRule,
  type CreateSilenceSchema,
  type IdSchema,
  type ListAlertsSchema,
  type ListNotificationsSchema,
  type MarkNotificationsSchema,
  Rpc,
  type ReceiverDeliveriesRequestSchema,
  type TestReceiverSchema,
  type UpdateReceiverRequestSchema,
  type UpdateRuleRequestSchema,
} from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import type { z } from 'zod';
import { AlertmanagerIntake } from './alertmanager.intake';
import { AlertsService } from './alerts.service';
import { NotificationsService } from './notifications.service';

type Id = z.infer<typeof IdSchema>;

@Controller()
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly notifications: NotificationsService,
    private readonly intake: AlertmanagerIntake,
  ) {}

  @HandleRpc(Rpc.notifications.list)
  listNotifications(@Payload() request: z.infer<typeof ListNotificationsSchema>) {
    return this.notifications.list(request.userId, request.limit, request.unreadOnly);
  }

  @HandleRpc(Rpc.notifications.read)
  markRead(@Payload() request: z.infer<typeof MarkNotificationsSchema>) {
    return this.notifications.markRead(request.userId, request.ids, request.all);
  }

  @HandleRpc(Rpc.receivers.list)
  listReceivers() {
    return this.alerts.listReceivers();
  }

  @HandleRpc(Rpc.receivers.create)
  createReceiver(@Payload() body: CreateReceiver) {
    return this.alerts.createReceiver(body);
  }

  @HandleRpc(Rpc.receivers.deliveries)
  deliveries(@Payload() request: z.infer<typeof ReceiverDeliveriesRequestSchema>) {
    return this.alerts.deliveries(request.id, request.limit);
  }

  @HandleRpc(Rpc.receivers.update)
  updateReceiver(@Payload() request: z.infer<typeof UpdateReceiverRequestSchema>) {
    return this.alerts.updateReceiver(request);
  }

  @HandleRpc(Rpc.receivers.delete)
  deleteReceiver(@Payload() request: Id) {
    return this.alerts.deleteReceiver(request.id);
  }

  @HandleRpc(Rpc.receivers.test)
  testReceiver(@Payload() request: z.infer<typeof TestReceiverSchema>) {
    return this.alerts.testReceiver(request);
  }

  @HandleRpc(Rpc.rules.list)
  listRules() {
    return this.alerts.listRules();
  }

  @HandleRpc(Rpc.rules.create)
  createRule(@Payload() body: CreateRule) {
    return this.alerts.createRule(body);
  }

  @HandleRpc(Rpc.rules.update)
  updateRule(@Payload() request: z.infer<typeof UpdateRuleRequestSchema>) {
    return this.alerts.updateRule(request);
  }

  @HandleRpc(Rpc.rules.delete)
  deleteRule(@Payload() request: Id) {
    return this.alerts.deleteRule(request.id);
  }

  @HandleRpc(Rpc.alerts.list)
  listAlerts(@Payload() request: z.infer<typeof ListAlertsSchema>) {
    return this.alerts.listAlerts(request);
  }

  @HandleRpc(Rpc.alerts.alertmanager)
  alertmanager(@Payload() payload: AlertmanagerWebhook) {
    return this.intake.receive(payload);
  }

  @HandleRpc(Rpc.alerts.ack)
  ack(@Payload() request: z.infer<typeof AckAlertSchema>) {
    return this.alerts.ack(request);
  }

  @HandleRpc(Rpc.silences.list)
  listSilences() {
    return this.alerts.listSilences();
  }

  @HandleRpc(Rpc.silences.create)
  createSilence(@Payload() body: z.infer<typeof CreateSilenceSchema>) {
    return this.alerts.createSilence(body);
  }

  @HandleRpc(Rpc.silences.delete)
  deleteSilence(@Payload() request: Id) {
    return this.alerts.deleteSilence(request.id);
  }

  @HandleRpc(Rpc.maintenance.list)
  listWindows() {
    return this.alerts.listWindows();
  }

  @HandleRpc(Rpc.maintenance.create)
  createWindow(@Payload() body: z.infer<typeof CreateMaintenanceWindowSchema>) {
    return this.alerts.createWindow(body);
  }

  @HandleRpc(Rpc.maintenance.delete)
  deleteWindow(@Payload() request: Id) {
    return this.alerts.deleteWindow(request.id);
  }
}
