import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ChannelEventMessage, Events } from '@castline/contracts';
import { EventBus, PrismaService } from '@castline/platform';
import { AlertEvaluator } from './evaluator.service';

export const CHANNEL_EVENTS_STREAM = 'CHANNEL_EVENTS';
export const CHANNEL_EVENTS_DURABLE = 'monitoring-alerts';
const KEEP_MS = 7 * 86_400_000;

/**
 * Channel events for the alert rules: the CHANNEL_EVENTS JetStream stream keeps `channels.events` while
 * monitoring is down; the durable consumer writes each into `channel_event_log` (deduplicated by the
 * channel_events id, or the stream sequence for an event without one) and acks after the commit. An error or
 * a restart nudges the evaluator so "channel given up" is sent within a second, not at the next tick.
 */
@Injectable()
export class ChannelEventsIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChannelEventsIngest.name);
  private stop?: () => Promise<void>;
  private lastPrune = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly prisma: PrismaService,
    private readonly evaluator: AlertEvaluator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      this.stop = await this.bus.consumeDurably(Events.channelEvents, { stream: CHANNEL_EVENTS_STREAM, durable: CHANNEL_EVENTS_DURABLE, maxAgeMs: KEEP_MS }, (message, meta) =>
        this.store(message, `seq:${meta.streamSequence}`),
      );
    } catch (error) {
      // Without JetStream the rules on channels have no events; the built-in NATS check reports it.
      this.logger.warn(`channel events are not consumed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }

  async store(message: ChannelEventMessage, fallbackId: string): Promise<void> {
    await this.prisma.channelEventLog.createMany({
      data: [
        {
          eventId: message.eventId ?? fallbackId,
          channelId: message.channelId,
          at: new Date(message.at),
          type: message.type,
          status: message.status ?? null,
          category: message.category ?? null,
          message: message.message.slice(0, 2_000),
        },
      ],
      skipDuplicates: true,
    });
    // A channel that stopped or gave up is worth telling about now, not at the next 15 s tick.
    if (message.status === 'error' || message.type === 'restart') this.evaluator.nudge();
    if (Date.now() - this.lastPrune > 3_600_000) {
      this.lastPrune = Date.now();
      await this.prisma.channelEventLog.deleteMany({ where: { at: { lt: new Date(Date.now() - KEEP_MS) } } });
    }
  }
}
