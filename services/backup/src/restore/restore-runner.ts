import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCodes, Events, Queues, type RestoreStep, type RestoreView } from '@castline/contracts';
import { createPrismaClient, readMigrationsList, applyMigrations } from '@castline/db';
import { AppError, CONFIG, EventBus, Jobs } from '@castline/platform';
import type { Manifest } from '../archive/manifest';
import { verifyArchive } from '../archive/verify';
import { OffsiteService } from '../offsite/offsite.service';
import { ArchiveStore } from '../backups/archive-store';
import { BackupsRepository } from '../backups/backups.repository';
import type { BackupConfig } from '../config';
import type { BackupKeyring } from '../crypto/backup-keyring';
import { DecryptStream } from '../crypto/stream-cipher';
import { locatePgTool, serverVersionOf } from '../database/pg-tools';
import { serverVersionNum } from '../database/snapshot';
import { excludedFrom, type TarComponent } from '../files/file-components';
import { envKeyDiff, extractTree, restoreTree } from '../files/tar-restore';
import { databaseSwitchFor, type DatabaseSwitch } from './database-switch';
import { pgRestore } from './pg-restore';
import { toRestoreView } from '../backups/views';
import { busy } from '../backups/backups.service';

export const RESTORE_TEST_SCHEDULER_ID = 'restore-test-schedule';

export const RESTORE_STEPS = ['verify', 'restore_database', 'check', 'copy_backup_tables', 'switch', 'files', 'done'] as const;
export type RestoreStepName = (typeof RESTORE_STEPS)[number];

/** What survives a crash during the switch: the journal beside the archives (the database itself is being renamed). */
interface SwitchJournal {
  restoreId: string;
  live: string;
  incoming: string;
  previous: string;
  /** An undo brings back the pre-restore database: a rollback must never drop it. */
  keepIncoming?: boolean;
}

/** Refusals that are the request's fault or the backup's, not a crash. */
class RestoreRefused extends Error {}

const switchDetail = (databases: DatabaseSwitch, windowMs: number) =>
  databases.pooler ? `PgBouncer paused ${databases.pooler.database} for ${windowMs} ms` : `connections refused for ${windowMs} ms`;

const shortId = (id: string) => id.replaceAll('-', '').slice(0, 8);

/**
 * A restore, step by step, each recorded in restore_history: (a) verify the archive, refuse before writing;
 * (b) pg_restore into a new `<db>_restore_<id>`; (c) row counts equal the manifest's, the backup's migrations a
 * prefix of ours (pending ones applied; newer refused), every model readable and an enabled admin; the backup
 * service's own tables copied from live; (d) the switch (renames in one transaction); (e) files; (f) the
 * `backup.restored` event. At start, `recover` finishes or undoes what a crash interrupted.
 */
@Injectable()
export class RestoreRunner {
  private readonly logger = new Logger(RestoreRunner.name);
  private readonly queue;

  constructor(
    @Inject(CONFIG) private readonly config: BackupConfig,
    private readonly backups: BackupsRepository,
    private readonly archives: ArchiveStore,
    private readonly bus: EventBus,
    jobs: Jobs,
    private readonly offsite: OffsiteService,
  ) {
    this.queue = jobs.queue(Queues.backups);
  }

  /** Creates or removes the restore-test scheduler (BACKUP_RESTORE_TEST_CRON, UTC). */
  async applyTestSchedule(): Promise<void> {
    const pattern = this.config.BACKUP_RESTORE_TEST_CRON.trim();
    if (pattern) {
      await this.queue.upsertScheduler(RESTORE_TEST_SCHEDULER_ID, { pattern, timezone: 'UTC' }, {
        name: 'restore-test',
        data: { kind: 'restore-test', trigger: 'schedule' },
        options: { removeOnComplete: 100, removeOnFail: 100 },
      });
    } else await this.queue.removeScheduler(RESTORE_TEST_SCHEDULER_ID);
  }

  private get databases(): DatabaseSwitch {
    return databaseSwitchFor(this.config);
  }

