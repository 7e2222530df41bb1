import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChannelEventMessageSchema, ChannelMetricsSchema, Subjects } from '@castline/contracts';
import { type BaseConfig, CONFIG } from '@castline/platform';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import type { ChannelSelection, PushKind } from './push-queue';

/** One connected dashboard (WebSocket or SSE). */
export interface LiveClient {
  readonly selection: ChannelSelection;
  push(kind: PushKind, dataJson: string): void;
  /** Ends the connection (the gateway is shutting down). */
  end(): void;
}

/**
 * The gateway's one subscription to `channels.metrics` and `channels.events` (its own NATS connection, no
 * queue group: every gateway replica serves its own clients), fanned out to the clients that follow the channel.
 * Each message is validated and serialized once, whatever the number of clients.
 */
@Injectable()
export class LiveFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly clients = new Set<LiveClient>();
  private connection: NatsConnection | undefined;

  constructor(@Inject(CONFIG) private readonly config: BaseConfig) {}

  async onModuleInit(): Promise<void> {
    this.connection = await connect({ servers: this.config.NATS_URL, name: `gateway-live-${process.pid}` });
    this.relay(Subjects.channelsMetrics, ChannelMetricsSchema, 'metrics');
    this.relay(Subjects.channelsEvents, ChannelEventMessageSchema, 'event');
  }

  async onModuleDestroy(): Promise<void> {
    for (const client of this.clients) client.end();
    this.clients.clear();
    await this.connection?.drain();
  }

  /** Returns the function that removes the client again. */
  add(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  private relay(subject: string, schema: z.ZodType<{ channelId: string }>, kind: PushKind): void {
    this.connection!.subscribe(subject, {
      callback: (error, message) => {
        if (error || this.clients.size === 0) return;
        let parsed;
        try {
          parsed = schema.safeParse(message.json());
        } catch {
          parsed = undefined;
        }
        if (!parsed?.success) {
          this.logger.warn(`ignored a malformed ${subject} message`);
          return;
        }
        const dataJson = JSON.stringify(parsed.data);
        for (const client of this.clients) {
          if (client.selection.includes(parsed.data.channelId)) client.push(kind, dataJson);
        }
      },
    });
  }
}
