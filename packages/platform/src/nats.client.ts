import { HttpStatus, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ErrorCode, ErrorCodes } from '@castline/contracts';
import { firstValueFrom, timeout as rxTimeout } from 'rxjs';
import type { BaseConfig } from './config';
import { AppError } from './errors';
import { natsConnectionOptions } from './nats-options';
import { CONFIG } from './tokens';

/** Request/reply to other services over NATS, with a deadline on every call. */
@Injectable()
export class NatsClient implements OnApplicationShutdown {
  private readonly client: ClientNats;

  constructor(@Inject(CONFIG) config: BaseConfig) {
    this.client = new ClientNats({ ...natsConnectionOptions(config), name: `castline-${process.pid}` });
  }

  async request<T>(subject: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(subject, payload ?? {}).pipe(rxTimeout(timeoutMs)));
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new AppError(ErrorCodes.upstreamTimeout, `No reply on ${subject} within ${timeoutMs} ms`, HttpStatus.GATEWAY_TIMEOUT);
      }
      if ((error as { code?: string }).code === '503' || /no responders/i.test((error as Error).message ?? '')) {
        throw new AppError(ErrorCodes.serviceUnavailable, `No service answers ${subject}`, HttpStatus.SERVICE_UNAVAILABLE);
      }
      const remote = error as { code?: unknown; message?: unknown; status?: unknown; details?: unknown };
      if (typeof remote.code === 'string' && typeof remote.status === 'number') {
        // details (the fields a refusal is about) reach the HTTP caller as the service gave them
        throw new AppError(remote.code as ErrorCode, String(remote.message), remote.status, remote.details);
      }
      throw error;
    }
  }

  async emit(subject: string, payload: unknown): Promise<void> {
    await firstValueFrom(this.client.emit(subject, payload), { defaultValue: undefined });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Round trip to the NATS server, for health checks. */
  async rtt(): Promise<number> {
    await this.client.connect();
    return this.client.unwrap<NatsConnection>().rtt();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