  private journalPath(restoreId: string): string {
    return path.join(this.archives.root, `.restore-${restoreId}.json`);
  }

  /** Checks the request (404, 409 for a failed or corrupt backup, 400 for a wrong typed name) and queues the restore. */
  async request(backupId: string, confirm: string, requestedBy?: string): Promise<RestoreView> {
    const backup = await this.backups.find(backupId);
    if (!backup) throw AppError.notFound('Backup');
    if (backup.status !== 'completed' && backup.status !== 'verified') throw AppError.conflict(`A ${backup.status} backup cannot be restored`);
    if (confirm !== backup.name) {
      const message = `type the backup's name (${backup.name}) to confirm the restore`;
      throw AppError.badRequest(message, { fields: [{ path: 'confirm', message }] });
    }
    const id = randomUUID();
    const row = await this.backups.createIfIdle((tx) =>
      tx.restoreHistory.create({ data: { id, backupId, backupName: backup.name, kind: 'restore', requestedBy, step: 'queued' } }),
    );
    if (!row) throw busy('Cannot start a restore');
    await this.queue.add('restore', { kind: 'restore', restoreId: id }, { jobId: `restore-${id}`, removeOnComplete: 100, removeOnFail: 100 });
    return toRestoreView(row);
  }

  /**
   * Undo of a successful restore: the database it replaced (`<db>_pre_restore_<id>`) becomes live again the
   * same way (backup tables copied into it, then the renames); the restored one is kept as `<db>_undone_<id>`.
   * Files stay as the restore left them (the ones it moved aside are in UPLOADS_DIR/.pre-restore-<id>/).
   */
  async requestUndo(restoreId: string, requestedBy?: string): Promise<RestoreView> {
    const restored = await this.backups.findRestore(restoreId);
    if (!restored) throw AppError.notFound('Restore');
    if (restored.kind !== 'restore' || !restored.previousDatabase || !['success', 'interrupted'].includes(restored.result ?? '')) {
      throw AppError.conflict('Only a restore that switched the database can be undone');
    }
    if (!(await this.databases.exists(restored.previousDatabase))) throw AppError.conflict(`${restored.previousDatabase} no longer exists: nothing to go back to`);
    const id = randomUUID();
    const row = await this.backups.createIfIdle((tx) =>
      tx.restoreHistory.create({
        data: { id, backupId: restored.backupId, backupName: restored.backupName, kind: 'undo', requestedBy, step: 'queued', restoreDatabase: restored.previousDatabase },
      }),
    );
    if (!row) throw busy('Cannot undo');
    await this.queue.add('restore', { kind: 'restore', restoreId: id }, { jobId: `restore-${id}`, removeOnComplete: 100, removeOnFail: 100 });
    return toRestoreView(row);
  }

  private async undo(restoreId: string, target: string): Promise<string> {
    const databases = this.databases;
    const previous = `${databases.live}_undone_${shortId(restoreId)}`;
    const steps: RestoreStep[] = [];
    const step = this.stepper(restoreId, steps);
    try {
      await step('copy_backup_tables', () => databases.copyBackupTables(target));
      let windowMs = 0;
      await step('switch', async () => {
        await writeFile(this.journalPath(restoreId), JSON.stringify({ restoreId, live: databases.live, incoming: target, previous, keepIncoming: true } satisfies SwitchJournal));
        windowMs = await databases.swap(target, previous);
        return switchDetail(databases, windowMs);
      });
      await this.record(restoreId, steps, { previousDatabase: previous, switchWindowMs: windowMs });
      await rm(this.journalPath(restoreId), { force: true });
      await step('done', async () => undefined);
      await this.record(restoreId, steps, { result: 'success', finishedAt: new Date(), error: null });
      this.bus.publish(Events.backupRestored, { restoreId, backupId: null, database: databases.live });
      return 'success';
    } catch (error) {
      return this.recordFailure(restoreId, steps, error as Error);
    }
  }

