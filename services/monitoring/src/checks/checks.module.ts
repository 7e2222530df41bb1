import { Module } from '@nestjs/common';
import { CONFIG, NetworkGuard } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { CheckProbes } from './check-probes';
import { CheckScheduler } from './check-scheduler.service';
import { ChecksController } from './checks.controller';
import { ChecksRepository } from './checks.repository';
import { ChecksService } from './checks.service';
import { GuardedHttp } from './guarded-http';

/** The SSRF guard of checks and webhooks: ALERTS_ALLOWED_TARGETS (CIDRs and host names), unicast only. */
export const guardedHttpProvider = {
  provide: GuardedHttp,
  inject: [CONFIG],
  useFactory: (config: MonitoringConfig) =>
    new GuardedHttp(new NetworkGuard(config.ALERTS_ALLOWED_TARGETS, undefined, { variable: 'ALERTS_ALLOWED_TARGETS', hostNames: true, unicastOnly: true })),
};

@Module({
  controllers: [ChecksController],
  providers: [guardedHttpProvider, CheckProbes, ChecksRepository, CheckScheduler, ChecksService],
  exports: [CheckScheduler, GuardedHttp],
})
export class ChecksModule {}
