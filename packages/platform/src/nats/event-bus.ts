import { HttpStatus, Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { checkMessage, ErrorCodes, type EventContract, type EventPayload } from '@castline/contracts';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { AppError } from '../errors';
import { NATS_CONNECTION } from './connection';
import { consumeDurably, type DurableHandler, type DurableOptions } from './durable-consumer';
import { decode, encode } from './wire';

export type EventHandler<E extends EventContract> = (payload: EventPayload<E>, subject: string) => void | Promise<void>;

export interface SubscribeOptions {
  /** A queue group: each event goes to one subscriber of the group (replicas sharing work). Without: to every subscriber. */
  queue?: string;
}

interface BusLogger {
  warn(message: string): void;
  error(message: unknown, context?: string): void;
}

/**
 * Typed events over the process's one NATS connection (packages/contracts/src/catalog.ts `Events`). Payloads are
 * plain JSON, checked against the event's schema on both ends: a bad publish throws, a bad incoming message is
 * logged and dropped. A handler that throws or rejects is logged; the bus and its other handlers go on.
 */
@Injectable()
export class EventBus implements OnModuleDestroy {
  private readonly subscriptions = new Set<Subscription>();
  private readonly durables = new Set<() => Promise<void>>();
  private logger: BusLogger = new Logger(EventBus.name);

  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  /** A bus for a process without Nest (the live-channels worker), over its own one connection. */
  static over(connection: NatsConnection, logger?: BusLogger): EventBus {
    const bus = new EventBus(connection);
    if (logger) bus.logger = logger;
    return bus;
  }

  publish<E extends EventContract>(event: E, payload: EventPayload<E>): void {
    const check = checkMessage(event.schema, payload);
    if (!check.ok) {
      throw new AppError(ErrorCodes.contractViolation, `Event on ${event.subject} breaks its contract: ${check.summary}`, HttpStatus.INTERNAL_SERVER_ERROR, {
        fields: check.problems,
      });
    }
    this.connection.publish(event.subject, encode(payload));
  }

  /** Resolves once the server has every event published so far (and every subscription made). */
  flush(): Promise<void> {
    return this.connection.flush();
  }

  /** Returns the function that ends the subscription. */
  subscribe<E extends EventContract>(event: E, handler: EventHandler<E>, options: SubscribeOptions = {}): () => void {
    const subscription = this.connection.subscribe(event.subject, {
      queue: options.queue,
      callback: (error, message) => {
        if (error) {
          this.logger.error(error, `subscription to ${event.subject} failed`);
          return;
        }
        this.deliver(event, handler, message);
      },
    });
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
      subscription.unsubscribe();
    };
  }

  /**
   * Consumes an event through a JetStream stream and durable consumer (see consumeDurably): what was published
   * while this process was down arrives once it is back; each message is acked after `handler` resolved.
   * Returns the function that stops consuming.
   */
  async consumeDurably<E extends EventContract>(event: E, options: DurableOptions, handler: DurableHandler<E>): Promise<() => Promise<void>> {
    const stop = await consumeDurably(this.connection, event, options, handler, this.logger);
    this.durables.add(stop);
    return async () => {
      this.durables.delete(stop);
      await stop();
    };
  }

  async onModuleDestroy(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.clear();
    await Promise.all([...this.durables].map((stop) => stop().catch(() => undefined)));
    this.durables.clear();
  }

  private deliver<E extends EventContract>(event: E, handler: EventHandler<E>, message: Msg): void {
    let body: unknown;
    try {
      body = decode(message);
    } catch {
      this.logger.warn(`ignored a ${message.subject} message that is not JSON`);
      return;
    }
    const check = checkMessage(event.schema, body);
    if (!check.ok) {
      this.logger.warn(`ignored a malformed ${message.subject} message: ${check.summary}`);
      return;
    }
    const failed = (error: unknown) => this.logger.error(error, `handler of ${message.subject} failed`);
    try {
      const result = handler(check.data as EventPayload<E>, message.subject);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
