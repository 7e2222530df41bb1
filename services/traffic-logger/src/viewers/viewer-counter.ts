import { hash } from 'node:crypto';
import type { TrafficChannelViewers } from '@castline/contracts';
import type { AccessLogEntry } from '../access-log/access-line';
import type { LiveRoute } from '../access-log/media-route';

/** A response that delivered (part of) a segment: a player is watching. */
const DELIVERED = new Set([200, 206]);

interface ChannelAudience {
  slug: string | null;
  channelId: string | null;
  /** viewer hash -> when it last fetched a segment (ms). */
  viewers: Map<string, number>;
  /** Whole seconds (ms / 1000) -> bytes sent in that second. */
  bytes: Map<number, number>;
}

/**
 * Live viewers per channel over a sliding window: a viewer is a distinct hash(IP + User-Agent) with a delivered
 * segment (.ts/.m4s, 200/206) in the last `windowMs`; egress is every byte sent for the channel in that window.
 * Entries are aged by their own time ($msec), so a replayed old line never counts as watching now.
 * The hash only lives in this process's memory.
 */
export class ViewerCounter {
  private readonly channels = new Map<string, ChannelAudience>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  observe(entry: Pick<AccessLogEntry, 'at' | 'status' | 'bytesSent' | 'remoteAddr' | 'userAgent'>, route: LiveRoute): void {
    const at = entry.at.getTime();
    if (at <= this.now() - this.windowMs) return;
    const key = route.channelId ? `id:${route.channelId}` : `slug:${route.slug}`;
    let audience = this.channels.get(key);
    if (!audience) {
      audience = { slug: route.slug, channelId: route.channelId, viewers: new Map(), bytes: new Map() };
      this.channels.set(key, audience);
    }
    const second = Math.floor(at / 1000);
    audience.bytes.set(second, (audience.bytes.get(second) ?? 0) + entry.bytesSent);
    if (!route.segment || !DELIVERED.has(entry.status)) return;
    const viewer = hash('sha1', `${entry.remoteAddr}\n${entry.userAgent ?? ''}`, 'base64');
    if ((audience.viewers.get(viewer) ?? 0) < at) audience.viewers.set(viewer, at);
  }

  /** Channels with a viewer or a byte in the window; forgets everything older. */
  snapshot(): TrafficChannelViewers[] {
    const since = this.now() - this.windowMs;
    const sinceSecond = Math.floor(since / 1000);
    const result: TrafficChannelViewers[] = [];
    for (const [key, audience] of this.channels) {
      for (const [viewer, at] of audience.viewers) if (at <= since) audience.viewers.delete(viewer);
      let bytes = 0;
      for (const [second, sent] of audience.bytes) {
        if (second < sinceSecond) audience.bytes.delete(second);
        else bytes += sent;
      }
      if (audience.viewers.size === 0 && audience.bytes.size === 0) {
        this.channels.delete(key);
        continue;
      }
      result.push({
        slug: audience.slug,
        channelId: audience.channelId,
        viewers: audience.viewers.size,
        egressBitsPerSecond: Math.round((bytes * 8 * 1000) / this.windowMs),
      });
    }
    return result;
  }
}
