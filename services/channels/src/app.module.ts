import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { ChannelsModule } from './channels/channels.module';
import type { ChannelsConfig } from './config';
import { ChannelTelemetryModule } from './telemetry/channel-telemetry.module';

@Module({})
export class AppModule {
  static forRoot(config: ChannelsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'channels', config, uses: { postgres: true, redis: true } }), ChannelsModule, ChannelTelemetryModule],
    };
  }
}
