import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@castline/platform';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { BackupDownloadTicketController, BackupTransferAuthController } from './backups/backup-transfer-auth.controller';
import { BackupsController } from './backups/backups.routes';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ChannelTelemetryController } from './channels/channel-telemetry.controller';
import { ChannelsController, PresetsController } from './channels/channels.routes';
import { UploadsController } from './uploads/uploads.controller';
import { AuditController } from './audit/audit.controller';
import { AuditRpcController } from './audit/audit-rpc.controller';
import { AuditRecorder } from './audit/audit.recorder';
import { AuditRepository } from './audit/audit.repository';
import { AuthModule } from './auth/auth.module';
import type { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { ChannelStreamController } from './live/channel-stream.controller';
import { LiveModule } from './live/live.module';
import { PlatformHealthService } from './health/platform-health.service';
import { AlertsController, ChecksController, NotificationsController } from './monitoring/alerts.routes';
import { ActivityController, MonitoringController } from './monitoring/monitoring.routes';
import { LogFeed, LogsController } from './monitoring/logs.controller';
import { SitesController } from './traffic/sites.routes';
import { AnalyticsController } from './traffic/analytics.routes';
import { AnalyticsFeed, AnalyticsStreamController } from './traffic/analytics-stream.controller';
import { TrafficSearchController } from './traffic/search.routes';
import { TrafficExportController } from './traffic/traffic-export.controller';
import { AdAccountsController, CampaignsController, ConversionsController, TrackingLinksController } from './campaigns/campaigns.routes';
import { MediaDownloadController } from './media/media-download.controller';
import { MediaUploadController } from './media/media-upload.controller';
import { MediaVideosController } from './media/media.routes';
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
        AuditRpcController,
        HealthController,
        ActivityController,
        MonitoringController,
        SitesController,
        AnalyticsController,
        AnalyticsStreamController,
        TrafficSearchController,
        TrafficExportController,
        ChecksController,
        AlertsController,
        NotificationsController,
        LogsController,
        ChannelsController,
        ChannelTelemetryController,
        ChannelStreamController,
        PresetsController,
        UploadsController,
        AdAccountsController,
        TrackingLinksController,
        ConversionsController,
        CampaignsController,
        BackupsController,
        BackupTransferAuthController,
        BackupDownloadTicketController,
        MediaUploadController,
        MediaDownloadController,
        MediaVideosController,
      ],
      providers: [UsersService, ApiKeysService, AuditRepository, AuditRecorder, PlatformHealthService, LogFeed, AnalyticsFeed],
    };
  }
}
