import { Injectable } from '@nestjs/common';
import type { BackupComponent, BackupSettings, Prisma, RestoreHistory, SystemBackup } from '@castline/db';
import { PrismaService } from '@castline/platform';

export type BackupWithComponents = SystemBackup & { components: BackupComponent[] };

export const SETTINGS_ID = 'default';
/** Advisory lock key ("bkup") serialising the busy check with the insert. */
const BUSY_LOCK_KEY = 0x62_6b_75_70;

/** Every touch of the backup service's tables. */
@Injectable()
export class BackupsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async page(where: Prisma.SystemBackupWhereInput, page: number, pageSize: number): Promise<{ items: BackupWithComponents[]; total: number }> {
    const [items, total] = await Promise.all([
      this.prisma.systemBackup.findMany({ where, include: { components: true }, orderBy: { startedAt: 'desc' }, skip: (page - 1) * pageSize, take: pageSize }),
      this.prisma.systemBackup.count({ where }),
    ]);
    return { items, total };
  }

  find(id: string): Promise<BackupWithComponents | null> {
    return this.prisma.systemBackup.findUnique({ where: { id }, include: { components: true } });
  }

  /** Completed or verified backups, newest first (what retention decides over). */
  usable(): Promise<SystemBackup[]> {
    return this.prisma.systemBackup.findMany({ where: { status: { in: ['completed', 'verified'] } }, orderBy: { startedAt: 'desc' } });
  }

  /**
   * Creates a running backup (or, with `restore`, a running restore) only while no backup and no restore runs,
   * under a transaction-scoped advisory lock so two requests cannot both pass the check. Null when busy.
   */
  async createIfIdle<T>(create: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${BUSY_LOCK_KEY})`;
      const [backups, restores] = await Promise.all([tx.systemBackup.count({ where: { status: 'running' } }), tx.restoreHistory.count({ where: { result: null } })]);
      if (backups + restores > 0) return null;
      return create(tx);
    });
  }

  running(): Promise<SystemBackup[]> {
    return this.prisma.systemBackup.findMany({ where: { status: 'running' } });
  }

  all(): Promise<SystemBackup[]> {
    return this.prisma.systemBackup.findMany();
  }

  create(data: Prisma.SystemBackupUncheckedCreateInput): Promise<BackupWithComponents> {
    return this.prisma.systemBackup.create({ data, include: { components: true } });
  }

  update(id: string, data: Prisma.SystemBackupUncheckedUpdateInput): Promise<SystemBackup> {
    return this.prisma.systemBackup.update({ where: { id }, data });
  }

  /** Updates only while the row is in `status`; false when it was not (a recovered or deleted row). */
  async updateIf(id: string, status: string, data: Prisma.SystemBackupUncheckedUpdateInput): Promise<boolean> {
    return (await this.prisma.systemBackup.updateMany({ where: { id, status }, data })).count === 1;
  }

  findByName(name: string): Promise<SystemBackup | null> {
    return this.prisma.systemBackup.findFirst({ where: { name } });
  }

  delete(id: string): Promise<SystemBackup> {
    return this.prisma.systemBackup.delete({ where: { id } });
  }

  async upsertComponent(backupId: string, kind: string, data: Omit<Prisma.BackupComponentUncheckedCreateInput, 'backupId' | 'kind'>): Promise<void> {
    await this.prisma.backupComponent.upsert({ where: { backupId_kind: { backupId, kind } }, create: { backupId, kind, ...data }, update: data });
  }

  async failRunningComponents(backupId: string, error: string): Promise<void> {
    await this.prisma.backupComponent.updateMany({ where: { backupId, status: 'running' }, data: { status: 'failed', error, completedAt: new Date() } });
  }

  /**
   * The one settings row, created with the defaults on first use. Not an upsert: Prisma's find-then-insert lost
   * the race when the scheduler and the health check both asked at boot (a unique violation that stopped the
   * service); an INSERT ... ON CONFLICT DO NOTHING (createMany skipDuplicates) cannot.
   */
  async settings(): Promise<BackupSettings> {
    const existing = await this.prisma.backupSettings.findUnique({ where: { id: SETTINGS_ID } });
    if (existing) return existing;
    await this.prisma.backupSettings.createMany({ data: [{ id: SETTINGS_ID }], skipDuplicates: true });
    return this.prisma.backupSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });
  }

  async updateSettings(data: Prisma.BackupSettingsUpdateInput): Promise<BackupSettings> {
    await this.settings();
    return this.prisma.backupSettings.update({ where: { id: SETTINGS_ID }, data });
  }

  restores(limit = 50): Promise<RestoreHistory[]> {
    return this.prisma.restoreHistory.findMany({ orderBy: { startedAt: 'desc' }, take: limit });
  }

  findRestore(id: string): Promise<RestoreHistory | null> {
    return this.prisma.restoreHistory.findUnique({ where: { id } });
  }

  runningRestores(): Promise<RestoreHistory[]> {
    return this.prisma.restoreHistory.findMany({ where: { result: null } });
  }

  createRestore(data: Prisma.RestoreHistoryUncheckedCreateInput): Promise<RestoreHistory> {
    return this.prisma.restoreHistory.create({ data });
  }

  updateRestore(id: string, data: Prisma.RestoreHistoryUncheckedUpdateInput): Promise<RestoreHistory> {
    return this.prisma.restoreHistory.update({ where: { id }, data });
  }

  /** The newest backup that completed (completed or verified since), by completion time. */
  lastSuccess(): Promise<SystemBackup | null> {
    return this.prisma.systemBackup.findFirst({ where: { status: { in: ['completed', 'verified'] }, completedAt: { not: null } }, orderBy: { completedAt: 'desc' } });
  }

  /** The newest restore test that succeeded. */
  lastRestoreTest(): Promise<RestoreHistory | null> {
    return this.prisma.restoreHistory.findFirst({ where: { kind: 'test', result: 'success' }, orderBy: { finishedAt: 'desc' } });
  }
}
