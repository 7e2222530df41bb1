import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import type { MediaConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: MediaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'media', config, uses: { postgres: true, redis: true } })],
    };
  }
}
