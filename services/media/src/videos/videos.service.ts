import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { MediaConfig } from '../config';
import type { EmbedConfig, RpcParsedRequest, Rpc, VideoView } from '@castline/contracts';
import { AppError } from '@castline/platform';
import { MediaStorage } from '../storage/media-storage';
import { TranscodeQueue } from './transcode-queue';
import { embedConfigOf, toAnalyticsDay, toVideoView } from './video.view';
import { VideosRepository } from './videos.repository';

/** Days of playback aggregates in one video's view. */
const ANALYTICS_DAYS = 30;

/** The library: list, one video, title/visibility, delete (cancel first, then rows and every file), reprocess. */
@Injectable()
export class VideosService {
  constructor(
    @Inject(VideosRepository) private readonly videos: VideosRepository,
    @Inject(MediaStorage) private readonly storage: MediaStorage,
    @Inject(TranscodeQueue) private readonly queue: TranscodeQueue,
    @Inject(CONFIG) private readonly config: MediaConfig,
  ) {}

  private get signing() {
    return { secret: this.config.PLAYBACK_SIGNING_SECRET, ttlSeconds: this.config.PLAYBACK_URL_TTL_SECONDS };
  }

  async list(query: RpcParsedRequest<typeof Rpc.media.list>) {
    const { items, total } = await this.videos.page(query);
    return { items: items.map((video) => toVideoView(video, this.signing)), total, page: query.page, pageSize: query.pageSize };
  }

  /** One video with its versions, embed configuration and the last 30 days of playback aggregates. */
  async get(id: string): Promise<VideoView> {
    const video = await this.videos.find(id);
    if (!video) throw AppError.notFound(`Video ${id}`);
    return { ...toVideoView(video, this.signing), analytics: (await this.videos.analytics(id, ANALYTICS_DAYS)).map(toAnalyticsDay) };
  }

  async update(id: string, changes: { title?: string; visibility?: 'public' | 'private'; embed?: Partial<EmbedConfig> }): Promise<VideoView> {
    const before = await this.videos.find(id);
    if (!before) throw AppError.notFound(`Video ${id}`);
    const { embed, ...fields } = changes;
    if (fields.title !== undefined || fields.visibility !== undefined) await this.videos.update(id, fields);
    if (embed) await this.videos.updateEmbed(id, { ...embedConfigOf(before), ...embed });
    if (fields.visibility && fields.visibility !== before.visibility) await this.storage.moveVod(id, fields.visibility);
    return this.get(id);
  }

  /**
   * Cancels a running transcode (the worker sees `cancelled` within a second and stops FFmpeg), removes a
   * queued job, then the rows and every file of the video.
   */
  async delete(id: string): Promise<{ deleted: true }> {
    await this.get(id);
    await this.videos.transition(id, ['uploading', 'probing', 'queued', 'transcoding'], { status: 'cancelled' });
    await this.queue.remove(id);
    await this.videos.delete(id);
    await this.storage.removeAll(id);
    return { deleted: true };
  }

  /** A ready, failed or cancelled video is transcoded again from its original (the served output stays until the new one replaces it). */
  async reprocess(id: string): Promise<VideoView> {
    await this.get(id);
    const moved = await this.videos.transition(id, ['ready', 'failed', 'cancelled'], { status: 'queued', progress: 0, errorCode: null, errorMessage: null });
    if (!moved) throw AppError.conflict('Only a ready, failed or cancelled video can be processed again');
    await this.queue.enqueue(id);
    return this.get(id);
  }
}
