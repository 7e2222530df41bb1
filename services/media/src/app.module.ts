import { type DynamicModule, Module } from '@nestjs/common';
import { Events } from '@castline/contracts';
import { EventBus, Jobs, PlatformModule, PrismaService } from '@castline/platform';
import type { MediaConfig } from './config';
import { PlaybackController } from './playback/playback.controller';
import { PlaybackService } from './playback/playback.service';
import { MediaStorage } from './storage/media-storage';
import { TranscodeQueue } from './videos/transcode-queue';
import { VideosController } from './videos/videos.controller';
import { VideosRepository } from './videos/videos.repository';
import { VideosService } from './videos/videos.service';

@Module({})
export class AppModule {
  static forRoot(config: MediaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'media', config, uses: { postgres: true, redis: true } })],
      controllers: [VideosController, PlaybackController],
      providers: [
        VideosService,
        PlaybackService,
        { provide: MediaStorage, useFactory: () => new MediaStorage(config.MEDIA_ROOT) },
        {
          provide: VideosRepository,
          inject: [PrismaService, EventBus],
          useFactory: (prisma: PrismaService, bus: EventBus) =>
            new VideosRepository(prisma, { publish: (progress) => bus.publish(Events.mediaVideoProgress, progress) }),
        },
        { provide: Jobs, useFactory: () => new Jobs(config) },
        { provide: TranscodeQueue, inject: [Jobs], useFactory: (jobs: Jobs) => new TranscodeQueue(jobs) },
      ],
    };
  }
}
