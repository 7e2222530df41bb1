import { Module } from '@nestjs/common';
import { LiveEventsPublisher } from '../analytics/live-events.publisher';
import { CollectController } from './collect.controller';
import { CollectService } from './collect.service';
import { SitesRepository } from './sites.repository';

/** POST /api/v1/collect: tracker events and server-side sessions. */
@Module({ controllers: [CollectController], providers: [CollectService, SitesRepository, LiveEventsPublisher] })
export class CollectModule {}
