import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { ActivityController } from './activity/activity.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ChannelOperationsController } from './channels/channel-operations.controller';
import { ChannelTelemetryController } from './channels/channel-telemetry.controller';
import { ChannelsController } from './channels/channels.controller';
import { PresetsController } from './channels/presets.controller';
import { UploadsController } from './uploads/uploads.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRecorder } from './audit/audit.recorder';
import { AuditRepository } from './audit/audit.repository';
import { AuthModule } from './auth/auth.module';
import type { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { ChannelStreamController } from './live/channel-stream.controller';
import { LiveModule } from './live/live.module';
import { PlatformHealthService } from './health/platform-health.service';
import { MonitoringController } from './monitoring/monitoring.controller';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'gateway', config, uses: { postgres: true, redis: true } }), AuthModule, LiveModule],
      controllers: [
        UsersController,
        ApiKeysController,
        AuditController,
        HealthController,
        ActivityController,
        MonitoringController,
        ChannelsController,
        ChannelTelemetryController,
        ChannelOperationsController,
        ChannelStreamController,
        PresetsController,
        UploadsController,
      ],
      providers: [UsersService, ApiKeysService, AuditRepository, AuditRecorder, PlatformHealthService],
    };
  }
}
