import { Inject, Injectable, Logger, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceName } from '@castline/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BaseConfig } from '../config';
import { CONFIG, SERVICE_NAME } from '../tokens';

/** The process's one NATS connection, shared by the transport (handlers), NatsClient (calls) and EventBus. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/** Connects with endless reconnects: a NATS restart must not end a service. */
export function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
}

export const natsConnectionProvider: Provider = {
  provide: NATS_CONNECTION,
  inject: [CONFIG, SERVICE_NAME],
  useFactory: (config: BaseConfig, service: ServiceName) => connectNats(config.NATS_URL, `${service}-${process.pid}`),
};

/** Drains the connection last, after the transport and the bus have unsubscribed (in-flight replies still go out). */
@Injectable()
export class NatsConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('NatsConnection');

  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {
    void this.watch();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.isClosed()) return;
    await this.connection.drain().catch((error: unknown) => this.logger.warn(`NATS drain failed: ${(error as Error).message}`));
  }

  private async watch(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') this.logger.warn('NATS disconnected, reconnecting');
      else if (status.type === 'reconnect') this.logger.log('NATS reconnected');
    }
  }
}
