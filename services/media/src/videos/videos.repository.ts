import { createPrismaClient, type Prisma, type PrismaClient, type Video, type VideoVersion } from '@castline/db';
import { type VideoProgress, type VideoStatus } from '@castline/contracts';

export type VideoWithVersions = Video & { versions: VideoVersion[] };

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
    return this.prisma.video.findUnique({ where: { id }, include: { versions: { orderBy: [{ kind: 'asc' }, { height: 'desc' }] } } });
  }

  async page(query: { page: number; pageSize: number; status?: VideoStatus; q?: string }): Promise<{ items: VideoWithVersions[]; total: number }> {
    const where: Prisma.VideoWhereInput = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.q ? { title: { contains: query.q, mode: 'insensitive' as const } } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.video.findMany({
        where,
        include: { versions: { orderBy: [{ kind: 'asc' }, { height: 'desc' }] } },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      this.prisma.video.count({ where }),
    ]);
    return { items, total };
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

  ping(): Promise<unknown> {
    return this.prisma.$queryRaw`SELECT 1`;
  }

  close(): Promise<void> {
    return this.prisma.$disconnect();
  }
}
