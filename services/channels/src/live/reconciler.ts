import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Events } from '@castline/contracts';
import { CONFIG, EventBus, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import { ChannelsRepository } from '../channels/channels.repository';
import type { ChannelsConfig } from '../config';
import { ChannelLeases } from './channel-lease';
import { LiveQueue } from './live-queue';

const RECONCILER_LEASE_KEY = 'channels-reconciler';
const TAKE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/**
 * Postgres' desiredState is the truth; the queue and the workers follow it. On start of the channels service
 * and every RECONCILE_INTERVAL_MS (on one replica at a time, by a Redis lease):
 * - a channel that should run and has no job and no worker holding its lease (the heartbeat) gets a job, a
 *   'reconcile' event: after the platform restarted with Redis empty, or a job lost any other way;
 * - a channel that should not run loses its queued job, and a worker still running it is told to stop;
 *   a channel left `stopping` with nothing running is marked stopped;
 * - a job for a channel that no longer exists is removed (or its runner told to stop).
 */
@Injectable()
export class LiveReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveReconciler.name);
  private readonly holder = `reconciler:${process.pid}:${Math.random().toString(36).slice(2)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: ChannelsConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly channels: ChannelsRepository,
    private readonly queue: LiveQueue,
    private readonly leases: ChannelLeases,
    private readonly bus: EventBus,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running ??= this.reconcileIfLeader()
        .catch((error: unknown) => this.logger.warn(`reconcile failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, this.config.RECONCILE_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async reconcileIfLeader(): Promise<void> {
    const ttl = String(this.config.RECONCILE_INTERVAL_MS * 3);
    if ((await this.redis.eval(TAKE, 1, RECONCILER_LEASE_KEY, this.holder, ttl)) !== 1) return;
    await this.reconcile();
  }

  /** One pass; returns what it did, one line per channel touched. */
  async reconcile(): Promise<string[]> {
    const done: string[] = [];
    const [channels, jobs] = await Promise.all([this.channels.desiredStates(), this.queue.liveJobs()]);
    for (const channel of channels) {
      const job = jobs.get(channel.id);
      jobs.delete(channel.id);
      if (channel.desiredState === 'running') {
        if (job || (await this.leases.holderOf(channel.id))) continue;
        // Racing a start in flight is harmless: the job id is the channel id, so a second add is a no-op.
        await this.channels.changeState(
          channel.id,
          { status: 'starting', statusDetail: 'No worker had the channel; queued again' },
          { type: 'reconcile', message: `starting: the channel should run but no worker had it (was ${channel.status}); queued again` },
        );
        await this.queue.enqueue(channel.id);
        done.push(`${channel.id}: queued`);
      } else if (job === 'queued') {
        await this.queue.removeUnclaimed(channel.id);
        done.push(`${channel.id}: job removed`);
      } else if (job === 'active' || (await this.leases.holderOf(channel.id))) {
        this.bus.publish(Events.channelControl(channel.id), { action: 'stop' });
        done.push(`${channel.id}: told to stop`);
      } else if (channel.status === 'stopping' || channel.status === 'starting' || channel.status === 'running' || channel.status === 'waiting') {
        await this.channels.changeState(channel.id, { status: 'stopped', startedAt: null, statusDetail: null }, { type: 'reconcile', message: 'stopped: nothing runs the channel' });
        done.push(`${channel.id}: marked stopped`);
      }
    }
    // Jobs whose channel is gone.
    for (const [id, state] of jobs) {
      if (state === 'queued') await this.queue.removeUnclaimed(id);
      else this.bus.publish(Events.channelControl(id), { action: 'stop' });
      done.push(`${id}: job of a deleted channel ended`);
    }
    for (const line of done) this.logger.log(`reconcile: ${line}`);
    return done;
  }
}
