import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CONFIG, natsConnectionOptions } from '@castline/platform';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ChannelsConfig } from '../config';
import type { ChannelEventPublisher } from './channel-state';

/**
 * The service's `channels.events` publisher: a raw NATS connection, because Nest's client wraps emitted
 * payloads in its own envelope and the workers publish the same subject as plain JSON.
 */
@Injectable()
export class ChannelEventsPublisher implements ChannelEventPublisher, OnModuleInit, OnModuleDestroy {
  private connection: NatsConnection | undefined;

  constructor(@Inject(CONFIG) private readonly config: ChannelsConfig) {}

  async onModuleInit(): Promise<void> {
    this.connection = await connect({ ...natsConnectionOptions(this.config), name: `channels-events-${process.pid}` });
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.drain();
  }

  publish(subject: string, payload: string): void {
    this.connection?.publish(subject, payload);
  }
}
