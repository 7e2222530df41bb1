import { Module } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AccountsService } from '../accounts/accounts.service';
import { SyncModule } from '../sync/sync.module';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';

/** The campaigns and ad-accounts API over NATS. */
@Module({
  imports: [SyncModule],
  controllers: [CampaignsController],
  providers: [CampaignsService, CampaignsRepository, AccountsService, AccountsRepository],
})
export class CampaignsModule {}
