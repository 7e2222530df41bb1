import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { AnalyticsModule } from './analytics/analytics.module';
import { AccessLogModule } from './access-log/access-log.module';
import { CollectModule } from './collect/collect.module';
import type { TrafficLoggerConfig } from './config';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { RollupsModule } from './rollups/rollups.module';
import { SitesModule } from './sites/sites.module';
import { SearchModule } from './search/search.module';
import { SessionsModule } from './sessions/sessions.module';
import { StoreModule } from './store/store.module';

@Module({})
export class AppModule {
  static forRoot(config: TrafficLoggerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'traffic-logger', config, uses: { postgres: true, redis: true } }), StoreModule, AccessLogModule, MaintenanceModule, RollupsModule, AnalyticsModule, CollectModule, SitesModule, SessionsModule, SearchModule],
    };
  }
}
