import { Module } from '@nestjs/common';
import { Jobs } from '@castline/platform';
import { MaintenanceWorker } from './maintenance.worker';

/** Daily partitions and retention of traffic storage (the traffic-maintenance queue). */
@Module({ providers: [MaintenanceWorker, Jobs] })
export class MaintenanceModule {}
