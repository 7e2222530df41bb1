import { Inject, Injectable } from '@nestjs/common';
import type { ChannelLogs, ChannelThumbnail } from '@castline/contracts';
import { REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import { type LogRunEntry, TelemetryKeys } from './telemetry-keys';

/** Reads what the workers keep in Redis: stderr of the last runs and the newest thumbnail. */
@Injectable()
export class ChannelTelemetryRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** The last runs, newest first; none for a channel that never ran (or whose logs expired). */
  async logs(channelId: string): Promise<ChannelLogs> {
    const entries = (await this.redis.lrange(TelemetryKeys.logRuns(channelId), 0, -1)).map((raw) => JSON.parse(raw) as LogRunEntry);
    const pipeline = this.redis.pipeline();
    for (const { runId } of entries) {
      pipeline.lrange(TelemetryKeys.logHead(channelId, runId), 0, -1).lrange(TelemetryKeys.logTail(channelId, runId), 0, -1);
    }
    const results = (await pipeline.exec()) ?? [];
    const lines = (index: number) => (results[index]?.[1] as string[] | undefined) ?? [];
    return { runs: entries.map((entry, index) => ({ ...entry, head: lines(2 * index), tail: lines(2 * index + 1) })) };
  }

  async thumbnail(channelId: string): Promise<ChannelThumbnail | undefined> {
    const key = TelemetryKeys.thumbnail(channelId);
    const [jpeg, capturedAt] = await Promise.all([this.redis.hgetBuffer(key, 'jpeg'), this.redis.hget(key, 'capturedAt')]);
    if (!jpeg || !capturedAt) return undefined;
    return { jpegBase64: jpeg.toString('base64'), capturedAt };
  }
}
