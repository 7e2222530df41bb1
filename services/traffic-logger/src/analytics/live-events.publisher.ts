import { Injectable, Logger } from '@nestjs/common';
import { Events } from '@castline/contracts';
import { EventBus } from '@castline/platform';
import type { EventRow } from '../store/traffic-store';

/**
 * Publishes stored tracker events on `traffic.events` for the Analytics page's live feed (the gateway streams
 * them as SSE). Only what the feed shows: no visitor, session or click ids. Bot events are left out. A failed
 * publish is logged, never fails the collect that stored them.
 */
@Injectable()
export class LiveEventsPublisher {
  private readonly logger = new Logger(LiveEventsPublisher.name);

  constructor(private readonly bus: EventBus) {}

  publish(events: EventRow[]): void {
    const shown = events.filter((event) => !event.isBot);
    if (shown.length === 0) return;
    try {
      this.bus.publish(Events.trafficEvents, {
        events: shown.map((event) => ({
          siteId: event.siteId,
          ts: event.ts.toISOString(),
          name: event.name,
          path: event.path,
          referrerDomain: event.referrerDomain,
          country: event.country,
          device: event.device,
          browser: event.browser,
        })),
      });
    } catch (error) {
      this.logger.warn(`publishing traffic.events failed: ${(error as Error).message}`);
    }
  }
}
