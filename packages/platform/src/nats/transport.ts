import { applyDecorators } from '@nestjs/common';
import { type CustomTransportStrategy, EventPattern, MessagePattern, type MessageHandler, NatsContext, Server } from '@nestjs/microservices';
import { ErrorCodes, type EventContract, type RpcContract } from '@castline/contracts';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { checkRequest, decode, encode, errorHeaders, type WireError } from './wire';

const RPC_EXTRA = 'castlineRpc';
const EVENT_EXTRA = 'castlineEvent';

/**
 * A Nest `@MessagePattern` handler for one contract: the transport checks each request against
 * `rpc.request` before the handler runs (a bad one is answered VALIDATION_FAILED naming the subject and the
 * field, the handler never sees it) and hands the handler the parsed request (defaults applied).
 */
export const HandleRpc = (rpc: RpcContract) => applyDecorators(MessagePattern(rpc.subject, { [RPC_EXTRA]: rpc }));

/**
 * A Nest `@EventPattern` handler for one event contract (checked like `HandleRpc`; a bad event is logged and
 * dropped). Events reach one handler of the service's queue group unless `queue: false` (then every replica).
 */
export const HandleEvent = (event: EventContract, options: { queue?: string | false } = {}) =>
  applyDecorators(EventPattern(event.subject, { [EVENT_EXTRA]: event, queue: options.queue }) as MethodDecorator);

export interface CastlineNatsTransportOptions {
  /** The queue group of the service's handlers: replicas share the work, each request is handled once. */
  queue: string;
}

/**
 * Nest's microservice transport over Castline's wire format (plain JSON, see ./wire.ts) and the process's one
 * NATS connection: handlers stay `@MessagePattern`/`@HandleRpc` methods with Nest's pipes, interceptors and
 * exception filters, without Nest's `{ pattern, data, id }` envelope.
 */
export class CastlineNatsTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: CastlineNatsTransportOptions,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      for (const [subject, handler] of this.messageHandlers) {
        const queue = handler.extras?.queue === false ? undefined : ((handler.extras?.queue as string | undefined) ?? this.options.queue);
        this.subscriptions.push(
          this.connection.subscribe(subject, {
            queue,
            callback: (error, message) => {
              if (error) {
                this.logger.error(error);
                return;
              }
              void this.handle(subject, handler, message);
            },
          }),
        );
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops taking messages; the connection itself is drained by the platform once the app is down. */
  close(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  on(): void {
    // Connection status is the platform's (NatsConnectionCloser logs it), not the transport's.
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private async handle(subject: string, handler: MessageHandler, message: Msg): Promise<void> {
    const context = new NatsContext([message.subject, message.headers as never]);
    let data: unknown;
    try {
      data = decode(message);
    } catch {
      this.refuse(message, { code: ErrorCodes.validationFailed, status: 400, message: `Invalid ${subject} request: not JSON` });
      return;
    }
    if (handler.isEventHandler) {
      const event = handler.extras?.[EVENT_EXTRA] as EventContract | undefined;
      if (event) {
        const checked = checkRequest(subject, event.schema, data);
        if ('error' in checked) {
          this.logger.warn?.(checked.error.message);
          return;
        }
        data = checked.data;
      }
      await this.handleEvent(subject, { pattern: subject, data }, context);
      return;
    }
    const rpc = handler.extras?.[RPC_EXTRA] as RpcContract | undefined;
    if (rpc) {
      const checked = checkRequest(subject, rpc.request, data);
      if ('error' in checked) {
        this.refuse(message, checked.error);
        return;
      }
      data = checked.data;
    }
    try {
      const result = await lastValueFrom(this.transformToObservable(await handler(data, context)), { defaultValue: undefined });
      if (message.reply) message.respond(encode(result ?? null));
    } catch (error) {
      this.refuse(message, toWireError(error));
    }
  }

  private refuse(message: Msg, error: WireError): void {
    if (message.reply) message.respond(encode(error), { headers: errorHeaders() });
  }
}

/** What the platform's exception filter throws for RPC (`{ code, message, status, details }`), or an internal error. */
function toWireError(error: unknown): WireError {
  const candidate = error as Partial<WireError> | undefined;
  if (candidate && typeof candidate.code === 'string' && typeof candidate.status === 'number') {
    return { code: candidate.code, message: String(candidate.message), status: candidate.status, details: candidate.details };
  }
  return { code: ErrorCodes.internal, message: 'Internal error', status: 500 };
}
