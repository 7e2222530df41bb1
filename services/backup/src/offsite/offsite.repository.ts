import { Injectable } from '@nestjs/common';
import type { BackupSettings, Prisma, SystemBackup } from '@castline/db';
import { PrismaService } from '@castline/platform';

/** The off-host copy's touches of the backup tables (offsite_* columns of system_backups, the settings). */
@Injectable()
export class OffsiteRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string): Promise<SystemBackup | null> {
    return this.prisma.systemBackup.findUnique({ where: { id } });
  }

  /** Completed or verified backups whose copy is pending or failed and due for another pass, oldest first. */
  due(now: Date): Promise<SystemBackup[]> {
    return this.prisma.systemBackup.findMany({
      where: {
        status: { in: ['completed', 'verified'] },
        offsiteState: { in: ['pending', 'failed', 'uploading'] },
        OR: [{ offsiteNextAttemptAt: null }, { offsiteNextAttemptAt: { lte: now } }],
      },
      orderBy: { startedAt: 'asc' },
    });
  }

  async names(): Promise<Set<string>> {
    return new Set((await this.prisma.systemBackup.findMany({ select: { name: true } })).map((row) => row.name));
  }

  /** Updates the row if it still exists (a backup may be deleted while its copy runs). */
  async update(id: string, data: Prisma.SystemBackupUncheckedUpdateInput): Promise<void> {
    await this.prisma.systemBackup.updateMany({ where: { id }, data });
  }

  settings(): Promise<BackupSettings | null> {
    return this.prisma.backupSettings.findUnique({ where: { id: 'default' } });
  }
}