  /** Runs named steps, each recorded with its times, result and detail (undo and the restore test). */
  private stepper(id: string, steps: RestoreStep[]) {
    return async (name: RestoreStepName, work: () => Promise<string | void>, data: Record<string, unknown> = {}) => {
      steps.push({ step: name, startedAt: new Date().toISOString() });
      await this.record(id, steps, data);
      const detail = await work();
      Object.assign(steps.at(-1)!, { finishedAt: new Date().toISOString(), result: 'success', ...(detail ? { detail } : {}) });
    };
  }

  /** Marks the running step and the row failed. */
  private async recordFailure(id: string, steps: RestoreStep[], error: Error): Promise<string> {
    const current = steps.at(-1);
    if (current && !current.finishedAt) Object.assign(current, { finishedAt: new Date().toISOString(), result: 'failed', error: error.message });
    await this.record(id, steps, { result: 'failed', error: error.message, finishedAt: new Date() });
    return `failed: ${error.message}`;
  }

  private async record(id: string, steps: RestoreStep[], data: Record<string, unknown> = {}): Promise<void> {
    const current = steps.at(-1);
    // Right after the switch the pool's old sessions were ended: one retry reconnects to the restored database.
    const write = () => this.backups.updateRestore(id, { step: current?.step ?? 'queued', steps: steps as never, ...data });
    await write().catch(() => write());
  }

  /**
   * Test hook: BACKUP_FAULT_AT=<step> kills the process as that step starts, once it is recorded (SIGKILL,
   * nothing cleaned up);
   * `switched` kills it right after the renames committed, before anything was recorded.
   */
  private faultAt(step: RestoreStepName | 'switched'): void {
    if (process.env.BACKUP_FAULT_AT === step) process.kill(process.pid, 'SIGKILL');
  }

  async run(restoreId: string, keyring: BackupKeyring): Promise<string> {
    const row = await this.backups.findRestore(restoreId);
    if (!row || row.result !== null) return 'skipped: not pending';
    if (row.kind === 'undo') return this.undo(restoreId, row.restoreDatabase!);
    const backup = row.backupId ? await this.backups.find(row.backupId) : null;
    const steps = (row.steps as RestoreStep[]) ?? [];
    const databases = this.databases;
    const incoming = `${databases.live}_restore_${shortId(restoreId)}`;
    const previous = `${databases.live}_pre_restore_${shortId(restoreId)}`;
    const begin = async (step: RestoreStepName, data: Record<string, unknown> = {}) => {
      steps.push({ step, startedAt: new Date().toISOString() });
      await this.record(restoreId, steps, data);
      this.faultAt(step);
      this.publish(restoreId, step, false);
    };
    const end = (detail?: string) => {
      const current = steps.at(-1)!;
      current.finishedAt = new Date().toISOString();
      current.result = 'success';
      if (detail) current.detail = detail;
    };
    let switched = false;
    try {
      if (!backup) throw new RestoreRefused('the backup was deleted');
      const directory = this.archives.directoryOf(backup.name);
      await begin('verify');
      await this.offsite.ensureLocal(backup);
      const verified = await verifyArchive(directory, keyring, { expectedManifestSha256: backup.manifestSha256 ?? undefined });
      if (!verified.ok || !verified.manifest) {
        await this.backups.update(backup.id, { status: 'corrupt', error: verified.problems.join('; ') });
        throw new AppError(ErrorCodes.backupCorrupt, `refused: the backup failed verification: ${verified.problems.join('; ')}`, HttpStatus.UNPROCESSABLE_ENTITY);
      }
      const manifest = verified.manifest;
      end();

      await begin('restore_database', { restoreDatabase: incoming });
      await this.restoreInto(databases, incoming, directory, manifest, keyring);
      end();

      await begin('check');
      end(await this.check(databases, incoming, manifest));

      await begin('copy_backup_tables');
      await databases.copyBackupTables(incoming);
      end();

      // From here the record is written into the restored database (its copy of restore_history) after the switch.
      await begin('switch');
      await writeFile(this.journalPath(restoreId), JSON.stringify({ restoreId, live: databases.live, incoming, previous } satisfies SwitchJournal));
      const windowMs = await databases.swap(incoming, previous);
      switched = true;
      this.faultAt('switched');
      end(switchDetail(databases, windowMs));
      await this.record(restoreId, steps, { previousDatabase: previous, switchWindowMs: windowMs });
      await rm(this.journalPath(restoreId), { force: true });

      await begin('files');
      end(await this.restoreFiles(directory, manifest, keyring, restoreId));

      await begin('done');
      end();
      await this.record(restoreId, steps, { result: 'success', finishedAt: new Date(), error: null });
      this.publish(restoreId, 'done', true);
      this.bus.publish(Events.backupRestored, { restoreId, backupId: backup.id, database: databases.live });
      return 'success';
    } catch (error) {
      const message = (error as Error).message;
      const current = steps.at(-1);
      if (current && !current.finishedAt) Object.assign(current, { finishedAt: new Date().toISOString(), result: 'failed', error: message });
      if (!switched) await databases.drop(incoming).catch(() => undefined);
      await this.record(restoreId, steps, { result: 'failed', error: message, finishedAt: new Date() });
      this.publish(restoreId, current?.step ?? 'failed', true);
      if (error instanceof RestoreRefused || error instanceof AppError) return `failed: ${message}`;
      throw error;
    }
  }

