import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventBus } from '@castline/platform';
import { Redis } from 'ioredis';
import type { ChannelsConfig } from '../../config';
import { type RunInfo, RunTelemetry } from './run-telemetry';

/**
 * A worker's telemetry: one Redis connection (with REDIS_KEY_PREFIX), one private thumbnail directory and
 * a restart count per channel; hands out a RunTelemetry for each FFmpeg run.
 */
export class WorkerTelemetry {
  readonly workerId = `${os.hostname()}:${process.pid}`;
  private readonly runsPerChannel = new Map<string, number>();

  private constructor(
    private readonly bus: EventBus,
    private readonly redis: Redis,
    private readonly thumbnailDir: string,
    private readonly thumbnailIntervalMs: number,
    private readonly log: (message: string) => void,
  ) {}

  static async create(
    config: Pick<ChannelsConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'THUMBNAIL_INTERVAL_MS'>,
    bus: EventBus,
    log: (message: string) => void,
  ): Promise<WorkerTelemetry> {
    const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
    const thumbnailDir = await mkdtemp(path.join(os.tmpdir(), 'castline-thumbnails-'));
    return new WorkerTelemetry(bus, redis, thumbnailDir, config.THUMBNAIL_INTERVAL_MS, log);
  }

  /** Call right after FFmpeg is spawned; stop() the result once it has exited. */
  startRun(info: Omit<RunInfo, 'restarts'>): RunTelemetry {
    const runs = (this.runsPerChannel.get(info.channelId) ?? 0) + 1;
    this.runsPerChannel.set(info.channelId, runs);
    return new RunTelemetry(
      { ...info, restarts: runs - 1 },
      { bus: this.bus, redis: this.redis, workerId: this.workerId, thumbnailDir: this.thumbnailDir, thumbnailIntervalMs: this.thumbnailIntervalMs, log: this.log },
    );
  }

  /** The worker no longer runs the channel: its restart count starts over next time. */
  forget(channelId: string): void {
    this.runsPerChannel.delete(channelId);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
    await rm(this.thumbnailDir, { recursive: true, force: true });
  }
}
