import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import type { CampaignsConfig } from './config';
import { CampaignsModule } from './campaigns/campaigns.module';
import { SyncModule } from './sync/sync.module';
import { TrackingModule } from './tracking/tracking.module';

@Module({})
export class AppModule {
  static forRoot(config: CampaignsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'campaigns', config, uses: { postgres: true, redis: true } }), SyncModule, CampaignsModule, TrackingModule],
    };
  }
}
