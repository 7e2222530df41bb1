import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Rpc, type VideoView } from '@castline/contracts';
import { AppError, NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RequirePermission } from '../auth/decorators';

/** The internal nginx location over MEDIA_ROOT (routes.conf); only these two kinds of file can be named in it. */
export const MEDIA_FILES_LOCATION = '/_media_files/';

const DownloadQuerySchema = z.object({ file: z.enum(['mp4', 'original']).default('mp4') });
const idPipe = new ZodValidationPipe(z.uuid());
const queryPipe = new ZodValidationPipe(DownloadQuerySchema);

/**
 * Download of a video's MP4 (the faststart remux of its top rung) or its original: the gateway checks the caller
 * (media:read: every role sees the whole library, private or not) and the video, then answers X-Accel-Redirect
 * to nginx's internal location over MEDIA_ROOT. Node never streams the bytes; nginx sends the file (sendfile,
 * ranges) with the Content-Disposition set here.
 */
@ApiTags('media')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('media/videos')
export class MediaDownloadController {
  constructor(@Inject(NatsClient) private readonly nats: NatsClient) {}

  @Get(':id/download')
  @RequirePermission('media:read')
  @ApiQuery({ name: 'file', enum: ['mp4', 'original'], required: false })
  @ApiOperation({ summary: 'Download the MP4 (default) or the original; nginx sends the file (X-Accel-Redirect)' })
  async download(@Param('id') rawId: unknown, @Query() rawQuery: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const id = idPipe.transform(rawId) as string;
    const { file } = queryPipe.transform(rawQuery) as z.output<typeof DownloadQuerySchema>;
    const video = await this.nats.call(Rpc.media.get, { id });
    const target = downloadTarget(video, file);
    void reply
      .header('X-Accel-Redirect', target.internalPath)
      .header('Content-Disposition', contentDisposition(target.filename))
      .header('Content-Type', target.contentType)
      .header('Cache-Control', 'private, no-store');
  }
}

export function downloadTarget(video: VideoView, file: 'mp4' | 'original'): { internalPath: string; filename: string; contentType: string } {
  if (file === 'original') {
    // The original exists from the end of the upload on; rejected uploads keep nothing.
    if (['uploading', 'probing', 'rejected'].includes(video.status)) throw AppError.conflict(`video ${video.id} has no original to download (${video.status})`);
    return { internalPath: `${MEDIA_FILES_LOCATION}originals/${video.id}`, filename: video.originalFilename, contentType: 'application/octet-stream' };
  }
  const mp4 = video.versions.find((version) => version.kind === 'mp4' && version.status === 'ready');
  if (video.status !== 'ready' || !mp4) throw AppError.conflict(`video ${video.id} is not ready (${video.status})`);
  const dir = video.visibility === 'private' ? `vod/_private/${video.id}` : `vod/${video.id}`;
  return { internalPath: `${MEDIA_FILES_LOCATION}${dir}/download.mp4`, filename: `${baseName(video.title)}.mp4`, contentType: 'video/mp4' };
}

const baseName = (title: string) => title.replace(/\.mp4$/i, '') || 'video';

/** RFC 6266: an ASCII fallback (quotes, backslashes and control characters replaced) and the UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 150) || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
