import { Module } from '@nestjs/common';
import { CONFIG, type HostResolver, Jobs, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { ChannelsConfig } from '../config';
import { ChannelLeases } from '../live/channel-lease';
import { LiveQueue } from '../live/live-queue';
import { LiveReconciler } from '../live/reconciler';
import { ChannelSchedules } from '../schedules/channel-schedules';
import { ScheduleWorker } from '../schedules/schedule-worker';
import { PresetsController } from '../presets/presets.controller';
import { PresetsRepository } from '../presets/presets.repository';
import { PresetsService } from '../presets/presets.service';
import { UploadStorage } from '../uploads/upload-storage.repository';
import { UploadsController } from '../uploads/uploads.controller';
import { UploadsRepository } from '../uploads/uploads.repository';
import { UploadsService } from '../uploads/uploads.service';
import { ChannelOperationsController } from './channel-operations.controller';
import { ChannelOperationsService } from './channel-operations.service';
import { ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';
import { SOURCE_RESOLVER, SourcePolicy } from './source-policy';

/** Channel definitions, encoding presets, logo uploads, and start/stop (the `live-channels` queue; workers run FFmpeg). */
@Module({
  controllers: [ChannelsController, ChannelOperationsController, PresetsController, UploadsController],
  providers: [
    ChannelsService, ChannelsRepository, PresetsService, PresetsRepository, UploadsService, UploadsRepository, UploadStorage, LiveQueue, ChannelOperationsService, ChannelSchedules, ScheduleWorker, LiveReconciler, Jobs,
    { provide: ChannelLeases, inject: [REDIS], useFactory: (redis: Redis) => new ChannelLeases(redis, 'channels-service') },
    {
      provide: SourcePolicy,
      inject: [CONFIG, { token: SOURCE_RESOLVER, optional: true }],
      useFactory: (config: ChannelsConfig, resolver?: HostResolver) => new SourcePolicy(config, resolver),
    },
  ],
})
export class ChannelsModule {}