  /**
   * The scheduled restore test (BACKUP_RESTORE_TEST_CRON): the newest usable backup is verified, restored into a
   * scratch database `<db>_restoretest_<id>`, checked as a restore is (counts, migrations, every model, an admin),
   * then dropped. Recorded in restore_history as kind `test`; the live database is never touched. A failure marks
   * nothing but the history row (and the metrics): the backup itself is marked corrupt only by verify.
   */
  async runTest(keyring: BackupKeyring): Promise<string> {
    const backup = (await this.backups.usable())[0];
    if (!backup) return 'nothing to test';
    const id = randomUUID();
    const databases = this.databases;
    const scratch = `${databases.live}_restoretest_${shortId(id)}`;
    const row = await this.backups.createIfIdle((tx) =>
      tx.restoreHistory.create({ data: { id, backupId: backup.id, backupName: backup.name, kind: 'test', step: 'verify', restoreDatabase: scratch } }),
    );
    if (!row) return 'skipped: busy';
    const steps: RestoreStep[] = [];
    const step = this.stepper(id, steps);
    try {
      let manifest!: Manifest;
      const directory = this.archives.directoryOf(backup.name);
      await step('verify', async () => {
        await this.offsite.ensureLocal(backup);
        const verified = await verifyArchive(directory, keyring, { expectedManifestSha256: backup.manifestSha256 ?? undefined });
        if (!verified.ok || !verified.manifest) throw new RestoreRefused(`the backup failed verification: ${verified.problems.join('; ')}`);
        manifest = verified.manifest;
      });
      await step('restore_database', () => this.restoreInto(databases, scratch, directory, manifest, keyring));
      await step('check', () => this.check(databases, scratch, manifest));
      await step('done', () => databases.drop(scratch));
      await this.record(id, steps, { result: 'success', finishedAt: new Date(), error: null });
      return 'success';
    } catch (error) {
      return this.recordFailure(id, steps, error as Error);
    } finally {
      await databases.drop(scratch).catch(() => undefined);
    }
  }

  /** (b): pg_restore of the backup's dump into a new database `name` (dropped first if a crash left one). */
  private async restoreInto(databases: DatabaseSwitch, name: string, directory: string, manifest: Manifest, keyring: BackupKeyring): Promise<void> {
    const dump = manifest.files.find((file) => file.component === 'database');
    if (!dump) throw new RestoreRefused('the backup holds no database');
    const server = serverVersionOf(await serverVersionNum(databases.liveUrl));
    const tool = await locatePgTool('pg_restore', server, this.config.PG_BIN_DIR);
    await databases.drop(name);
    await databases.create(name, this.config.BACKUP_RESTORE_ROLE);
    await pgRestore(tool, databases.urlOf(name), createReadStream(path.join(directory, dump.path)).pipe(new DecryptStream(keyring)), {
      lowPriority: this.config.BACKUP_LOW_PRIORITY,
      role: this.config.BACKUP_RESTORE_ROLE,
    });
  }

