import { Module } from '@nestjs/common';
import { CONFIG, Jobs, SecretBox } from '@castline/platform';
import { ChecksModule } from '../checks/checks.module';
import type { MonitoringConfig } from '../config';
import { SystemModule } from '../system/system.module';
import { AlertmanagerIntake } from './alertmanager.intake';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { ChannelEventsIngest } from './channel-events.ingest';
import { DeliveryWorker } from './delivery.worker';
import { EvaluationRepository } from './evaluation.repository';
import { AlertEvaluator } from './evaluator.service';
import { NotificationsService } from './notifications.service';
import { OutboxDispatcher } from './outbox-dispatcher';
import { ReceiverSender } from './receiver-sender';
import { AlertSources } from './rule-sources';

@Module({
  imports: [ChecksModule, SystemModule],
  controllers: [AlertsController],
  providers: [
    { provide: SecretBox, inject: [CONFIG], useFactory: (config: MonitoringConfig) => new SecretBox(config.SECRETS_ENCRYPTION_KEY, config.SECRETS_ENCRYPTION_KEYS_OLD) },
    Jobs,
    AlertsRepository,
    AlertsService,
    AlertmanagerIntake,
    EvaluationRepository,
    AlertSources,
    ChannelEventsIngest,
    AlertEvaluator,
    OutboxDispatcher,
    DeliveryWorker,
    ReceiverSender,
    NotificationsService,
  ],
})
export class AlertsModule {}
