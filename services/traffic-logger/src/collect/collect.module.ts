import { Module } from '@nestjs/common';
import { LiveEventsPublisher } from '../analytics/live-events.publisher';
import { SpillModule } from '../spill/spill.module';
import { CollectController } from './collect.controller';
import { CollectService } from './collect.service';
import { SitesRepository } from './sites.repository';

/** POST /api/v1/collect: tracker events and server-side sessions. */
@Module({ imports: [SpillModule], controllers: [CollectController], providers: [CollectService, SitesRepository, LiveEventsPublisher] })
export class CollectModule {}