  /** (c): counts, migrations, smoke queries. Returns a summary for the step's detail. */
  private async check(databases: DatabaseSwitch, incoming: string, manifest: Manifest): Promise<string> {
    const counts = await databases.rowCounts(incoming);
    const wrong = Object.entries(manifest.database.rowCounts).filter(([table, rows]) => counts[table] !== rows);
    if (wrong.length > 0) {
      throw new RestoreRefused(`row counts differ from the manifest: ${wrong.map(([table, rows]) => `${table} ${counts[table] ?? 'missing'} != ${rows}`).join(', ')}`);
    }
    const ours = (await readMigrationsList()).migrationDirectories.map((directory) => directory.path);
    const theirs = manifest.database.migrations;
    const unknown = theirs.filter((name) => !ours.includes(name));
    if (unknown.length > 0) {
      throw new AppError(
        ErrorCodes.backupSchemaNewer,
        `the backup's database has migrations this version does not know (${unknown.join(', ')}): restore it with a newer Castline`,
        HttpStatus.CONFLICT,
      );
    }
    if (theirs.some((name, index) => ours[index] !== name)) throw new RestoreRefused(`the backup's migrations are not a prefix of this version's`);
    const applied = theirs.length < ours.length ? await applyMigrations(databases.urlOf(incoming)) : [];
    const prisma = createPrismaClient(databases.urlOf(incoming));
    try {
      const client = prisma as unknown as Record<string, { findFirst(): Promise<unknown> }>;
      const models = Object.keys(client).filter((key) => !key.startsWith('$') && !key.startsWith('_') && typeof client[key]?.findFirst === 'function');
      for (const model of models) await client[model]!.findFirst();
      const admin = await prisma.user.findFirst({ where: { role: 'admin', disabled: false } });
      if (!admin) throw new RestoreRefused('the restored database has no enabled admin: nobody could sign in');
      return `${Object.keys(counts).length} tables as counted, ${models.length} models readable${applied.length ? `, migrated forward: ${applied.join(', ')}` : ''}`;
    } finally {
      await prisma.$disconnect();
    }
  }

  /**
   * (e): uploads and media: each file written under a temp name beside its target (streamed), then renamed over
   * it; files of that directory the backup does not hold move aside into `<dir>/.pre-restore-<id>/` (never
   * deleted; media's incoming/ and work/ are left alone). nginx.tar and config.env are restored aside into
   * BACKUP_DIR/.restored-<id>/ (nginx renders its config at start; env is read once at start), config.env with a
   * key-only diff against the current file.
   */
  private async restoreFiles(directory: string, manifest: Manifest, keyring: BackupKeyring, restoreId: string): Promise<string> {
    const done: string[] = [];
    const roots: Partial<Record<TarComponent, string>> = { uploads: this.config.UPLOADS_DIR, media: this.config.MEDIA_ROOT };
    const aside = path.join(this.archives.root, `.restored-${shortId(restoreId)}`);
    for (const file of manifest.files) {
      const source = () => createReadStream(path.join(directory, file.path)).pipe(new DecryptStream(keyring));
      if (file.component === 'uploads' || file.component === 'media') {
        const root = roots[file.component];
        if (!root) {
          done.push(`${file.component} not restored (MEDIA_ROOT unset)`);
          continue;
        }
        done.push(`${file.component}: ${await restoreTree(source(), path.resolve(root), restoreId, excludedFrom(file.component))}`);
      } else if (file.component === 'nginx') {
        const target = path.join(aside, 'nginx');
        const restored = await extractTree(source(), target);
        done.push(`nginx: ${restored} files aside in ${path.relative(this.archives.root, target)}`);
      } else if (file.component === 'config') {
        await mkdir(aside, { recursive: true, mode: 0o700 });
        const target = path.join(aside, 'config.env');
        await pipeline(source(), createWriteStream(target, { mode: 0o600 }));
        const current = this.config.BACKUP_CONFIG_FILE ? await readFile(this.config.BACKUP_CONFIG_FILE, 'utf8').catch(() => '') : '';
        done.push(`config.env aside in ${path.relative(this.archives.root, target)} (${envKeyDiff(current, await readFile(target, 'utf8'))})`);
      }
    }
    return done.length > 0 ? done.join('; ') : 'no files in the backup';
  }

