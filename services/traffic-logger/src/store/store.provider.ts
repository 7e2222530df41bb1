import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { TrafficLoggerConfig } from '../config';
import { PostgresTrafficStore } from './postgres-traffic-store';
import type { TrafficStore } from './traffic-store';

export const TRAFFIC_STORE = Symbol('TRAFFIC_STORE');

/** The configured TrafficStore (TRAFFIC_STORE; only postgres exists, the config refuses the rest). */
export const trafficStoreProvider: Provider = {
  provide: TRAFFIC_STORE,
  inject: [CONFIG],
  useFactory: (config: TrafficLoggerConfig): TrafficStore => new PostgresTrafficStore(config.DATABASE_URL),
};

/** Closes the store's pool after everything that writes through it (the access log's final flush) is done. */
@Injectable()
export class TrafficStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(TRAFFIC_STORE) private readonly store: TrafficStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
