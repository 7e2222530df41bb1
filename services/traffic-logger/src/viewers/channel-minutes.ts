import { hash } from 'node:crypto';
import type { AccessLogEntry } from '../access-log/access-line';
import type { LiveRoute } from '../access-log/media-route';
import { type ChannelMinute, channelKeyOf } from '../store/traffic-store';

const MINUTE_MS = 60_000;
const DELIVERED = new Set([200, 206]);

interface MinuteAudience {
  channelSlug: string | null;
  channelId: string | null;
  viewers: Set<string>;
  bytes: number;
}

/**
 * The per-minute channel rollup (a channel's 24 h chart): distinct viewers (hash of IP + User-Agent with a
 * delivered segment, as ViewerCounter) and bytes sent per channel and minute of the lines' own time. A minute is
 * handed out once it ended `graceMs` ago (lines arrive a little late); later lines of it start a new count that
 * the store's upsert merges by taking the higher figures.
 */
export class ChannelMinutes {
  private readonly minutes = new Map<number, Map<string, MinuteAudience>>();

  constructor(
    private readonly source: string,
    private readonly graceMs = 10_000,
  ) {}

  observe(entry: Pick<AccessLogEntry, 'at' | 'status' | 'bytesSent' | 'remoteAddr' | 'userAgent'>, route: LiveRoute): void {
    const minute = Math.floor(entry.at.getTime() / MINUTE_MS) * MINUTE_MS;
    let channels = this.minutes.get(minute);
    if (!channels) {
      channels = new Map();
      this.minutes.set(minute, channels);
    }
    const channel = { channelSlug: route.channelId ? null : route.slug, channelId: route.channelId };
    const key = channelKeyOf(channel);
    let audience = channels.get(key);
    if (!audience) {
      audience = { ...channel, viewers: new Set(), bytes: 0 };
      channels.set(key, audience);
    }
    audience.bytes += entry.bytesSent;
    if (route.segment && DELIVERED.has(entry.status)) audience.viewers.add(hash('sha1', `${entry.remoteAddr}\n${entry.userAgent ?? ''}`, 'base64'));
  }

  /** The minutes that ended at least graceMs before `now`, forgotten here. */
  takeClosed(now = Date.now()): ChannelMinute[] {
    const closed: ChannelMinute[] = [];
    for (const [minute, channels] of this.minutes) {
      if (minute + MINUTE_MS + this.graceMs > now) continue;
      this.minutes.delete(minute);
      for (const audience of channels.values()) {
        closed.push({ minute: new Date(minute), source: this.source, channelSlug: audience.channelSlug, channelId: audience.channelId, viewers: audience.viewers.size, bytes: audience.bytes });
      }
    }
    return closed;
  }
}
