import { z } from 'zod';

/**
 * `notification`: a new dashboard notification (the bell), sent to every client whatever channels it follows.
 * `campaign`: an ad account paused, failing or synced again (campaigns.events), likewise sent to every client.
 * `media`: a video's transcode progress or status (media.videos.progress), likewise sent to every client.
 * `backup`: a backup, verify or restore's progress (backup.progress), to clients whose credential has backups:read.
 */
export type PushKind = 'metrics' | 'event' | 'notification' | 'campaign' | 'media' | 'backup' | 'viewers';

/** Where a client's frames go: a WebSocket or an SSE response. */
export interface PushSink {
  /** False while the transport still holds too much unsent data. */
  ready(): boolean;
  /** Writes one frame; the sink calls the queue's flush() once it is ready again. */
  write(kind: PushKind, dataJson: string): void;
}

/** Metrics come every second per channel: a client this far behind only misses stale ones. */
const MAX_QUEUED_METRICS = 256;
/** Events are never dropped: a client this far behind is disconnected instead (it reloads state on reconnect). */
const MAX_QUEUED_EVENTS = 1_024;

/**
 * A client's outgoing frames while its transport is busy: bounded, oldest metrics dropped first, events kept
 * (overflow() ends the connection when even the events do not fit).
 */
export class PushQueue {
  private readonly frames: Array<{ kind: PushKind; dataJson: string }> = [];
  private queuedMetrics = 0;

  constructor(
    private readonly sink: PushSink,
    private readonly overflow: () => void,
  ) {}

  push(kind: PushKind, dataJson: string): void {
    this.frames.push({ kind, dataJson });
    if (kind === 'metrics' && ++this.queuedMetrics > MAX_QUEUED_METRICS) {
      this.frames.splice(this.frames.findIndex((frame) => frame.kind === 'metrics'), 1);
      this.queuedMetrics--;
    }
    if (this.frames.length - this.queuedMetrics > MAX_QUEUED_EVENTS) {
      this.frames.length = 0;
      this.overflow();
      return;
    }
    this.flush();
  }

  flush(): void {
    while (this.frames.length > 0 && this.sink.ready()) {
      const next = this.frames.shift()!;
      if (next.kind === 'metrics') this.queuedMetrics--;
      this.sink.write(next.kind, next.dataJson);
    }
  }
}

/** Channel ids, or every channel. */
export const ChannelSelectorSchema = z.union([z.literal('*'), z.uuid()]);
/** Bounds the work one connection can cause; a dashboard showing more channels subscribes to '*'. */
const MAX_SELECTED_CHANNELS = 1_000;

/** The channels one client follows. */
export class ChannelSelection {
  private all = false;
  private readonly ids = new Set<string>();

  includes(channelId: string): boolean {
    return this.all || this.ids.has(channelId);
  }

  add(selectors: readonly string[]): void {
    for (const selector of selectors) {
      if (selector === '*') this.all = true;
      else if (this.ids.size < MAX_SELECTED_CHANNELS) this.ids.add(selector);
    }
  }

  remove(selectors: readonly string[]): void {
    for (const selector of selectors) {
      if (selector === '*') {
        this.all = false;
        this.ids.clear();
      } else {
        this.ids.delete(selector);
      }
    }
  }

  describe(): string[] {
    return this.all ? ['*'] : [...this.ids];
  }
}
