import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadMediaConfig } from './config';
import { MediaStorage } from './storage/media-storage';
import { Probe } from './storage/probe';
import { createTusServer, sweepStaleUploads, TUS_PATH } from './uploads/tus-uploads';
import { TranscodeQueue } from './videos/transcode-queue';
import { VideosRepository } from './videos/videos.repository';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Starts the media service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startMedia(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadMediaConfig(env);
  return bootstrapService(AppModule.forRoot(config), {
    service: 'media',
    config,
    port: config.PORT,
    handleSignals: options.handleSignals,
    configure: async (app) => {
      const storage = app.get(MediaStorage);
      await storage.ensureLayout();
      const videos = app.get(VideosRepository);
      const logger = new Logger('media');
      const tus = createTusServer({ config, storage, videos, probe: new Probe(), queue: app.get(TranscodeQueue), log: (message) => logger.log(message) });
      const fastify = app.getHttpAdapter().getInstance();
      // tus reads the raw request stream itself: Fastify must leave PATCH bodies unread.
      fastify.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
      const handle = async (request: { raw: import('node:http').IncomingMessage }, reply: { hijack(): void; raw: import('node:http').ServerResponse }) => {
        reply.hijack();
        await tus.handle(request.raw, reply.raw);
      };
      fastify.all(TUS_PATH, handle);
      fastify.all(`${TUS_PATH}/*`, handle);
      const sweeper = setInterval(() => void sweepStaleUploads(tus, videos).catch(() => undefined), SWEEP_INTERVAL_MS);
      sweeper.unref();
      fastify.addHook('onClose', async () => clearInterval(sweeper));
    },
  });
}
