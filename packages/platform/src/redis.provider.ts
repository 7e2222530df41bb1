import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { BaseConfig } from './config';
import { CONFIG, REDIS } from './tokens';

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [CONFIG],
  useFactory: (config: BaseConfig) =>
    new Redis(config.REDIS_URL, {
      keyPrefix: config.REDIS_KEY_PREFIX,
      // Fail commands fast while Redis is down instead of queueing them forever.
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
    }),
};

@Injectable()
export class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
