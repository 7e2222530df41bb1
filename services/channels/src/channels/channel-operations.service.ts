import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { type BulkChannelAction, ErrorCodes } from '@castline/contracts';
import { AppError, CONFIG } from '@castline/platform';
import type { ChannelsConfig } from '../config';
import { publicPlaybackPath, signedPlaybackPath } from '../live/playback';
import { ChannelSchedules, type ScheduleNextRuns } from '../schedules/channel-schedules';
import { ChannelsService } from './channels.service';

export interface BulkResult {
  id: string;
  ok: boolean;
  status?: string;
  error?: { code: string; message: string };
}

export interface Playback {
  /** Root-relative: nginx serves it on the same origin as the API. */
  url: string;
  expiresAt: string | null;
  signed: boolean;
}

/** Operations over channels beyond their CRUD: bulk start/stop, playback URLs, schedule run times. */
@Injectable()
export class ChannelOperationsService {
  private readonly logger = new Logger(ChannelOperationsService.name);

  constructor(
    @Inject(CONFIG) private readonly config: ChannelsConfig,
    private readonly channels: ChannelsService,
    private readonly schedules: ChannelSchedules,
  ) {}

  /** One id after the other through the ordinary start/stop, so each gets exactly the single-channel behaviour. */
  async bulk({ action, ids }: BulkChannelAction): Promise<{ results: BulkResult[] }> {
    const results: BulkResult[] = [];
    for (const id of new Set(ids)) {
      try {
        const channel = action === 'start' ? await this.channels.start(id) : await this.channels.stop(id);
        results.push({ id, ok: true, status: channel.status });
      } catch (error) {
        // Like the HTTP error filter: an unexpected error's internals stay out of the answer (and in the log).
        const known = error instanceof AppError;
        if (!known) this.logger.error({ err: error, channelId: id }, `bulk ${action} failed`);
        results.push({
          id,
          ok: false,
          error: known ? { code: error.code, message: error.message } : { code: ErrorCodes.internal, message: 'Internal error' },
        });
      }
    }
    return { results };
  }

  async playback(id: string): Promise<Playback> {
    const channel = await this.channels.get(id);
    if (channel.playback === 'public') return { url: publicPlaybackPath(channel.slug), expiresAt: null, signed: false };
    const secret = this.config.PLAYBACK_SIGNING_SECRET;
    if (!secret) {
      throw new AppError(
        ErrorCodes.serviceUnavailable,
        'Signed playback is not configured: set PLAYBACK_SIGNING_SECRET (the same value nginx is rendered with)',
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const expires = Math.floor(Date.now() / 1000) + this.config.PLAYBACK_URL_TTL_SECONDS;
    return { url: signedPlaybackPath(secret, channel, expires), expiresAt: new Date(expires * 1000).toISOString(), signed: true };
  }

  /**
   * Ends every signed URL handed out so far: a new signing version, hence a new output directory. A running
   * channel restarts into it (its viewers reload with a fresh URL); a stopped one uses it at its next start.
   */
  async revokePlayback(id: string) {
    return this.channels.revokePlayback(id);
  }

  async schedule(id: string): Promise<{ schedule: unknown } & ScheduleNextRuns> {
    const channel = await this.channels.get(id);
    if (!channel.schedule) return { schedule: null, nextStartAt: null, nextStopAt: null };
    return { schedule: channel.schedule, ...(await this.schedules.nextRuns(id)) };
  }
}
