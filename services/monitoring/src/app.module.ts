import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { ActivityModule } from './activity/activity.module';
import { AlertsModule } from './alerts/alerts.module';
import { ChecksModule } from './checks/checks.module';
import type { MonitoringConfig } from './config';
import { LogsModule } from './logs/logs.module';
import { ProcessesModule } from './processes/processes.module';
import { SystemModule } from './system/system.module';

@Module({})
export class AppModule {
  static forRoot(config: MonitoringConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: 'monitoring', config, uses: { postgres: true, redis: true } }),
        ActivityModule,
        SystemModule,
        ProcessesModule,
        ChecksModule,
        AlertsModule,
        LogsModule,
      ],
    };
  }
}
