import { Module } from '@nestjs/common';
import { Jobs } from '@castline/platform';
import { AccountCredentialsBox } from '../accounts/account-credentials';
import { PlatformClients } from '../platforms/platform-clients';
import { AdSyncService } from './ad-sync.service';
import { AdSyncJobs, AdSyncWorker } from './ad-sync.worker';
import { MetricsRepository } from './metrics.repository';
import { SyncStateRepository } from './sync-state.repository';

/** The `ad-sync` queue: producers (schedulers, backfill, sync now) and the worker inside this service. */
@Module({
  providers: [Jobs, AccountCredentialsBox, PlatformClients, MetricsRepository, SyncStateRepository, AdSyncService, AdSyncJobs, AdSyncWorker],
  exports: [Jobs, AccountCredentialsBox, PlatformClients, AdSyncService, AdSyncJobs, SyncStateRepository],
})
export class SyncModule {}
