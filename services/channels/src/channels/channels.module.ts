import { Module } from '@nestjs/common';
import { LiveQueue } from '../live/live-queue';
import { PresetsController } from '../presets/presets.controller';
import { PresetsRepository } from '../presets/presets.repository';
import { PresetsService } from '../presets/presets.service';
import { UploadStorage } from '../uploads/upload-storage.repository';
import { UploadsController } from '../uploads/uploads.controller';
import { UploadsRepository } from '../uploads/uploads.repository';
import { UploadsService } from '../uploads/uploads.service';
import { ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';

/** Channel definitions, encoding presets, logo uploads, and start/stop (the `live-channels` queue; workers run FFmpeg). */
@Module({
  controllers: [ChannelsController, PresetsController, UploadsController],
  providers: [ChannelsService, ChannelsRepository, PresetsService, PresetsRepository, UploadsService, UploadsRepository, UploadStorage, LiveQueue],
})
export class ChannelsModule {}
