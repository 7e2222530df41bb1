import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { type EmbedPlayback, ErrorCodes, type MediaPlaybackEvent, MediaPlaybackEventSchema } from '@castline/contracts';
import { AppError, CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { MediaConfig } from '../config';
import { embedConfigOf, playbackBase } from '../videos/video.view';
import { VideosRepository } from '../videos/videos.repository';

/** Signed URLs handed to an embed of a private video live this long (the player loads the playlist at once). */
export const EMBED_URL_TTL_SECONDS = 600;
/** Bodies above this are refused before parsing. */
export const PLAYBACK_EVENT_MAX_BYTES = 2048;
/** Unique-viewer sets live a little longer than their UTC day. */
const VIEWERS_TTL_SECONDS = 2 * 24 * 3600;

/**
 * The public side of the library: what /embed/<id> plays, and the player's events aggregated into
 * video_analytics (per video and UTC day). Unique viewers: a Redis set per video and day of the player's
 * random viewer id; nothing identifying (no IP, no cookie) is stored.
 */
@Injectable()
export class PlaybackService {
  constructor(
    @Inject(VideosRepository) private readonly videos: VideosRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: MediaConfig,
  ) {}

  /**
   * A ready video's playlist and options. A private one only for a parent origin in its embed configuration,
   * and then with a short-lived signed URL; browsers enforce the framing itself (CSP frame-ancestors).
   */
  async embed(id: string, parentOrigin: string | undefined): Promise<EmbedPlayback> {
    const video = await this.videos.find(id);
    if (!video || video.status !== 'ready') throw AppError.notFound(`Video ${id}`);
    const config = embedConfigOf(video);
    if (video.visibility === 'private' && (!parentOrigin || !config.allowedOrigins.includes(parentOrigin))) {
      throw new AppError(ErrorCodes.originNotAllowed, `This video may not be embedded on ${parentOrigin ?? 'this page'}`, HttpStatus.FORBIDDEN);
    }
    const base = playbackBase(video, { secret: this.config.PLAYBACK_SIGNING_SECRET, ttlSeconds: EMBED_URL_TTL_SECONDS });
    if (!base) throw AppError.notFound(`Video ${id}`);
    return {
      id: video.id,
      title: video.title,
      durationSeconds: video.durationSeconds,
      playlistUrl: `${base}index.m3u8`,
      posterUrl: video.versions.some((version) => version.kind === 'poster') ? `${base}poster.jpg` : null,
      autoplay: config.autoplay,
      loop: config.loop,
      controls: config.controls,
      muted: config.muted,
    };
  }

  /**
   * Who may frame /embed/<id> (nginx asks before serving the page; its answer becomes the page's CSP
   * frame-ancestors): a private video only its configured origins (and the platform itself), so a browser refuses
   * to show it framed anywhere else; a public, unknown or unplayable one null, i.e. MEDIA_EMBED_ANCESTORS.
   */
  async embedAncestors(id: string): Promise<string | null> {
    const video = await this.videos.framing(id);
    if (!video || video.visibility !== 'private') return null;
    return ["'self'", ...(video.pages[0]?.allowedOrigins ?? [])].join(' ');
  }

  /** One player event: 413 too large, 400 INVALID_PAYLOAD, 404 unknown or unplayable video; else added to today's row. */
  async collect(body: unknown, contentLength: number, now = new Date()): Promise<void> {
    const event = parseEvent(body, contentLength);
    const status = await this.videos.status(event.video);
    if (status !== 'ready') throw AppError.notFound(`Video ${event.video}`);
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    let newViewer = false;
    if (event.name === 'media.play') {
      const key = `media:viewers:${event.video}:${day.toISOString().slice(0, 10)}`;
      const [[, added]] = (await this.redis.multi().sadd(key, event.viewer).expire(key, VIEWERS_TTL_SECONDS).exec()) as [[Error | null, number]];
      newViewer = added === 1;
    }
    await this.videos.addPlayback(event, day, newViewer);
  }
}

export function parseEvent(body: unknown, contentLength: number): MediaPlaybackEvent {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  if (contentLength > PLAYBACK_EVENT_MAX_BYTES || Buffer.byteLength(text) > PLAYBACK_EVENT_MAX_BYTES) {
    throw new AppError(ErrorCodes.payloadTooLarge, `An event may have at most ${PLAYBACK_EVENT_MAX_BYTES} bytes`, HttpStatus.PAYLOAD_TOO_LARGE);
  }
  let json: unknown;
  try {
    json = typeof body === 'string' ? JSON.parse(body) : body;
  } catch {
    throw new AppError(ErrorCodes.invalidPayload, 'The body is not JSON', HttpStatus.BAD_REQUEST);
  }
  const parsed = MediaPlaybackEventSchema.safeParse(json);
  if (!parsed.success) throw new AppError(ErrorCodes.invalidPayload, 'Not a media playback event', HttpStatus.BAD_REQUEST, parsed.error.issues);
  return parsed.data;
}
