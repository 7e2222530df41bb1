import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SystemBackup } from '@castline/db';
import { type BackupJob, Queues } from '@castline/contracts';
import { CONFIG, Jobs } from '@castline/platform';
import { PARTIAL_PREFIX } from '../archive/archive-writer';
import { MANIFEST_FILE } from '../archive/manifest';
import { ArchiveStore } from '../backups/archive-store';
import type { BackupConfig } from '../config';
import { OffsiteRepository } from './offsite.repository';
import { OffsiteStore, type OffsiteTarget } from './offsite-store';

export const OFFSITE_SCHEDULER_ID = 'offsite-retry';
const JOB_OPTIONS = { removeOnComplete: 100, removeOnFail: 100 } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The settings' `offsite` JSON: overrides of the environment's endpoint, bucket, region and prefix. */
interface OffsiteSettings {
  endpoint?: string;
  bucket?: string;
  region?: string;
  prefix?: string;
}

/**
 * Off-host copies (off by default): each completed backup's directory is copied to an S3-compatible store, the
 * manifest last, every size checked by HEAD; retried with backoff; deletions mirrored; a backup missing locally
 * is fetched back before it is verified or restored. A store being down never fails the local backup: the copy
 * becomes `failed` and the `offsite-retry` scheduler tries again.
 */
@Injectable()
export class OffsiteService {
  private readonly logger = new Logger(OffsiteService.name);
  private readonly queue;

  constructor(
    @Inject(CONFIG) private readonly config: BackupConfig,
    private readonly rows: OffsiteRepository,
    private readonly archives: ArchiveStore,
    jobs: Jobs,
  ) {
    this.queue = jobs.queue(Queues.backups);
  }

  /** The store, when off-host copies are enabled and a bucket and credentials are configured; else undefined. */
  async target(): Promise<OffsiteTarget | undefined> {
    const settings = await this.rows.settings();
    if (!settings?.offsiteEnabled) return undefined;
    const overrides = (settings.offsite ?? {}) as OffsiteSettings;
    const bucket = overrides.bucket ?? this.config.BACKUP_S3_BUCKET;
    const accessKeyId = this.config.BACKUP_S3_ACCESS_KEY_ID ?? this.config.AWS_ACCESS_KEY_ID;
    const secretAccessKey = this.config.BACKUP_S3_SECRET_ACCESS_KEY ?? this.config.AWS_SECRET_ACCESS_KEY;
    if (!bucket || !accessKeyId || !secretAccessKey) return undefined;
    let prefix = overrides.prefix ?? this.config.BACKUP_S3_PREFIX;
    if (prefix && !prefix.endsWith('/')) prefix += '/';
    return {
      endpoint: overrides.endpoint ?? this.config.BACKUP_S3_ENDPOINT,
      bucket,
      region: overrides.region ?? this.config.BACKUP_S3_REGION,
      prefix,
      accessKeyId,
      secretAccessKey,
      partSizeBytes: this.config.BACKUP_S3_PART_SIZE_MB * 1024 * 1024,
      maxAttempts: this.config.BACKUP_S3_MAX_ATTEMPTS,
      requestTimeoutMs: this.config.BACKUP_S3_REQUEST_TIMEOUT_MS,
    };
  }

  /** Queues the copy of a backup that just completed (nothing when copies are off). */
  async queueUpload(backupId: string): Promise<void> {
    const row = await this.rows.find(backupId);
    if (!row || row.offsiteState === 'off') return;
    await this.queue.add('offsite', { kind: 'offsite', backupId, trigger: 'backup' }, { ...JOB_OPTIONS, jobId: `offsite-${backupId}-${Date.now()}` });
  }

  /** Queues a pass over every due copy and remote orphans now (what the scheduler does periodically). */
  async queueRetry(): Promise<void> {
    await this.queue.add('offsite', { kind: 'offsite', trigger: 'manual' }, { ...JOB_OPTIONS, jobId: `offsite-retry-${Date.now()}` });
  }

  async applySchedule(): Promise<void> {
    const pattern = this.config.BACKUP_OFFSITE_RETRY_CRON.trim();
    if (pattern) {
      await this.queue.upsertScheduler(OFFSITE_SCHEDULER_ID, { pattern, timezone: 'UTC' }, { name: 'offsite', data: { kind: 'offsite', trigger: 'schedule' }, options: JOB_OPTIONS });
    } else await this.queue.removeScheduler(OFFSITE_SCHEDULER_ID);
  }

  /** The `offsite` job: one backup's copy, or (no id) every due copy and then the remote orphans. */
  async run(job: Extract<BackupJob, { kind: 'offsite' }>): Promise<string> {
    if (job.backupId) return this.upload(job.backupId);
    const target = await this.target();
    if (!target) return 'off';
    const outcomes: string[] = [];
    for (const row of await this.rows.due(new Date())) outcomes.push(`${row.name}: ${await this.upload(row.id)}`);
    const removed = await this.sweep(target).catch((error: Error) => {
      this.logger.warn(`off-host orphan sweep failed: ${error.message}`);
      return 0;
    });
    return [...outcomes, `orphans removed: ${removed}`].join('; ');
  }

