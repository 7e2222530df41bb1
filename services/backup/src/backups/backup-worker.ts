import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type BackupJob, Events, Queues } from '@castline/contracts';
import { CONFIG, EventBus, type JobProcessor, Jobs } from '@castline/platform';
import { COMPONENT_FILES, type ComponentKind } from '../archive/manifest';
import { verifyArchive } from '../archive/verify';
import { backupDatabaseUrl, type BackupConfig } from '../config';
import { BackupKeyring } from '../crypto/backup-keyring';
import { OffsiteService } from '../offsite/offsite.service';
import { RestoreRunner } from '../restore/restore-runner';
import { ArchiveStore } from './archive-store';
import { BackupHealth } from './backup-health';
import { backupName, runBackup } from './backup-runner';
import { BackupsRepository } from './backups.repository';
import { BackupsService } from './backups.service';

const PROGRESS_INTERVAL_MS = 500;

/** Throttled progress events for the dashboard: component, bytes so far, MB/s since the component started. */
class ProgressReporter {
  private lastSent = 0;
  private stageStarted = Date.now();
  private stage = '';

  constructor(
    private readonly bus: EventBus,
    private readonly base: { kind: 'backup' | 'verify' | 'restore'; backupId?: string; restoreId?: string },
  ) {}

  report(stage: string, bytes: number, done = false): void {
    const now = Date.now();
    if (stage !== this.stage) {
      this.stage = stage;
      this.stageStarted = now;
    } else if (!done && now - this.lastSent < PROGRESS_INTERVAL_MS) return;
    this.lastSent = now;
    const seconds = (now - this.stageStarted) / 1000;
    try {
      this.bus.publish(Events.backupProgress, { ...this.base, stage, bytes, bytesPerSecond: seconds > 0 ? bytes / seconds : 0, done });
    } catch {
      // Progress is best effort; a NATS hiccup never fails a backup.
    }
  }
}

/**
 * Runs every job of the `backups` queue inside the backup service, one at a time (concurrency 1): backups,
 * verifies, restores and retention never overlap. At start it first reconciles what a crash left behind.
 */
