import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  checkMessage,
  type ErrorCode,
  ErrorCodes,
  type RpcContract,
  type RpcRequest,
  type RpcResponse,
} from '@castline/contracts';
import { type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import type { BaseConfig } from '../config';
import { AppError } from '../errors';
import { CONFIG } from '../tokens';
import { NATS_CONNECTION } from './connection';
import { decode, encode, isErrorReply, type WireError } from './wire';

/**
 * Request/reply to other services over NATS through their contracts (packages/contracts/src/catalog.ts).
 * `call` checks the request before sending it and the reply when it arrives: a mismatch is a
 * CONTRACT_VIOLATION naming the subject and the field, never a half-understood answer.
 */
@Injectable()
export class NatsClient {
  private readonly validate: boolean;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(CONFIG) config: BaseConfig,
  ) {
    this.validate = config.CONTRACT_VALIDATION === 'on';
  }

  async call<R extends RpcContract>(rpc: R, payload: RpcRequest<R>, options: { timeoutMs?: number } = {}): Promise<RpcResponse<R>> {
    const { subject } = rpc;
    if (this.validate) {
      const check = checkMessage(rpc.request, payload);
      if (!check.ok) {
        throw new AppError(ErrorCodes.contractViolation, `Request on ${subject} breaks its contract: ${check.summary}`, HttpStatus.INTERNAL_SERVER_ERROR, {
          fields: check.problems,
        });
      }
    }
    const timeoutMs = options.timeoutMs ?? rpc.timeoutMs;
    let reply;
    try {
      reply = await this.connection.request(subject, encode(payload ?? {}), { timeout: timeoutMs });
    } catch (error) {
      throw toTransportError(error, subject, timeoutMs);
    }
    if (isErrorReply(reply)) {
      const remote = decode(reply) as WireError;
      // details (the fields a refusal is about) reach the HTTP caller as the service gave them
      throw new AppError(remote.code as ErrorCode, String(remote.message), remote.status, remote.details);
    }
    let body: unknown;
    try {
      body = decode(reply);
    } catch {
      throw new AppError(ErrorCodes.contractViolation, `Reply on ${subject} is not JSON`, HttpStatus.BAD_GATEWAY);
    }
    if (this.validate) {
      const check = checkMessage(rpc.response, body);
      if (!check.ok) {
        throw new AppError(ErrorCodes.contractViolation, `Reply on ${subject} breaks its contract: ${check.summary}`, HttpStatus.BAD_GATEWAY, {
          fields: check.problems,
        });
      }
    }
    // The reply as sent: the check only proves it fits (fields a schema does not name still reach the caller).
    return body as RpcResponse<R>;
  }

  /** Round trip to the NATS server, for health checks. */
  rtt(): Promise<number> {
    return this.connection.rtt();
  }

  /**
   * JetStream's account info (`$JS.API.INFO`), for health checks: resolves when JetStream answers, rejects
   * with its description when it is disabled or unavailable.
   */
  async jetStreamInfo(timeoutMs = 2_000): Promise<Record<string, unknown>> {
    const reply = await this.connection.request('$JS.API.INFO', '', { timeout: timeoutMs });
    const info = reply.json<Record<string, unknown> & { error?: { description?: string } }>();
    if (info.error) throw new Error(`JetStream: ${info.error.description ?? 'unavailable'}`);
    return info;
  }
}

function toTransportError(error: unknown, subject: string, timeoutMs: number): unknown {
  const cause = error instanceof RequestError ? (error.cause ?? error) : error;
  if (cause instanceof TimeoutError || (error as Error).name === 'TimeoutError') {
    return new AppError(ErrorCodes.upstreamTimeout, `No reply on ${subject} within ${timeoutMs} ms`, HttpStatus.GATEWAY_TIMEOUT);
  }
  if ((error instanceof RequestError && error.isNoResponders()) || /no responders/i.test((error as Error).message ?? '')) {
    return new AppError(ErrorCodes.serviceUnavailable, `No service answers ${subject}`, HttpStatus.SERVICE_UNAVAILABLE);
  }
  return error;
}