  /**
   * Copies one backup's directory, up to BACKUP_OFFSITE_ATTEMPTS passes with exponential backoff; files the store
   * already holds at their size are skipped, so a later pass resumes. Never throws: a failure is recorded.
   */
  async upload(backupId: string): Promise<string> {
    const row = await this.rows.find(backupId);
    if (!row || (row.status !== 'completed' && row.status !== 'verified')) return 'skipped: not a completed backup';
    if (row.offsiteState === 'uploaded') return 'uploaded';
    const target = await this.target();
    if (!target) {
      if (!(await this.rows.settings())?.offsiteEnabled) {
        await this.rows.update(backupId, { offsiteState: 'off', offsiteError: null, offsiteNextAttemptAt: null });
        return 'off: copies were disabled since';
      }
      await this.rows.update(backupId, { offsiteState: 'failed', offsiteError: 'off-host copies are not configured (bucket or credentials missing)' });
      return 'failed: not configured';
    }
    const store = new OffsiteStore(target);
    const attempts = this.config.BACKUP_OFFSITE_ATTEMPTS;
    let lastError = '';
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        await this.rows.update(backupId, { offsiteState: 'uploading', offsiteAttempts: { increment: 1 } });
        try {
          await this.copy(store, row);
          await this.rows.update(backupId, { offsiteState: 'uploaded', offsiteError: null, offsiteUploadedAt: new Date(), offsiteNextAttemptAt: null, offsiteRetries: { increment: store.retries } });
          return 'uploaded';
        } catch (error) {
          lastError = (error as Error).message || String(error);
          this.logger.warn(`off-host copy of ${row.name}, pass ${attempt}/${attempts}: ${lastError}`);
          if (attempt < attempts) await sleep(this.config.BACKUP_OFFSITE_BACKOFF_MS * 2 ** (attempt - 1));
        }
      }
      const next = new Date(Date.now() + Math.max(60_000, this.config.BACKUP_OFFSITE_BACKOFF_MS * 2 ** attempts));
      await this.rows.update(backupId, { offsiteState: 'failed', offsiteError: lastError, offsiteNextAttemptAt: next, offsiteRetries: { increment: store.retries } });
      return `failed: ${lastError}`;
    } finally {
      store.close();
    }
  }

  private async copy(store: OffsiteStore, row: SystemBackup): Promise<void> {
    const directory = this.archives.directoryOf(row.name);
    const names = (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
    if (!names.includes(MANIFEST_FILE)) throw new Error(`${row.name} has no ${MANIFEST_FILE} locally`);
    // The manifest goes last: a remote copy holding a manifest holds everything it lists.
    const ordered = [...names.filter((name) => name !== MANIFEST_FILE).sort(), MANIFEST_FILE];
    const remote = new Map((await store.list(store.keyOf(row.name))).map((item) => [item.key, item.size]));
    for (const name of ordered) {
      const { size } = await stat(path.join(directory, name));
      const key = store.keyOf(row.name, name);
      if (remote.get(key) === size && name !== MANIFEST_FILE) continue;
      await store.upload(path.join(directory, name), key, size);
    }
  }

  /** Mirrors a deletion: the backup's remote copy goes too. A failure is logged; the next sweep removes it. */
  async forget(name: string): Promise<void> {
    const target = await this.target();
    if (!target) return;
    const store = new OffsiteStore(target);
    try {
      await store.deletePrefix(store.keyOf(name));
    } catch (error) {
      this.logger.warn(`could not delete the off-host copy of ${name} (the next sweep will): ${(error as Error).message}`);
    } finally {
      store.close();
    }
  }

  /** Deletes remote backup directories that have no catalogue row (deleted while the store was down). */
  private async sweep(target: OffsiteTarget): Promise<number> {
    const store = new OffsiteStore(target);
    try {
      const known = await this.rows.names();
      const orphans = new Set<string>();
      for (const item of await store.list(target.prefix)) {
        const name = item.key.slice(target.prefix.length).split('/')[0];
        if (name && !known.has(name)) orphans.add(name);
      }
      for (const name of orphans) await store.deletePrefix(store.keyOf(name));
      return orphans.size;
    } finally {
      store.close();
    }
  }

  /**
   * A backup whose directory is gone locally but whose copy is whole off-host is fetched back into BACKUP_DIR
   * (under a partial name, renamed when every file is in): the caller then verifies it as any other. Returns
   * whether it fetched.
   */
  async ensureLocal(row: Pick<SystemBackup, 'id' | 'name' | 'offsiteState'>): Promise<boolean> {
    if (await this.archives.exists(row.name)) return false;
    if (row.offsiteState !== 'uploaded') return false;
    const target = await this.target();
    if (!target) return false;
    const store = new OffsiteStore(target);
    const partial = path.join(this.archives.root, `${PARTIAL_PREFIX}fetch-${row.id}`);
    let lastError: Error | undefined;
    try {
      for (let attempt = 1; attempt <= this.config.BACKUP_OFFSITE_ATTEMPTS; attempt++) {
        try {
          await rm(partial, { recursive: true, force: true });
          await mkdir(partial, { recursive: true });
          const objects = await store.list(store.keyOf(row.name));
          if (!objects.some((item) => item.key === store.keyOf(row.name, MANIFEST_FILE))) throw new Error(`the off-host copy of ${row.name} has no manifest`);
          for (const item of objects) {
            const name = item.key.slice(store.keyOf(row.name).length);
            if (!name || name.includes('/')) continue;
            await store.download(item.key, path.join(partial, name), item.size);
          }
          await rename(partial, this.archives.directoryOf(row.name));
          this.logger.log(`fetched ${row.name} back from the off-host copy`);
          return true;
        } catch (error) {
          lastError = error as Error;
          this.logger.warn(`fetching ${row.name}, pass ${attempt}: ${lastError.message}`);
          if (attempt < this.config.BACKUP_OFFSITE_ATTEMPTS) await sleep(this.config.BACKUP_OFFSITE_BACKOFF_MS * 2 ** (attempt - 1));
        }
      }
      await rm(partial, { recursive: true, force: true });
      throw new Error(`could not fetch ${row.name} from the off-host copy: ${lastError?.message}`);
    } finally {
      store.close();
    }
  }
}