@Injectable()
export class BackupWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private processor?: JobProcessor<typeof Queues.backups>;
  private readonly logger = new Logger(BackupWorker.name);
  readonly keyring: BackupKeyring;

  constructor(
    @Inject(CONFIG) private readonly config: BackupConfig,
    private readonly jobs: Jobs,
    private readonly backups: BackupsRepository,
    private readonly service: BackupsService,
    private readonly archives: ArchiveStore,
    private readonly bus: EventBus,
    private readonly restores: RestoreRunner,
    private readonly offsite: OffsiteService,
    private readonly health: BackupHealth,
  ) {
    this.keyring = new BackupKeyring(config.BACKUP_ENCRYPTION_KEY, config.BACKUP_ENCRYPTION_KEYS_OLD);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.restores.recover();
    await this.recover();
    await this.service.applySchedules();
    await this.offsite.applySchedule();
    await this.restores.applyTestSchedule();
    this.processor = await this.jobs.process(Queues.backups, (job) => this.run(job.data), {
      concurrency: 1,
      // A restore or a large backup runs for long; its lock is renewed meanwhile, a dead process's job comes back.
      lockDurationMs: 60_000,
      onFailed: (job, error) => this.logger.error(`${job?.data.kind ?? 'backups'} job ${job?.id} failed: ${error.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.close();
  }

  /** After a crash: running backups failed, partial directories removed, rows whose archive is gone corrupt. */
  async recover(): Promise<void> {
    for (const row of await this.backups.running()) {
      await this.backups.updateIf(row.id, 'running', { status: 'failed', error: 'interrupted: the backup service stopped while it ran', completedAt: new Date() });
      await this.backups.failRunningComponents(row.id, 'interrupted');
    }
    const { complete, partial } = await this.archives.list();
    for (const name of partial) await this.archives.removePartial(name);
    const onDisk = new Set(complete);
    for (const row of await this.backups.usable()) {
      // A backup copied off-host is fetched back when verified or restored (src/offsite).
      if (!onDisk.has(row.name) && row.offsiteState !== 'uploaded') await this.backups.update(row.id, { status: 'corrupt', error: 'the archive directory is missing' });
    }
    const known = new Set((await this.backups.all()).map((row) => row.name));
    for (const name of complete.filter((item) => !known.has(item))) this.logger.warn(`${name} under BACKUP_DIR has no catalogue row; left alone`);
  }

  run(job: BackupJob): Promise<unknown> {
    switch (job.kind) {
      case 'backup':
        return this.backup(job);
      case 'verify':
        return this.verify(job.backupId);
      case 'retention':
        return this.retention();
      case 'restore':
        return this.counted('restore', this.restores.run(job.restoreId, this.keyring));
      case 'restore-test':
        return this.counted('restore_test', this.restores.runTest(this.keyring));
      case 'offsite':
        return this.offsite.run(job);
    }
  }

  /** Counts a job whose outcome says it failed (castline_backup_failures_total). */
  private async counted(kind: string, outcome: Promise<string>): Promise<string> {
    try {
      const result = await outcome;
      if (result.startsWith('failed')) this.health.failures.inc({ kind });
      return result;
    } catch (error) {
      this.health.failures.inc({ kind });
      throw error;
    }
  }

  private async backup(job: Extract<BackupJob, { kind: 'backup' }>): Promise<string> {
    const settings = await this.backups.settings();
    let id = job.backupId;
    if (!id) {
      const newId = randomUUID();
      const startedAt = new Date();
      const created = await this.backups.createIfIdle((tx) =>
        tx.systemBackup.create({ data: { id: newId, name: backupName(newId, startedAt), trigger: job.trigger, status: 'running', startedAt, offsiteState: settings.offsiteEnabled ? 'pending' : 'off' } }),
      );
      if (!created) return 'skipped: busy';
      id = newId;
    }
    const row = await this.backups.find(id);
    if (!row || row.status !== 'running') return 'skipped: not running';
    const progress = new ProgressReporter(this.bus, { kind: 'backup', backupId: id });
    const components = settings.components.filter((kind): kind is ComponentKind => kind in COMPONENT_FILES);
    try {
      const outcome = await runBackup(
        { id, name: row.name, components, excludeTableData: settings.excludeTableData },
        {
          databaseUrl: backupDatabaseUrl(this.config),
          uploadsDir: this.config.UPLOADS_DIR,
          mediaRoot: this.config.MEDIA_ROOT,
          nginxDir: this.config.BACKUP_NGINX_DIR,
          diskReserveBytes: this.config.BACKUP_DISK_RESERVE_BYTES,
          configFile: this.config.BACKUP_CONFIG_FILE,
          pgBinDir: this.config.PG_BIN_DIR,
          lowPriority: this.config.BACKUP_LOW_PRIORITY,
        },
        this.archives.root,
        this.keyring,
        {
          onVersions: async (versions) => {
            await this.backups.update(id, { pgServerVersion: versions.postgresServer, pgDumpVersion: versions.pgDump || null });
          },
          onComponent: async (kind, file) => {
            await this.backups.upsertComponent(id, kind, file
              ? { path: file.path, status: 'completed', sizeBytes: file.size, sourceBytes: file.plainSize, sha256: file.sha256, completedAt: new Date() }
              : { path: COMPONENT_FILES[kind], status: 'running', startedAt: new Date() });
            if (file) progress.report(kind, file.plainSize, true);
          },
          onProgress: ({ component, bytes }) => progress.report(component, bytes),
        },
      );
      await this.backups.update(id, {
        status: 'completed',
        sizeBytes: outcome.sizeBytes,
        manifestSha256: createHash('sha256').update(outcome.manifestText, 'utf8').digest('hex'),
        keyId: outcome.manifest.keyId,
        appVersion: outcome.manifest.versions.app,
        schemaMigration: outcome.manifest.database.migrations.at(-1) ?? null,
        completedAt: new Date(),
      });
      progress.report('done', outcome.sizeBytes, true);
      await this.retention();
      await this.offsite.queueUpload(id);
      return outcome.manifest.name;
    } catch (error) {
      const message = (error as Error).message;
      await this.backups.update(id, { status: 'failed', error: message, completedAt: new Date() });
      await this.backups.failRunningComponents(id, message);
      this.health.failures.inc({ kind: 'backup' });
      throw error;
    }
  }

  /** Verifies one backup (a scheduled verify takes the newest completed or verified one). */
  private async verify(backupId?: string): Promise<string> {
    const row = backupId ? await this.backups.find(backupId) : (await this.backups.usable())[0];
    if (!row || row.status === 'running' || row.status === 'failed') return 'nothing to verify';
    const progress = new ProgressReporter(this.bus, { kind: 'verify', backupId: row.id });
    progress.report('verify', 0);
    await this.offsite.ensureLocal(row).catch((error: Error) => this.logger.warn(error.message));
    const result = await verifyArchive(this.archives.directoryOf(row.name), this.keyring, { expectedManifestSha256: row.manifestSha256 ?? undefined });
    await this.backups.update(row.id, result.ok ? { status: 'verified', verifiedAt: new Date(), error: null } : { status: 'corrupt', error: result.problems.join('; ') });
    progress.report('verify', 0, true);
    if (!result.ok) this.health.failures.inc({ kind: 'verify' });
    return result.ok ? 'verified' : 'corrupt';
  }

  /** Deletes what the retention rules do not keep (never the newest verified backup, never one in use). */
  private async retention(): Promise<string[]> {
    const settings = await this.backups.settings();
    const deleted: string[] = [];
    for (const decision of await this.service.retentionDecisions(settings, settings.scheduleTimezone)) {
      if (decision.keep) continue;
      await this.archives.remove(decision.name);
      await this.offsite.forget(decision.name);
      await this.backups.delete(decision.id);
      deleted.push(decision.name);
    }
    if (deleted.length > 0) this.logger.log(`retention deleted ${deleted.join(', ')}`);
    return deleted;
  }
}
