import { type DynamicModule, Module } from '@nestjs/common';
import { type HostResolver, PlatformModule } from '@castline/platform';
import { ChannelsModule } from './channels/channels.module';
import { SOURCE_RESOLVER } from './channels/source-policy';
import type { ChannelsConfig } from './config';
import { ChannelTelemetryModule } from './telemetry/channel-telemetry.module';

@Module({})
class SourceResolverModule {}

@Module({})
export class AppModule {
  /** `resolver` replaces DNS for the sources' network guard (tests whose answer changes between create and start). */
  static forRoot(config: ChannelsConfig, resolver?: HostResolver): DynamicModule {
    const resolverModule: DynamicModule = {
      module: SourceResolverModule,
      global: true,
      providers: resolver ? [{ provide: SOURCE_RESOLVER, useValue: resolver }] : [],
      exports: resolver ? [SOURCE_RESOLVER] : [],
    };
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'channels', config, uses: { postgres: true, redis: true } }), resolverModule, ChannelsModule, ChannelTelemetryModule],
    };
  }
}
