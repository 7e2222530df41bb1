import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import {
  type BackupJobReply,
  type BackupPage,
  type BackupSettingsView,
  type BackupView,
  ErrorCodes,
  type ListBackups,
  Queues,
  type RetentionPreview,
  type UpdateBackupSettings,
} from '@castline/contracts';
import { Prisma } from '@castline/db';
import { AppError, Jobs } from '@castline/platform';
import { OffsiteService } from '../offsite/offsite.service';
import { decideRetention, type RetentionRules, rulesKeepSomething } from '../retention/retention';
import { ArchiveStore } from './archive-store';
import { backupName } from './backup-runner';
import { BackupsRepository } from './backups.repository';
import { checkCron, checkTimezone } from './schedule-check';
import { toBackupView, toSettingsView } from './views';

export const BACKUP_SCHEDULER_ID = 'backup-schedule';
export const VERIFY_SCHEDULER_ID = 'verify-schedule';
const JOB_OPTIONS = { removeOnComplete: 100, removeOnFail: 100 } as const;

export const busy = (what: string) =>
  new AppError(ErrorCodes.backupBusy, `${what}: a backup or restore is running; wait for it to finish`, HttpStatus.CONFLICT);

/** The backup catalogue behind the API: list, create (queued), delete, verify (queued), settings, retention preview. */
@Injectable()
export class BackupsService {
  private readonly queue;

  constructor(
    private readonly backups: BackupsRepository,
    private readonly archives: ArchiveStore,
    jobs: Jobs,
    private readonly offsite: OffsiteService,
  ) {
    this.queue = jobs.queue(Queues.backups);
  }

  async list(query: ListBackups): Promise<BackupPage> {
    const { items, total } = await this.backups.page(query.status ? { status: query.status } : {}, query.page, query.pageSize);
    return { items: items.map(toBackupView), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<BackupView> {
    const row = await this.backups.find(id);
    if (!row) throw AppError.notFound('Backup');
    return toBackupView(row);
  }

  /** Records a running backup and queues its job; 409 BACKUP_BUSY while a backup or restore runs. */
  async create(requestedBy?: string): Promise<BackupView> {
    const id = randomUUID();
    const startedAt = new Date();
    const settings = await this.backups.settings();
    const row = await this.backups.createIfIdle((tx) =>
      tx.systemBackup.create({
        data: { id, name: backupName(id, startedAt), trigger: 'manual', requestedBy, status: 'running', startedAt, offsiteState: settings.offsiteEnabled ? 'pending' : 'off' },
        include: { components: true },
      }),
    );
    if (!row) throw busy('Cannot start a backup');
    await this.queue.add('backup', { kind: 'backup', trigger: 'manual', backupId: id, requestedBy }, { ...JOB_OPTIONS, jobId: `backup-${id}` });
    return toBackupView(row);
  }

  /** Deletes a backup's archive, then its row; a running one, or one a running restore uses, cannot go. */
  async delete(id: string): Promise<void> {
    const row = await this.backups.find(id);
    if (!row) throw AppError.notFound('Backup');
    if (row.status === 'running') throw busy('Cannot delete a running backup');
    if ((await this.backups.runningRestores()).some((restore) => restore.backupId === id)) throw busy('Cannot delete a backup being restored');
    await this.archives.remove(row.name);
    await this.offsite.forget(row.name);
    await this.backups.delete(id);
  }

  async verify(id: string): Promise<BackupJobReply> {
    const row = await this.backups.find(id);
    if (!row) throw AppError.notFound('Backup');
    if (row.status === 'running' || row.status === 'failed') throw AppError.conflict(`A ${row.status} backup has nothing to verify`);
    const jobId = `verify-${id}-${Date.now()}`;
    await this.queue.add('verify', { kind: 'verify', trigger: 'manual', backupId: id }, { ...JOB_OPTIONS, jobId });
    return { jobId, backupId: id };
  }

  async settings(): Promise<BackupSettingsView> {
    return toSettingsView(await this.backups.settings(), await this.queue.nextRun(BACKUP_SCHEDULER_ID));
  }

  /** Saves settings (400 on a bad cron, time zone or rules keeping nothing) and re-applies the schedulers. */
  async updateSettings(changes: UpdateBackupSettings): Promise<BackupSettingsView> {
    const current = await this.backups.settings();
    const { updatedBy, ...fields } = changes;
    const next = { ...current, ...fields };
    checkTimezone(next.scheduleTimezone);
    checkCron('scheduleCron', next.scheduleCron, next.scheduleTimezone);
    checkCron('verifyCron', next.verifyCron, next.scheduleTimezone);
    if (!rulesKeepSomething(next)) {
      const message = 'the retention rules keep nothing: set at least one of keepLast, keepDaily, keepWeekly, keepMonthly above 0';
      throw AppError.badRequest(message, { fields: [{ path: 'keepLast', message }] });
    }
    const saved = await this.backups.updateSettings({ ...fields, offsite: fields.offsite === null ? Prisma.DbNull : fields.offsite, updatedBy });
    await this.applySchedules();
    return toSettingsView(saved, await this.queue.nextRun(BACKUP_SCHEDULER_ID));
  }

  /** Creates or removes the backup and verify job schedulers from the saved settings. */
  async applySchedules(): Promise<void> {
    const settings = await this.backups.settings();
    const timezone = settings.scheduleTimezone;
    if (settings.scheduleCron) {
      await this.queue.upsertScheduler(BACKUP_SCHEDULER_ID, { pattern: settings.scheduleCron, timezone }, { name: 'backup', data: { kind: 'backup', trigger: 'schedule' }, options: JOB_OPTIONS });
    } else await this.queue.removeScheduler(BACKUP_SCHEDULER_ID);
    if (settings.verifyCron) {
      await this.queue.upsertScheduler(VERIFY_SCHEDULER_ID, { pattern: settings.verifyCron, timezone }, { name: 'verify', data: { kind: 'verify', trigger: 'schedule' }, options: JOB_OPTIONS });
    } else await this.queue.removeScheduler(VERIFY_SCHEDULER_ID);
  }

  /** What retention would delete now under the saved rules, or under the rules given (dry run). */
  async retentionPreview(rules: Partial<RetentionRules>): Promise<RetentionPreview> {
    const settings = await this.backups.settings();
    const merged = { ...settings, ...rules };
    if (!rulesKeepSomething(merged)) throw AppError.badRequest('the retention rules keep nothing');
    return { items: await this.retentionDecisions(merged, settings.scheduleTimezone) };
  }

  async retentionDecisions(rules: RetentionRules, timeZone: string) {
    const [usable, restores] = await Promise.all([this.backups.usable(), this.backups.runningRestores()]);
    const inUse = new Set(restores.map((restore) => restore.backupId));
    return decideRetention(
      usable.map((row) => ({ id: row.id, name: row.name, takenAt: row.startedAt, verified: row.status === 'verified', inUse: inUse.has(row.id) })),
      rules,
      timeZone,
    );
  }
}
