import { checkMessage, type EventContract, type EventPayload } from '@castline/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { decode } from './wire';

export interface DurableOptions {
  /** The JetStream stream that captures the event's subject (created when missing, subject added when absent). */
  stream: string;
  /** The durable consumer's name: it remembers what was acked across restarts. */
  durable: string;
  /** How long the stream keeps a message. Default 7 days. */
  maxAgeMs?: number;
  /** Redelivered when not acked within this (a consumer killed mid-message gets it back then). Default 10 s. */
  ackWaitMs?: number;
  /**
   * Messages handled at once. Default 1: in stream order, which channel events need; a consumer whose messages
   * are independent (app log batches) takes several so its store's round trips overlap.
   */
  concurrency?: number;
}

export interface DurableMeta {
  /** The message's sequence in the stream (unique per stream: a dedup key when the payload has none). */
  streamSequence: number;
  /** 1 on the first delivery, more on redeliveries. */
  deliveryCount: number;
}

export type DurableHandler<E extends EventContract> = (payload: EventPayload<E>, meta: DurableMeta) => Promise<void>;

interface ConsumerLogger {
  warn(message: string): void;
}

/**
 * Consumes an event durably: a JetStream stream keeps every message published on the event's subject (plain
 * core publishes included) while the consumer is away, and a durable pull consumer hands each one to the
 * handler, acked only after the handler resolved (a rejection is redelivered after a delay; a message that is
 * not JSON or breaks the schema is terminated). Delivery is at least once: handlers dedup.
 */
export async function consumeDurably<E extends EventContract>(
  connection: NatsConnection,
  event: E,
  options: DurableOptions,
  handler: DurableHandler<E>,
  logger: ConsumerLogger,
): Promise<() => Promise<void>> {
  const manager = await jetstreamManager(connection);
  const maxAge = nanos(options.maxAgeMs ?? 7 * 86_400_000);
  try {
    const info = await manager.streams.info(options.stream);
    if (!info.config.subjects?.includes(event.subject)) {
      await manager.streams.update(options.stream, { ...info.config, subjects: [...(info.config.subjects ?? []), event.subject] });
    }
  } catch {
    await manager.streams.add({ name: options.stream, subjects: [event.subject], max_age: maxAge });
  }
  const ackWait = nanos(options.ackWaitMs ?? 10_000);
  let existing: Awaited<ReturnType<typeof manager.consumers.info>> | undefined;
  try {
    existing = await manager.consumers.info(options.stream, options.durable);
  } catch {
    existing = undefined;
  }
  if (!existing) {
    await manager.consumers.add(options.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: event.subject,
      ack_wait: ackWait,
    });
  } else if (existing.config.ack_wait !== ackWait) {
    await manager.consumers.update(options.stream, options.durable, { ack_wait: ackWait });
  }
  const consumer = await jetstream(connection).consumers.get(options.stream, options.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 100 });
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const inFlight = new Set<Promise<void>>();
  const handle = async (message: JsMsg, payload: EventPayload<E>) => {
    try {
      await handler(payload, { streamSequence: message.seq, deliveryCount: message.info.deliveryCount });
      message.ack();
    } catch (error) {
      logger.warn(`handling ${message.subject} #${message.seq} failed, redelivering: ${(error as Error).message}`);
      message.nak(2_000);
    }
  };
  const done = (async () => {
    for await (const message of messages) {
      let body: unknown;
      try {
        body = decode(message as never);
      } catch {
        logger.warn(`dropped a ${message.subject} message that is not JSON`);
        message.term();
        continue;
      }
      const check = checkMessage(event.schema, body);
      if (!check.ok) {
        logger.warn(`dropped a malformed ${message.subject} message: ${check.summary}`);
        message.term();
        continue;
      }
      const work: Promise<void> = handle(message, check.data as EventPayload<E>).finally(() => inFlight.delete(work));
      inFlight.add(work);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  return async () => {
    await messages.close();
    await done;
  };
}
