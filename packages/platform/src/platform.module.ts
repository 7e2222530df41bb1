import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { ServiceName } from '@castline/contracts';
import type { BaseConfig } from './config';
import { createHealthController, HealthService } from './health';
import { HttpExceptionFilter } from './http-exception.filter';
import { createLoggerModule } from './logger';
import { createLogShipper, LOG_SHIPPER, LogShipperLink } from './log-shipper.link';
import { MetricsController, MetricsService, RpcMetricsInterceptor } from './metrics';
import { EventBus, NatsClient, NatsConnectionCloser, natsConnectionProvider, NATS_CONNECTION } from './nats';
import { PrismaService } from './prisma.service';
import { RedisCloser, redisProvider } from './redis.provider';
import { CONFIG, REDIS, SERVICE_NAME } from './tokens';

export interface PlatformOptions {
  service: ServiceName;
  config: BaseConfig;
  /** Which shared stores this service talks to; only those are connected and health-checked. */
  uses: { postgres?: boolean; redis?: boolean };
}

/** Everything a Castline service gets from the platform: config, logs, metrics, health, stores, NATS. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const shipper = createLogShipper(options.service, options.config);
    const providers: Provider[] = [
      { provide: LOG_SHIPPER, useValue: shipper ?? null },
      LogShipperLink,
      { provide: CONFIG, useValue: options.config },
      { provide: SERVICE_NAME, useValue: options.service },
      MetricsService,
      HealthService,
      natsConnectionProvider,
      NatsConnectionCloser,
      NatsClient,
      EventBus,
      { provide: APP_INTERCEPTOR, useClass: RpcMetricsInterceptor },
      { provide: APP_FILTER, useClass: HttpExceptionFilter },
    ];
    const exported: Array<string | symbol | Provider> = [LOG_SHIPPER, CONFIG, SERVICE_NAME, MetricsService, HealthService, NATS_CONNECTION, NatsClient, EventBus];
    if (options.uses.postgres) {
      providers.push(PrismaService);
      exported.push(PrismaService);
    }
    if (options.uses.redis) {
      providers.push(redisProvider, RedisCloser);
      exported.push(REDIS);
    }
    return {
      module: PlatformModule,
      imports: [createLoggerModule(options.service, options.config.LOG_LEVEL, shipper)],
      controllers: [MetricsController, createHealthController(options.service)],
      providers,
      exports: exported,
    };
  }
}
