import { Module } from '@nestjs/common';
import { CONFIG, Jobs, SecretBox } from '@castline/platform';
import { ChecksModule } from '../checks/checks.module';
import type { MonitoringConfig } from '../config';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { DeliveryWorker } from './delivery.worker';
import { OutboxDispatcher } from './outbox-dispatcher';

@Module({
  imports: [ChecksModule],
  controllers: [AlertsController],
  providers: [
    { provide: SecretBox, inject: [CONFIG], useFactory: (config: MonitoringConfig) => new SecretBox(config.SECRETS_ENCRYPTION_KEY, config.SECRETS_ENCRYPTION_KEYS_OLD) },
    Jobs,
    AlertsRepository,
    AlertsService,
    OutboxDispatcher,
    DeliveryWorker,
  ],
})
export class AlertsModule {}