  private publish(restoreId: string, stage: string, done: boolean): void {
    try {
      this.bus.publish(Events.backupProgress, { kind: 'restore', restoreId, stage, bytes: 0, bytesPerSecond: 0, done });
    } catch {
      // best effort
    }
  }

  /**
   * At start: a restore without a result was interrupted. Before the switch its new database is dropped and it
   * is `interrupted`; during the switch the journal says which names to look at: renamed -> finished (files
   * left to redo by hand), not renamed -> the new database dropped and `rolled_back`.
   */
  async recover(): Promise<void> {
    const databases = this.databases;
    // Journals first, over the maintenance database: a crash inside the switch may have left the live database
    // refusing connections, and every query below needs it.
    const switches = new Map<string, 'finished' | 'rolled_back'>();
    for (const file of (await readdir(this.archives.root).catch(() => [] as string[])).filter((name) => /^\.restore-[\w-]+\.json$/.test(name))) {
      const journal = await readFile(path.join(this.archives.root, file), 'utf8').then((text) => JSON.parse(text) as SwitchJournal, () => undefined);
      if (!journal) continue;
      if (await databases.exists(journal.previous)) {
        await databases.allowConnections(journal.previous, true);
        switches.set(journal.restoreId, 'finished');
      } else {
        await databases.allowConnections(journal.live, true);
        if (!journal.keepIncoming) await databases.drop(journal.incoming);
        switches.set(journal.restoreId, 'rolled_back');
      }
    }
    for (const row of await this.backups.runningRestores()) {
      if (row.step === 'queued') continue;
      const steps = (row.steps as RestoreStep[]) ?? [];
      const close = (result: string, error: string, data: Record<string, unknown> = {}) =>
        this.backups.updateRestore(row.id, { result, error, finishedAt: new Date(), steps: steps as never, ...data });
      const switched = switches.get(row.id);
      if (switched === 'finished') {
        const previous = `${databases.live}_${row.kind === 'undo' ? 'undone' : 'pre_restore'}_${shortId(row.id)}`;
        await close('interrupted', 'the service stopped right after the switch: the database is restored, files were not', { previousDatabase: previous });
      } else if (switched === 'rolled_back') {
        await close('rolled_back', 'the service stopped during the switch: the live database was kept, the restored one dropped');
      } else if (row.previousDatabase) {
        // The switch was recorded (in the restored database, now live): only the files step was cut short.
        await close('interrupted', `the service stopped during ${row.step}, after the switch: the database is restored, files may not be`);
      } else {
        // An undo's restoreDatabase is the pre-restore database it was bringing back: never dropped.
        if (row.restoreDatabase && row.kind !== 'undo') await databases.drop(row.restoreDatabase);
        await close('interrupted', `the service stopped during ${row.step}: the live database was never touched`);
      }
      this.logger.warn(`restore ${row.id} recovered after a restart`);
    }
    // A crash between PAUSE and RESUME would leave PgBouncer's clients waiting forever.
    if (switches.size > 0) await databases.pooler?.resume().catch((error: Error) => this.logger.error(`PgBouncer RESUME failed: ${error.message}`));
    for (const restoreId of switches.keys()) await rm(this.journalPath(restoreId), { force: true });
  }
}
