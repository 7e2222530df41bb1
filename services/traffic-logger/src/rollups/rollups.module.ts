import { Module } from '@nestjs/common';
import { Jobs } from '@castline/platform';
import { RollupsWorker } from './rollups.worker';

/** Analytics rollups of tracker events (the traffic-rollups queue). */
@Module({ providers: [RollupsWorker, Jobs] })
export class RollupsModule {}
