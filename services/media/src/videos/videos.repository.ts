import { createPrismaClient, type Prisma, type PrismaClient, type Video, type VideoAnalytics, type VideoPage, type VideoVersion } from '@castline/db';
import { type EmbedConfig, type MediaPlaybackEvent, type VideoProgress, type VideoStatus } from '@castline/contracts';

export type VideoWithVersions = Video & { versions: VideoVersion[]; pages: VideoPage[] };

const WITH_VERSIONS = { versions: { orderBy: [{ kind: 'asc' as const }, { height: 'desc' as const }] }, pages: { orderBy: { createdAt: 'asc' as const }, take: 1 } };

export interface ProgressPublisher {
  publish(progress: VideoProgress): void;
}

/**
 * Every touch of the media tables (videos, video_versions; owner: media) by the service and its worker.
 * Status changes are announced on media.videos.progress through the given publisher.
 */
export class VideosRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events?: ProgressPublisher,
  ) {}

  static connect(databaseUrl: string, events?: ProgressPublisher): VideosRepository {
    return new VideosRepository(createPrismaClient(databaseUrl), events);
  }

  create(data: Prisma.VideoCreateInput): Promise<Video> {
    return this.prisma.video.create({ data });
  }

  find(id: string): Promise<VideoWithVersions | null> {
    return this.prisma.video.findUnique({ where: { id }, include: WITH_VERSIONS });
  }

  async page(query: { page: number; pageSize: number; status?: VideoStatus; q?: string }): Promise<{ items: VideoWithVersions[]; total: number }> {
    const where: Prisma.VideoWhereInput = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.q ? { title: { contains: query.q, mode: 'insensitive' as const } } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.video.findMany({
        where,
        include: WITH_VERSIONS,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      this.prisma.video.count({ where }),
    ]);
    return { items, total };
  }

  /** Only what decides who may frame the video's embed page (asked on every embed page view). */
  framing(id: string): Promise<{ visibility: Video['visibility']; pages: Array<{ allowedOrigins: string[] }> } | null> {
    return this.prisma.video.findUnique({
      where: { id },
      select: { visibility: true, pages: { orderBy: { createdAt: 'asc' }, take: 1, select: { allowedOrigins: true } } },
    });
  }

  async status(id: string): Promise<VideoStatus | null> {
    return (await this.prisma.video.findUnique({ where: { id }, select: { status: true } }))?.status ?? null;
  }

  /** Writes the change and announces the video's new status/progress. */
  async update(id: string, data: Prisma.VideoUpdateInput): Promise<Video> {
    const video = await this.prisma.video.update({ where: { id }, data });
    this.events?.publish({ videoId: id, status: video.status, progress: video.progress, errorCode: video.errorCode });
    return video;
  }

  /**
   * Moves a video to `to` only while it is in one of `from` (e.g. never un-cancel): true when it moved.
   * The worker uses it so a cancel or delete that lands mid-transcode wins.
   */
  async transition(id: string, from: VideoStatus[], data: Prisma.VideoUpdateInput & { status: VideoStatus }): Promise<boolean> {
    const { count } = await this.prisma.video.updateMany({ where: { id, status: { in: from } }, data: data as Prisma.VideoUpdateManyMutationInput });
    if (count > 0) {
      const video = await this.prisma.video.findUnique({ where: { id } });
      if (video) this.events?.publish({ videoId: id, status: video.status, progress: video.progress, errorCode: video.errorCode });
    }
    return count > 0;
  }

  /** Next attempt number (1, 2, ...): names the work directory of this try. */
  async nextAttempt(id: string): Promise<number> {
    const video = await this.prisma.video.update({ where: { id }, data: { attempts: { increment: 1 } }, select: { attempts: true } });
    return video.attempts;
  }

  async replaceVersions(id: string, versions: Array<Omit<Prisma.VideoVersionCreateManyInput, 'videoId'>>): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.videoVersion.deleteMany({ where: { videoId: id } }),
      this.prisma.videoVersion.createMany({ data: versions.map((version) => ({ ...version, videoId: id })) }),
    ]);
  }

  /** Deletes the rows of uploads that stayed `uploading` since before `before` (their files are swept by tus). */
  async deleteStaleUploads(before: Date): Promise<number> {
    const { count } = await this.prisma.video.deleteMany({ where: { status: 'uploading', updatedAt: { lt: before } } });
    return count;
  }

  async delete(id: string): Promise<void> {
    await this.prisma.video.deleteMany({ where: { id } });
  }

  /** The video's embed configuration (its first video_pages row), created on the first change. */
  async updateEmbed(id: string, config: EmbedConfig): Promise<void> {
    const existing = await this.prisma.videoPage.findFirst({ where: { videoId: id }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    if (existing) await this.prisma.videoPage.update({ where: { id: existing.id }, data: config });
    else await this.prisma.videoPage.create({ data: { videoId: id, ...config } });
  }

  /** Daily aggregates of the last `days` days (UTC), oldest first. */
  analytics(id: string, days: number, now = new Date()): Promise<VideoAnalytics[]> {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days + 1));
    return this.prisma.videoAnalytics.findMany({ where: { videoId: id, day: { gte: from } }, orderBy: { day: 'asc' } });
  }

  /**
   * Adds one accepted player event to its video's row of `day` in one statement (concurrent events add up):
   * play -> plays (+ a unique viewer when `newViewer`), progress -> watch seconds and the rendition's seconds,
   * complete -> completions. A quality switch changes no counter (the mix comes from progress seconds).
   */
  async addPlayback(event: MediaPlaybackEvent, day: Date, newViewer: boolean): Promise<void> {
    const plays = event.name === 'media.play' ? 1 : 0;
    const viewers = plays && newViewer ? 1 : 0;
    const watched = event.name === 'media.progress' ? (event.watched ?? 0) : 0;
    const completions = event.name === 'media.complete' ? 1 : 0;
    const quality = watched > 0 && event.rendition ? JSON.stringify({ [event.rendition]: watched }) : '{}';
    const rendition = event.rendition ?? '';
    await this.prisma.$executeRaw`
      INSERT INTO video_analytics (video_id, day, plays, unique_viewers, watch_seconds, completions, quality_seconds)
      VALUES (${event.video}::uuid, ${day}::date, ${plays}, ${viewers}, ${watched}, ${completions}, ${quality}::jsonb)
      ON CONFLICT (video_id, day) DO UPDATE SET
        plays = video_analytics.plays + EXCLUDED.plays,
        unique_viewers = video_analytics.unique_viewers + EXCLUDED.unique_viewers,
        watch_seconds = video_analytics.watch_seconds + EXCLUDED.watch_seconds,
        completions = video_analytics.completions + EXCLUDED.completions,
        quality_seconds = CASE WHEN EXCLUDED.quality_seconds = '{}'::jsonb THEN video_analytics.quality_seconds
          ELSE video_analytics.quality_seconds || jsonb_build_object(${rendition}::text,
            COALESCE((video_analytics.quality_seconds ->> ${rendition}::text)::float8, 0) + ${watched}::float8) END`;
  }

  ping(): Promise<unknown> {
    return this.prisma.$queryRaw`SELECT 1`;
  }

  close(): Promise<void> {
    return this.prisma.$disconnect();
  }
}
