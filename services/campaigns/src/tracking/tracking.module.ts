import { Module } from '@nestjs/common';
import { ConversionsService } from './conversions.service';
import { LinksController } from './links.controller';
import { TrackingController } from './tracking.controller';
import { TrackingRepository } from './tracking.repository';
import { TrackingService } from './tracking.service';

/** Click and conversion tracking: /r/<code>, /px.gif, links, s2s conversions and their attribution. */
@Module({
  controllers: [TrackingController, LinksController],
  providers: [TrackingService, ConversionsService, TrackingRepository],
})
export class TrackingModule {}
