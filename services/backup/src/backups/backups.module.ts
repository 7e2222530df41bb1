import { Module } from '@nestjs/common';
import { Jobs } from '@castline/platform';
import { OffsiteRepository } from '../offsite/offsite.repository';
import { OffsiteService } from '../offsite/offsite.service';
import { RestoreRunner } from '../restore/restore-runner';
import { BackupTransfer } from '../transfer/backup-transfer';
import { ArchiveStore } from './archive-store';
import { BackupHealth } from './backup-health';
import { BackupWorker } from './backup-worker';
import { BackupsController } from './backups.controller';
import { BackupsRepository } from './backups.repository';
import { BackupsService } from './backups.service';

@Module({
  controllers: [BackupsController],
  providers: [BackupsRepository, BackupsService, ArchiveStore, RestoreRunner, BackupWorker, Jobs, OffsiteRepository, OffsiteService, BackupHealth, BackupTransfer],
})
export class BackupsModule {}
