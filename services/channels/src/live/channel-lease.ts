import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Redis key (under REDIS_KEY_PREFIX) holding the id of the worker that runs a channel now. */
export const channelLeaseKey = (channelId: string) => `channel-lease:${channelId}`;

/** How long a lease lives without renewal; the holder renews it every LEASE_RENEW_MS. */
export const LEASE_TTL_MS = 10_000;
export const LEASE_RENEW_MS = 2_000;

const TAKE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One runner per channel, whatever BullMQ believes: a worker takes the channel's lease before FFmpeg starts
 * and renews it while the channel runs. After Redis lost its data (no persistence, a lost volume) the
 * running worker's next renewal takes the lease again, so a job the reconciler queued meanwhile finds it
 * held and ends instead of starting a second FFmpeg. The reconciler reads the lease as the channel's heartbeat.
 */
export class ChannelLeases {
  constructor(
    private readonly redis: Redis,
    private readonly holder: string,
  ) {}

  /** A holder name for one runner: the worker's id plus a random part, so two runners never share a lease. */
  newToken(): string {
    return `${this.holder}/${randomUUID().slice(0, 8)}`;
  }

  /** Takes or renews the lease for `token`; false while another holds it. */
  async take(channelId: string, token: string): Promise<boolean> {
    return (await this.redis.eval(TAKE, 1, channelLeaseKey(channelId), token, String(LEASE_TTL_MS))) === 1;
  }

  async release(channelId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, channelLeaseKey(channelId), token);
  }

  /** Who holds the channel's lease, if anyone (a fresh heartbeat). */
  holderOf(channelId: string): Promise<string | null> {
    return this.redis.get(channelLeaseKey(channelId));
  }
}
