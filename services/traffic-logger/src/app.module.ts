import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { AccessLogModule } from './access-log/access-log.module';
import type { TrafficLoggerConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: TrafficLoggerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'traffic-logger', config, uses: { postgres: true, redis: true } }), AccessLogModule],
    };
  }
}
